import { createHash } from 'node:crypto';
import { DATASET_FILES } from '../../src/import/dataset-source';
import { DemoOptionError, demoSource, type DemoSource } from '../../src/demo/demo-source';
import { collect, contractProblems, instant, type Dataset } from './contract-check';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A digest of every record of every file, in order. */
function digest(source: DemoSource): string {
  const hash = createHash('sha256');
  for (const file of DATASET_FILES) for (const values of source.valuesSync(file)) hash.update(`${file}${JSON.stringify(values)}\n`);
  return hash.digest('hex');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('demo options', () => {
  it.each([
    [{ tickets: 0, seed: 1 }, /^tickets must be a whole number from 1/],
    [{ tickets: -5, seed: 1 }, /^tickets/],
    [{ tickets: 2.5, seed: 1 }, /^tickets/],
    [{ tickets: Number.NaN, seed: 1 }, /^tickets/],
    [{ tickets: 10, seed: 1.5 }, /^seed must be a whole number/],
    [{ tickets: 10, seed: 1, end: '2026-13-01' }, /^end must be a date YYYY-MM-DD \(got "2026-13-01"\)/],
    [{ tickets: 10, seed: 1, end: '2026-02-30' }, /^end must be a date/],
    [{ tickets: 10, seed: 1, end: 'tomorrow' }, /^end must be a date/],
    [{ tickets: 10, seed: 1, days: 27 }, /^days must be a whole number from 28/],
    [{ tickets: 10, seed: 1, days: 100.5 }, /^days/],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => demoSource(options)).toThrow(DemoOptionError);
    expect(() => demoSource(options)).toThrow(message);
  });

  it('defaults to the two years before 2026-11-01', () => {
    const source = demoSource({ tickets: 10, seed: 1 });
    expect(source.options).toMatchObject({ end: '2026-11-01', days: 730 });
    expect(source.world.startSec).toBe(Date.UTC(2024, 10, 1) / 1000);
  });
});

describe('determinism', () => {
  it('gives the same records for the same seed and options, other records for another seed', () => {
    const a = digest(demoSource({ tickets: 3000, seed: 7 }));
    expect(digest(demoSource({ tickets: 3000, seed: 7 }))).toBe(a);
    expect(digest(demoSource({ tickets: 3000, seed: 8 }))).not.toBe(a);
    expect(digest(demoSource({ tickets: 3000, seed: 7, end: '2026-01-01' }))).not.toBe(a);
  });

  it('gives the same agent activity read alone, after the messages, or after messages read in part', () => {
    const alone = [...demoSource({ tickets: 3000, seed: 7 }).valuesSync('agent_activity')];
    expect(alone.length).toBeGreaterThan(100);
    const afterMessages = demoSource({ tickets: 3000, seed: 7 });
    expect([...afterMessages.valuesSync('messages')].length).toBeGreaterThan(3000);
    expect([...afterMessages.valuesSync('agent_activity')]).toEqual(alone);
    const afterSome = demoSource({ tickets: 3000, seed: 7 });
    let n = 0;
    for (const _ of afterSome.valuesSync('messages')) if (++n === 1000) break;
    expect([...afterSome.valuesSync('agent_activity')]).toEqual(alone);
  });

  it('regenerates the same tickets in every pass and through records()', async () => {
    const source = demoSource({ tickets: 500, seed: 3 });
    const first = [...source.valuesSync('tickets')];
    const lines: number[] = [];
    const second = [];
    for await (const record of source.records('tickets')) {
      lines.push(record.line);
      second.push(record.values);
    }
    expect(second).toEqual(first);
    expect(lines.slice(0, 3)).toEqual([2, 3, 4]);
    expect(await source.columns('tickets')).toEqual(Object.keys(first[0]));
  });
});

describe('contract', () => {
  it.each([
    ['the default window', { tickets: 3000, seed: 11 }],
    ['a short window', { tickets: 800, seed: 5, end: '2025-03-15', days: 28 }],
    ['one ticket', { tickets: 1, seed: 0 }],
    ['a negative seed', { tickets: 300, seed: -123456789 }],
  ])('every record of %s follows the contract', (_name, options) => {
    const source = demoSource(options);
    const data = collect(source);
    expect(contractProblems(data, { before: source.options.endSec * 1000 })).toEqual([]);
    expect(data.tickets).toHaveLength(options.tickets);
  });
});

