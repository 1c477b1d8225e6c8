import { startTestApi, type TestApi } from '../support/test-api';

// Which business calendar a ticket follows: the most specific, and between equally specific ones the newest.
describe('the business calendar of a ticket', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // A chat ticket created Monday 2025-03-03 08:00 UTC and first answered at 12:00.
    await api.db.dataSource.query(
      `INSERT INTO tickets (external_id, channel, priority, created_at, first_response_at) VALUES ('c', 'chat', 'normal', '2025-03-03T08:00:00Z', '2025-03-03T12:00:00Z')`,
    );
  });
  afterAll(async () => api?.close());

  const set = async (name: string, opens: string, channels: string) => {
    const res = await api.graphql(
      `mutation { setBusinessCalendar(input: { name: "${name}", timezone: "UTC", hours: [{ day: MONDAY, opens: "${opens}", closes: "18:00" }]${channels} }) { name } }`,
    );
    expect(res.errors).toBeUndefined();
  };
  const businessFrt = async () => {
    const res = await api.graphql(
      `{ firstResponseTime(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, hours: BUSINESS) { value } }`,
    );
    expect(res.errors).toBeUndefined();
    return res.data.firstResponseTime.value;
  };

  it('is the most specific, and the newest of equally specific ones', async () => {
    await set('everyone', '10:00', '');
    expect(await businessFrt()).toBe(2 * 3600); // open from 10:00: two open hours until 12:00
    await set('live', '11:00', ', channels: [CHAT, PHONE]');
    expect(await businessFrt()).toBe(3600); // more specific than "everyone"
    await set('chat only', '09:00', ', channels: [CHAT]');
    expect(await businessFrt()).toBe(3 * 3600); // as specific as "live", and newer
    await set('live', '11:30', ', channels: [CHAT, PHONE]');
    expect(await businessFrt()).toBe(1800); // "live" set again is now the newest
    expect((await api.graphql(`mutation { removeBusinessCalendar(name: "live") }`)).data.removeBusinessCalendar).toBe(true);
    expect(await businessFrt()).toBe(3 * 3600);
  });
});
