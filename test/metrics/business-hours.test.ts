import { validateCalendar } from '../../src/metrics/business-hours/calendar-input';
import { startTestApi, type TestApi } from '../support/test-api';

const WEEKDAYS_9_TO_5 = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY']
  .map((d) => `{ day: ${d}, opens: "09:00", closes: "17:00" }`)
  .join(', ');
const ALL_DAY = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']
  .map((d) => `{ day: ${d}, opens: "00:00", closes: "24:00" }`)
  .join(', ');

describe('business hours', () => {
  let api: TestApi;
  const seconds = async (calendar: string, start: string, end: string): Promise<number> => {
    const [row] = await api.db.dataSource.query(
      `SELECT business_seconds((SELECT id FROM business_calendars WHERE name = $1), $2::timestamptz, $3::timestamptz) AS s`,
      [calendar, start, end],
    );
    return Number(row.s);
  };

  beforeAll(async () => {
    api = await startTestApi();
    for (const mutation of [
      `setBusinessCalendar(input: { name: "berlin", timezone: "Europe/Berlin", hours: [${WEEKDAYS_9_TO_5}], holidays: ["2025-12-25"] })`,
      `setBusinessCalendar(input: { name: "always", timezone: "America/New_York", hours: [${ALL_DAY}], channels: [CHAT] })`,
      `setBusinessCalendar(input: { name: "berlin-all-day", timezone: "Europe/Berlin", hours: [${ALL_DAY}], channels: [SOCIAL], priorities: [URGENT] })`,
    ]) {
      const res = await api.graphql(`mutation { ${mutation} { name } }`);
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(async () => api?.close());

  describe('business_seconds', () => {
    it('skips the weekend: Friday 16:00 to Monday 10:00 in Berlin is two open hours', async () => {
      expect(await seconds('berlin', '2025-03-07T16:00:00+01:00', '2025-03-10T10:00:00+01:00')).toBe(7200);
    });

    it('skips holidays: 24 December 16:00 to 26 December 10:00 is two open hours', async () => {
      expect(await seconds('berlin', '2025-12-24T16:00:00+01:00', '2025-12-26T10:00:00+01:00')).toBe(7200);
    });

    it('counts a local day of 23 hours when clocks go forward (Berlin, 30 March 2025)', async () => {
      expect(await seconds('berlin-all-day', '2025-03-30T00:00:00+01:00', '2025-03-31T00:00:00+02:00')).toBe(23 * 3600);
    });

    it('keeps opening hours in local time across a DST change (9:00–17:00 is 8 hours on both sides)', async () => {
      // Friday 28 March (CET) and Monday 31 March (CEST): two full days.
      expect(await seconds('berlin', '2025-03-28T00:00:00+01:00', '2025-04-01T00:00:00+02:00')).toBe(16 * 3600);
    });

    it('counts a 25-hour day when clocks go back (New York, 2 November 2025)', async () => {
      expect(await seconds('always', '2025-11-02T00:00:00-04:00', '2025-11-03T00:00:00-05:00')).toBe(25 * 3600);
    });

    it('is zero outside opening hours and for an empty or reversed interval', async () => {
      expect(await seconds('berlin', '2025-03-08T10:00:00+01:00', '2025-03-09T18:00:00+01:00')).toBe(0);
      expect(await seconds('berlin', '2025-03-10T10:00:00+01:00', '2025-03-10T10:00:00+01:00')).toBe(0);
      expect(await seconds('berlin', '2025-03-10T11:00:00+01:00', '2025-03-10T10:00:00+01:00')).toBe(0);
    });
  });

  describe('metrics with hours: BUSINESS', () => {
    beforeAll(async () => {
      await api.db.dataSource.query(`INSERT INTO sla_policies (priority, resolution_minutes) VALUES ('normal', 180)`);
      // An email ticket created Friday 16:00 Berlin, first answered and resolved Monday 10:00: 66 calendar hours, 2 business hours.
      await api.db.dataSource.query(
        `INSERT INTO tickets (external_id, channel, priority, created_at, first_response_at, resolved_at) VALUES
         ('weekend-email', 'email', 'normal', '2025-03-07T16:00:00+01:00', '2025-03-10T10:00:00+01:00', '2025-03-10T10:00:00+01:00'),
         ('weekend-chat', 'chat', 'normal', '2025-03-07T16:00:00+01:00', '2025-03-10T10:00:00+01:00', NULL)`,
      );
    });
    const period = `{ from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;

    it('measures first response and resolution in the calendar that applies to each ticket', async () => {
      const res = await api.graphql(`{
        cal: firstResponseTime(period: ${period}, channel: [EMAIL]) { value }
        biz: firstResponseTime(period: ${period}, channel: [EMAIL], hours: BUSINESS) { value median }
        chat: firstResponseTime(period: ${period}, channel: [CHAT], hours: BUSINESS) { value }
        res: averageResolutionTime(period: ${period}, hours: BUSINESS) { value sampleSize }
      }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.cal.value).toBe(66 * 3600);
      expect(res.data.biz).toEqual({ value: 7200, median: 7200 });
      expect(res.data.chat.value).toBe(66 * 3600); // the chat calendar is open around the clock
      expect(res.data.res).toEqual({ value: 7200, sampleSize: 1 });
    });

    it('judges SLA compliance against business time', async () => {
      const res = await api.graphql(`{
        cal: slaComplianceResolution(period: ${period}, channel: [EMAIL]) { value sampleSize }
        biz: slaComplianceResolution(period: ${period}, channel: [EMAIL], hours: BUSINESS) { value sampleSize }
      }`);
      expect(res.data.cal).toEqual({ value: 0, sampleSize: 1 });
      expect(res.data.biz).toEqual({ value: 100, sampleSize: 1 });
    });

    it('lists the calendars it has', async () => {
      const res = await api.graphql(`{ businessCalendars { name timezone holidays channels priorities hours { day opens closes } } }`);
      const berlin = res.data.businessCalendars.find((k: any) => k.name === 'berlin');
      expect(berlin).toMatchObject({ timezone: 'Europe/Berlin', holidays: ['2025-12-25'], channels: null, priorities: null });
      expect(berlin.hours[0]).toEqual({ day: 'MONDAY', opens: '09:00', closes: '17:00' });
      expect(res.data.businessCalendars.find((k: any) => k.name === 'always').hours[0].closes).toBe('24:00');
    });

    it('replaces a calendar of the same name', async () => {
      await api.graphql(
        `mutation { setBusinessCalendar(input: { name: "temp", timezone: "UTC", hours: [{ day: MONDAY, opens: "08:00", closes: "12:00" }] }) { name } }`,
      );
      await api.graphql(
        `mutation { setBusinessCalendar(input: { name: "temp", timezone: "UTC", hours: [{ day: TUESDAY, opens: "08:00", closes: "12:00" }], holidays: ["2025-01-01"] }) { name } }`,
      );
      const res = await api.graphql(`{ businessCalendars { name hours { day } holidays } }`);
      expect(res.data.businessCalendars.find((k: any) => k.name === 'temp')).toEqual({
        name: 'temp',
        hours: [{ day: 'TUESDAY' }],
        holidays: ['2025-01-01'],
      });
      expect((await api.graphql(`mutation { removeBusinessCalendar(name: "temp") }`)).data.removeBusinessCalendar).toBe(true);
      expect((await api.graphql(`mutation { removeBusinessCalendar(name: "temp") }`)).data.removeBusinessCalendar).toBe(false);
    });
  });

  it('refuses hours: BUSINESS when no calendar exists', async () => {
    const empty = await startTestApi();
    try {
      const res = await empty.graphql(
        `{ firstResponseTime(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, hours: BUSINESS) { value } }`,
      );
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NO_BUSINESS_CALENDAR', argument: 'hours' });
    } finally {
      await empty.close();
    }
  });

  it('offers hours only on elapsed-time metrics', async () => {
    const res = await api.graphql(
      `{ averageHandleTime(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, hours: BUSINESS) { value } }`,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('calendar validation', () => {
  const valid = { name: 'x', timezone: 'Europe/Paris', hours: [{ day: 'monday' as const, opens: '09:00', closes: '17:00' }] };
  it.each([
    ['an unknown time zone', { ...valid, timezone: 'Europe/Atlantis' }, 'input.timezone'],
    ['no opening hours', { ...valid, hours: [] }, 'input.hours'],
    ['a malformed time', { ...valid, hours: [{ day: 'monday' as const, opens: '9am', closes: '17:00' }] }, 'input.hours[0].opens'],
    ['opening after closing', { ...valid, hours: [{ day: 'monday' as const, opens: '18:00', closes: '17:00' }] }, 'input.hours[0]'],
    ['overlapping intervals', { ...valid, hours: [...valid.hours, { day: 'monday' as const, opens: '16:00', closes: '18:00' }] }, 'input.hours[1]'],
    ['an impossible holiday', { ...valid, holidays: ['2025-02-30'] }, 'input.holidays[0]'],
    ['an empty channel list', { ...valid, channels: [] }, 'input.channels'],
  ])('rejects %s naming %s', (_what, input, argument) => {
    expect(() => validateCalendar(input)).toThrow(expect.objectContaining({ argument }));
  });

  it('accepts a day closing at midnight', () => {
    expect(validateCalendar({ ...valid, hours: [{ day: 'sunday', opens: '00:00', closes: '24:00' }] }).intervals).toEqual([
      { isoDow: 7, opens: '00:00', closes: '24:00' },
    ]);
  });
});