describe('realism of 20,000 tickets', () => {
  let source: DemoSource;
  let data: Dataset;
  const created = new Map<string, number>();
  beforeAll(() => {
    source = demoSource({ tickets: 20_000, seed: 42 });
    data = collect(source);
    for (const t of data.tickets) created.set(String(t.ticket_id), instant(t.created_at));
  });

  it('follows the contract', () => {
    expect(contractProblems(data, { before: source.options.endSec * 1000 })).toEqual([]);
  });

  it('has intraday, weekly and yearly seasonality and growth', () => {
    const byHour = new Array(24).fill(0);
    const byWeekday = new Array(7).fill(0);
    const byMonth = new Map<string, number>();
    for (const t of created.values()) {
      const d = new Date(t);
      byHour[d.getUTCHours()]++;
      byWeekday[d.getUTCDay()]++;
      const m = d.toISOString().slice(0, 7);
      byMonth.set(m, (byMonth.get(m) ?? 0) + 1);
    }
    const businessHour = mean(byHour.slice(9, 17));
    const nightHour = mean(byHour.slice(0, 6));
    expect(businessHour / nightHour).toBeGreaterThan(3);
    const weekday = mean(byWeekday.slice(1, 6));
    const weekend = (byWeekday[0] + byWeekday[6]) / 2;
    expect(weekday / weekend).toBeGreaterThan(1.5);
    const month = (m: string) => byMonth.get(m) ?? 0;
    // Same year, so growth does not explain it: the November–December peak over the July–August dip.
    expect((month('2025-11') + month('2025-12')) / (month('2025-07') + month('2025-08'))).toBeGreaterThan(1.2);
    const start = source.world.startSec * 1000;
    const firstYear = [...created.values()].filter((t) => t < start + 365 * DAY_MS).length;
    expect((created.size - firstYear) / firstYear).toBeGreaterThan(1.15);
  });

  it('has incident days where one product gets several times its usual volume', () => {
    expect(source.world.incidents.length).toBeGreaterThanOrEqual(3);
    const products = ['billing', 'api', 'mobile-app', 'web-app'];
    for (const incident of source.world.incidents) {
      const product = products[incident.product];
      const dayStart = (source.world.startSec + incident.day * 86_400) * 1000;
      const count = (from: number, to: number) =>
        data.tickets.filter((t) => t.product === product && instant(t.created_at) >= from && instant(t.created_at) < to).length;
      const that = count(dayStart, dayStart + DAY_MS);
      const usual = count(dayStart - 28 * DAY_MS, dayStart) / 28;
      expect(that).toBeGreaterThan(2 * usual);
    }
  });

  it('covers every channel, product, tier and priority, with tickets without a customer', () => {
    const share = (col: string) => {
      const counts = new Map<string, number>();
      for (const t of data.tickets) counts.set(String(t[col]), (counts.get(String(t[col])) ?? 0) + 1);
      return counts;
    };
    const channels = share('channel');
    for (const c of ['email', 'chat', 'phone', 'social', 'web', 'messaging'])
      expect(channels.get(c) ?? 0).toBeGreaterThan(0.03 * data.tickets.length);
    const products = share('product');
    for (const p of ['billing', 'api', 'mobile-app', 'web-app']) expect(products.get(p) ?? 0).toBeGreaterThan(0.1 * data.tickets.length);
    const priorities = share('priority');
    for (const p of ['low', 'normal', 'high', 'urgent']) expect(priorities.get(p) ?? 0).toBeGreaterThan(0.02 * data.tickets.length);
    const tierOf = new Map(data.customers.map((c) => [String(c.customer_id), String(c.tier)]));
    const tiers = new Map<string, number>();
    for (const t of data.tickets) {
      const tier = t.customer_id ? (tierOf.get(String(t.customer_id)) as string) : 'none';
      tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
    }
    for (const tier of ['free', 'pro', 'enterprise']) expect(tiers.get(tier) ?? 0).toBeGreaterThan(0.1 * data.tickets.length);
    expect(tiers.get('none') ?? 0).toBeGreaterThan(0);
    const offsets = new Set(data.tickets.map((t) => String(t.created_at).slice(19)));
    expect([...offsets].sort()).toEqual(['+01:00', '+05:30', '-05:00', 'Z']);
  });

  it('has live channels that answer fast and lose impatient customers, async ones that answer later', () => {
    const firstAgent = new Map<string, number>();
    const counted = new Map<string, number>();
    for (const m of data.messages) {
      const id = String(m.ticket_id);
      counted.set(id, (counted.get(id) ?? 0) + 1);
      if (m.author === 'agent' && !firstAgent.has(id)) firstAgent.set(id, instant(m.sent_at));
    }
    const byChannel = (channel: string) => data.tickets.filter((t) => t.channel === channel);
    const abandonment = (channel: string) => byChannel(channel).filter((t) => t.abandoned_at).length / byChannel(channel).length;
    for (const c of ['phone', 'chat']) {
      expect(abandonment(c)).toBeGreaterThan(0.03);
      expect(abandonment(c)).toBeLessThan(0.25);
    }
    expect(abandonment('email')).toBe(0);
    const frt = (filter: (t: Dataset['tickets'][number]) => boolean) =>
      median(
        data.tickets
          .filter(filter)
          .map((t) => {
            const fr = t.first_response_at ? instant(t.first_response_at) : firstAgent.get(String(t.ticket_id));
            return fr === undefined ? NaN : fr - instant(t.created_at);
          })
          .filter((x) => !Number.isNaN(x)),
      );
    expect(frt((t) => t.channel === 'chat')).toBeLessThan(5 * 60_000);
    expect(frt((t) => t.channel === 'phone')).toBeLessThan(5 * 60_000);
    expect(frt((t) => t.channel === 'email')).toBeGreaterThan(10 * frt((t) => t.channel === 'chat'));
    const tierOf = new Map(data.customers.map((c) => [String(c.customer_id), String(c.tier)]));
    const ofTier = (tier: string) => (t: Dataset['tickets'][number]) => t.channel === 'email' && tierOf.get(String(t.customer_id)) === tier;
    expect(frt(ofTier('enterprise'))).toBeLessThan(0.7 * frt(ofTier('free')));
    // Phone calls logged without messages carry their first response in the ticket.
    const silentPhone = byChannel('phone').filter((t) => !counted.has(String(t.ticket_id)) && t.resolved_at);
    expect(silentPhone.length).toBeGreaterThan(0);
    for (const t of silentPhone) expect(t.first_response_at).toBeTruthy();
  });

  it('leaves some first responses to be derived from messages and gives the others consistently', () => {
    const firstAgent = new Map<string, string>();
    for (const m of data.messages)
      if (m.author === 'agent' && !firstAgent.has(String(m.ticket_id))) firstAgent.set(String(m.ticket_id), String(m.sent_at));
    const answered = data.tickets.filter((t) => firstAgent.has(String(t.ticket_id)));
    const derived = answered.filter((t) => !t.first_response_at);
    expect(derived.length / answered.length).toBeGreaterThan(0.2);
    expect(derived.length / answered.length).toBeLessThan(0.8);
    for (const t of answered.filter((x) => x.first_response_at)) {
      expect(instant(t.first_response_at)).toBe(instant(firstAgent.get(String(t.ticket_id)) as string));
    }
  });

  it('has bot acknowledgements, customer follow-ups and agent follow-ups', () => {
    const authors = new Map<string, number>();
    for (const m of data.messages) authors.set(String(m.author), (authors.get(String(m.author)) ?? 0) + 1);
    expect(authors.get('bot') ?? 0).toBeGreaterThan(0.03 * data.messages.length);
    let agentFollowUps = 0;
    let customerFollowUps = 0;
    let previous: { ticket: string; author: string } | undefined;
    for (const m of data.messages) {
      const ticket = String(m.ticket_id);
      if (m.author === 'bot') continue;
      if (previous?.ticket === ticket && previous.author === m.author) {
        if (m.author === 'agent') agentFollowUps++;
        else customerFollowUps++;
      }
      previous = { ticket, author: String(m.author) };
    }
    expect(agentFollowUps).toBeGreaterThan(100);
    expect(customerFollowUps).toBeGreaterThan(100);
    const handles = data.messages.filter((m) => m.author === 'agent').map((m) => m.handle_seconds);
    expect(handles.filter((h) => h === null).length).toBeGreaterThan(0);
    expect(median(handles.filter((h): h is number => typeof h === 'number'))).toBeGreaterThan(30);
  });

  it('has open tickets at the end, escalations and reopens', () => {
    const end = source.options.endSec * 1000;
    const open = data.tickets.filter((t) => !t.resolved_at && !t.abandoned_at);
    expect(open.length).toBeGreaterThan(10);
    expect(open.filter((t) => instant(t.created_at) > end - 14 * DAY_MS).length / open.length).toBeGreaterThan(0.5);
    const escalated = data.tickets.filter((t) => t.escalated === true).length / data.tickets.length;
    expect(escalated).toBeGreaterThan(0.03);
    expect(escalated).toBeLessThan(0.15);
    const reopened = data.tickets.filter((t) => Number(t.reopened_count) > 0).length / data.tickets.length;
    expect(reopened).toBeGreaterThan(0.02);
    expect(reopened).toBeLessThan(0.1);
    expect(data.tickets.filter((t) => t.assignee_id).length / data.tickets.length).toBeGreaterThan(0.8);
  });

  it('has surveys of every kind, some tied only to a customer, scored worse after slow resolutions', () => {
    const kinds = new Map<string, number>();
    for (const s of data.surveys) kinds.set(String(s.kind), (kinds.get(String(s.kind)) ?? 0) + 1);
    for (const k of ['csat', 'nps', 'ces']) expect(kinds.get(k) ?? 0).toBeGreaterThan(50);
    expect(data.surveys.filter((s) => !s.ticket_id && s.customer_id).length).toBeGreaterThan(50);
    const resolution = new Map(
      data.tickets.filter((t) => t.resolved_at).map((t) => [String(t.ticket_id), instant(t.resolved_at) - instant(t.created_at)]),
    );
    const csat = data.surveys.filter((s) => s.kind === 'csat' && s.ticket_id);
    const fast = csat.filter((s) => (resolution.get(String(s.ticket_id)) as number) < HOUR_MS).map((s) => Number(s.score));
    const slow = csat.filter((s) => (resolution.get(String(s.ticket_id)) as number) > 48 * HOUR_MS).map((s) => Number(s.score));
    expect(mean(fast) - mean(slow)).toBeGreaterThan(0.3);
    const all = csat.map((s) => Number(s.score));
    expect(mean(all)).toBeGreaterThan(3.5);
    expect(mean(all)).toBeLessThan(4.7);
  });

  it('has customers who sign up and churn by tier, and write tickets only while active', () => {
    const start = source.world.startSec * 1000;
    const end = source.options.endSec * 1000;
    const customers = new Map(data.customers.map((c) => [String(c.customer_id), c]));
    expect(data.customers.some((c) => instant(c.signed_up_at) < start)).toBe(true);
    expect(data.customers.some((c) => instant(c.signed_up_at) > start + 365 * DAY_MS)).toBe(true);
    for (const t of data.tickets) {
      if (!t.customer_id) continue;
      const c = customers.get(String(t.customer_id)) as Dataset['customers'][number];
      expect(instant(c.signed_up_at)).toBeLessThanOrEqual(instant(t.created_at));
      if (c.churned_at) expect(instant(c.churned_at)).toBeGreaterThan(instant(t.created_at));
    }
    // Churn rate over the window per tier: churned in the window / active at its start or signed up during it.
    const rate = (tier: string) => {
      const exposed = data.customers.filter((c) => c.tier === tier && (!c.churned_at || instant(c.churned_at) >= start));
      return exposed.filter((c) => c.churned_at && instant(c.churned_at) < end).length / exposed.length;
    };
    expect(rate('enterprise')).toBeGreaterThan(0);
    expect(rate('enterprise')).toBeLessThan(rate('pro'));
    expect(rate('pro')).toBeLessThan(rate('free'));
  });

  it('has orders for every tier, larger for enterprise, none after churn', () => {
    const customers = new Map(data.customers.map((c) => [String(c.customer_id), c]));
    const amounts = new Map<string, number[]>();
    for (const o of data.orders) {
      const c = customers.get(String(o.customer_id)) as Dataset['customers'][number];
      if (c.churned_at) expect(instant(o.ordered_at)).toBeLessThan(instant(c.churned_at));
      const list = amounts.get(String(c.tier)) ?? [];
      list.push(Number(o.amount));
      amounts.set(String(c.tier), list);
    }
    for (const tier of ['free', 'pro', 'enterprise']) expect((amounts.get(tier) ?? []).length).toBeGreaterThan(10);
    expect(mean(amounts.get('enterprise') as number[])).toBeGreaterThan(5 * mean(amounts.get('pro') as number[]));
  });

  it('has agent activity consistent with the handle time of the messages', () => {
    const handled = new Map<string, number>();
    for (const m of data.messages) {
      if (m.author !== 'agent' || typeof m.handle_seconds !== 'number') continue;
      const key = `${String(m.agent_id)}/${new Date(instant(m.sent_at)).toISOString().slice(0, 10)}`;
      handled.set(key, (handled.get(key) ?? 0) + m.handle_seconds);
    }
    const activity = new Map(data.agent_activity.map((a) => [`${String(a.agent_id)}/${String(a.date)}`, a]));
    for (const [key, seconds] of handled) {
      const row = activity.get(key);
      expect(row).toBeDefined();
      expect(Number(row?.active_seconds)).toBeGreaterThanOrEqual(seconds);
    }
    const active = data.agent_activity.reduce((n, a) => n + Number(a.active_seconds), 0);
    const available = data.agent_activity.reduce((n, a) => n + Number(a.available_seconds), 0);
    expect(active / available).toBeGreaterThan(0.4);
    expect(active / available).toBeLessThan(0.95);
    const teams = new Set(data.agents.map((a) => a.team));
    expect([...teams].sort()).toEqual(['billing', 'tier1', 'tier2']);
  });

  it('has SLA policies for every priority and some per channel', () => {
    const defaults = data.sla_policies.filter((p) => !p.channel).map((p) => p.priority);
    expect([...defaults].sort()).toEqual(['high', 'low', 'normal', 'urgent']);
    expect(data.sla_policies.filter((p) => p.channel).length).toBeGreaterThan(2);
  });
});
