import { loadDemoIfEmpty } from '../../src/demo/demo-command';
import { demoLaunchEvent } from '../../src/demo/demo-planning';
import { demoSource } from '../../src/demo/demo-source';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe("the demo's launch and planning data", () => {
  it('surges the mobile app on the launch day and the next, against the same weekdays around them', () => {
    const source = demoSource({ tickets: 100_000, seed: 42 });
    const launch = demoLaunchEvent(source)!;
    expect(launch.dates).toHaveLength(2);
    const perDay = new Map<string, number>();
    for (const t of source.valuesSync('tickets')) {
      if (t.product !== 'mobile-app') continue;
      const day = new Date(Date.parse(String(t.created_at))).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const usual = (date: string) => [-14, -7, 7, 14].reduce((s, k) => s + (perDay.get(shift(date, k)) ?? 0), 0) / 4;
    const [day1, day2] = launch.dates;
    expect((perDay.get(day1) ?? 0) / usual(day1)).toBeGreaterThan(1.7);
    expect((perDay.get(day2) ?? 0) / usual(day2)).toBeGreaterThan(1.2);
  });

  describe('loaded into a database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => db?.destroy());

    it('comes with business calendars holding the demo holidays, and the launch as a forecast event', async () => {
      expect(await loadDemoIfEmpty(db.dataSource, { tickets: 500, seed: 42, log: () => undefined })).toBe(true);
      const calendars = await db.dataSource.query(
        `SELECT k.name, k.channels, count(x.*)::int AS holidays, bool_or(x.date = '2025-12-25') AS christmas
         FROM business_calendars k LEFT JOIN business_holidays x ON x.calendar_id = k.id GROUP BY k.id ORDER BY k.name`,
      );
      expect(calendars).toEqual([
        { name: 'live channels', channels: ['chat', 'phone'], holidays: 20, christmas: true },
        { name: 'office hours', channels: null, holidays: 20, christmas: true },
      ]);
      const events = await db.dataSource.query(
        `SELECT name, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(dates) d ORDER BY d) AS dates, multiplier, filter FROM forecast_events`,
      );
      expect(events).toEqual([
        { name: 'mobile-app 2.0 launch', dates: demoLaunchEvent(demoSource({ tickets: 500, seed: 42 }))!.dates, multiplier: null, filter: {} },
      ]);
    });
  });
});
