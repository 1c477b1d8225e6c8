/**
 * The demo dataset as a DatasetSource: records of every contract file (docs/data-contract.md), generated on the fly,
 * deterministic for a seed, streaming (memory does not grow with the number of tickets, beyond the customer list).
 */
import { CHANNELS, PRIORITIES } from '../data/domain';
import type { DatasetFile, DatasetSource, RawRecord, RawValue } from '../import/dataset-source';
import { FIRST_NAMES, LAST_NAMES, PRODUCTS, SLA_POLICIES, TEAMS, TIERS } from './demo-model';
import { AUTHOR_AGENT, AUTHORS, TicketGenerator, type TicketSurvey } from './demo-tickets';
import { DAY, DemoWorld, STREAM } from './demo-world';
import { abs, ceil, floor, isNaN, max, min, round } from './fast-math';
import { Rng } from './prng';
import { formatDay, formatTimestamp, parseDateToSeconds } from './timestamps';

/** Options of the demo generator. */
export interface DemoOptions {
  /** Number of tickets (≥ 1). */
  tickets: number;
  /** Random seed: the same seed and options give the same records, byte for byte. */
  seed: number;
  /** Exclusive end of the window, YYYY-MM-DD (default 2026-11-01): the dataset's "now". */
  end?: string;
  /** Length of the window in days (default 730, at least 28). */
  days?: number;
}

export const DEFAULT_DEMO_END = '2026-11-01';
export const DEFAULT_DEMO_DAYS = 730;
export const MAX_DEMO_TICKETS = 50_000_000;
export const MAX_DEMO_DAYS = 3660;

/** A demo option is out of range; the message names the option. */
export class DemoOptionError extends Error {}

/** Validated options with their defaults. */
export interface ResolvedDemoOptions {
  tickets: number;
  seed: number;
  end: string;
  days: number;
  /** Epoch seconds of the end (midnight UTC). */
  endSec: number;
}

/** Checks the options and fills in the defaults; throws DemoOptionError naming the bad option. */
export function resolveDemoOptions(options: DemoOptions): ResolvedDemoOptions {
  const { tickets, seed } = options;
  if (typeof tickets !== 'number' || !Number.isInteger(tickets) || tickets < 1 || tickets > MAX_DEMO_TICKETS) {
    throw new DemoOptionError(`tickets must be a whole number from 1 to ${MAX_DEMO_TICKETS.toLocaleString('en-US')} (got ${String(tickets)})`);
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new DemoOptionError(`seed must be a whole number (got ${String(seed)})`);
  }
  const end = options.end ?? DEFAULT_DEMO_END;
  const endSec = typeof end === 'string' ? parseDateToSeconds(end) : undefined;
  if (endSec === undefined) throw new DemoOptionError(`end must be a date YYYY-MM-DD (got ${JSON.stringify(end)})`);
  const days = options.days ?? DEFAULT_DEMO_DAYS;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 28 || days > MAX_DEMO_DAYS) {
    throw new DemoOptionError(`days must be a whole number from 28 to ${MAX_DEMO_DAYS} (got ${String(days)})`);
  }
  if (endSec - days * DAY < Date.UTC(1971, 0, 1) / 1000 || endSec > Date.UTC(9000, 0, 1) / 1000) {
    throw new DemoOptionError(`end ${end} with days ${days} puts the window outside the supported years`);
  }
  return { tickets, seed, end, days, endSec };
}

/** The columns the generator writes per file (all from the contract). */
export const DEMO_COLUMNS: Record<DatasetFile, string[]> = {
  customers: ['customer_id', 'tier', 'product', 'signed_up_at', 'churned_at'],
  agents: ['agent_id', 'name', 'team'],
  tickets: [
    'ticket_id',
    'customer_id',
    'channel',
    'product',
    'priority',
    'created_at',
    'first_response_at',
    'resolved_at',
    'abandoned_at',
    'escalated',
    'reopened_count',
    'assignee_id',
  ],
  messages: ['message_id', 'ticket_id', 'author', 'agent_id', 'sent_at', 'handle_seconds'],
  surveys: ['survey_id', 'kind', 'score', 'responded_at', 'ticket_id', 'customer_id', 'product'],
  orders: ['order_id', 'customer_id', 'amount', 'ordered_at', 'product'],
  agent_activity: ['agent_id', 'date', 'available_seconds', 'active_seconds'],
  sla_policies: ['priority', 'channel', 'first_response_minutes', 'resolution_minutes'],
};

/** The demo generator as a dataset source, plus synchronous access for writers and tests. */
export interface DemoSource extends DatasetSource {
  readonly options: ResolvedDemoOptions;
  /** The fixed part (calendar, customers, agents), built on first use. */
  readonly world: DemoWorld;
  /** The records' values, synchronously (faster than records() where no await is needed). */
  valuesSync(file: DatasetFile): Generator<Record<string, RawValue>>;
  columns(file: DatasetFile): Promise<string[]>;
}

type Values = Record<string, RawValue>;

const orNull = (t: number, offset: number): string | null => (isNaN(t) ? null : formatTimestamp(t, offset));
const PRICE_FACTOR = [1, 1.4, 0.7, 0.9] as const;

class DemoDataset implements DemoSource {
  readonly options: ResolvedDemoOptions;
  private worldCache: DemoWorld | undefined;
  private workloadCache: Float64Array | undefined;

  constructor(options: DemoOptions) {
    this.options = resolveDemoOptions(options);
  }

  get world(): DemoWorld {
    this.worldCache ??= new DemoWorld({
      tickets: this.options.tickets,
      seed: this.options.seed,
      endSec: this.options.endSec,
      days: this.options.days,
    });
    return this.worldCache;
  }

  describe(file: DatasetFile): string {
    return `demo:${file}`;
  }

  async columns(file: DatasetFile): Promise<string[]> {
    return [...DEMO_COLUMNS[file]];
  }

  async *records(file: DatasetFile): AsyncGenerator<RawRecord> {
    let line = 1;
    for (const values of this.valuesSync(file)) yield { line: ++line, values };
  }

  valuesSync(file: DatasetFile): Generator<Values> {
    switch (file) {
      case 'customers':
        return this.customers();
      case 'agents':
        return this.agents();
      case 'tickets':
        return this.tickets();
      case 'messages':
        return this.messages();
      case 'surveys':
        return this.surveys();
      case 'orders':
        return this.orders();
      case 'agent_activity':
        return this.agentActivity();
      case 'sla_policies':
        return this.slaPolicies();
    }
  }

  private customerId(c: number): string {
    return `C${`${c}`.padStart(this.world.customerIdWidth, '0')}`;
  }

  private agentId(k: number): string {
    return `A${`${k}`.padStart(3, '0')}`;
  }

  /** Calls `each` with every ticket in order (the generator's buffers are reused: read, don't keep). */
  private *eachTicket(): Generator<TicketGenerator> {
    const w = this.world;
    const gen = new TicketGenerator(w);
    for (let d = 0; d < w.days; d++) {
      for (let i = w.dayFirst[d]; i < w.dayFirst[d + 1]; i++) yield gen.generate(i, d);
    }
  }

  private *customers(): Generator<Values> {
    const w = this.world;
    for (let c = 0; c < w.customerCount; c++) {
      const offset = w.customerOffset[c];
      yield {
        customer_id: this.customerId(c),
        tier: TIERS[w.customerTier[c]],
        product: PRODUCTS[w.customerProduct[c]],
        signed_up_at: formatTimestamp(w.signup[c], offset),
        churned_at: orNull(w.churn[c], offset),
      };
    }
  }

  private *agents(): Generator<Values> {
    const w = this.world;
    const s = abs(this.options.seed % 30);
    for (let k = 0; k < w.agentCount; k++) {
      yield {
        agent_id: this.agentId(k),
        name: `${FIRST_NAMES[(k * 7 + s) % FIRST_NAMES.length]} ${LAST_NAMES[(k * 13 + 2 * s + floor(k / 30)) % LAST_NAMES.length]}`,
        team: TEAMS[w.agentTeam[k]],
      };
    }
  }

  private *tickets(): Generator<Values> {
    for (const t of this.eachTicket()) {
      const o = t.offset;
      const alt = (o + 1) % 4;
      yield {
        ticket_id: `T${t.ticketNumber(t.index)}`,
        customer_id: t.customer >= 0 ? this.customerId(t.customer) : null,
        channel: CHANNELS[t.channel],
        product: t.product >= 0 ? PRODUCTS[t.product] : null,
        priority: PRIORITIES[t.priority],
        created_at: formatTimestamp(t.created, o),
        first_response_at: t.firstResponseGiven ? orNull(t.firstResponse, o) : null,
        resolved_at: orNull(t.resolved, t.index % 5 === 0 ? alt : o),
        abandoned_at: orNull(t.abandoned, o),
        escalated: t.escalated,
        reopened_count: t.reopened,
        assignee_id: t.assignee >= 0 ? this.agentId(t.assignee) : null,
      };
    }
  }

  private *messages(): Generator<Values> {
    // The agents' workload goes over the same tickets: summed on the way (in the same order, so to the same values), the
    // agent activity after the messages (as an import reads them) need not generate every ticket again.
    const load = this.workloadCache ? undefined : this.emptyWorkload();
    for (const t of this.eachTicket()) {
      if (load) this.addWorkload(load, t);
      const num = t.ticketNumber(t.index);
      const ticketId = `T${num}`;
      for (let m = 0; m < t.messageCount; m++) {
        const agent = t.msgAuthor[m] === AUTHOR_AGENT;
        const handle = t.msgHandle[m];
        yield {
          message_id: `M${num}-${m + 1}`,
          ticket_id: ticketId,
          author: AUTHORS[t.msgAuthor[m]],
          agent_id: agent ? this.agentId(t.msgAgent[m]) : null,
          sent_at: formatTimestamp(t.msgTime[m], (t.offset + (m % 4 === 3 ? 1 : 0)) % 4),
          handle_seconds: agent && !isNaN(handle) ? handle : null,
        };
      }
    }
    if (load) this.workloadCache ??= load;
  }

  private *surveys(): Generator<Values> {
    const out: TicketSurvey[] = [];
    for (const t of this.eachTicket()) {
      const n = t.surveys(out);
      if (n === 0) continue;
      const num = t.ticketNumber(t.index);
      for (let s = 0; s < n; s++) {
        yield {
          survey_id: `S${num}-${out[s].kind}`,
          kind: out[s].kind,
          score: out[s].score,
          responded_at: formatTimestamp(out[s].respondedAt, t.offset),
          ticket_id: `T${num}`,
          customer_id: t.customer >= 0 ? this.customerId(t.customer) : null,
          product: null,
        };
      }
    }
    yield* this.customerSurveys();
  }

  /** Relationship surveys tied only to a customer: a quarterly NPS sample (lower shortly before churn) and some CSAT. */
  private *customerSurveys(): Generator<Values> {
    const w = this.world;
    const r = new Rng();
    const quarter = 91 * DAY;
    for (let c = 0; c < w.customerCount; c++) {
      r.reseed(w.seed, c, STREAM.customerSurvey);
      const churn = w.churn[c];
      const until = isNaN(churn) ? w.endSec : churn;
      const tier = w.customerTier[c];
      let q = 0;
      for (let t = max(w.signup[c] + 30 * DAY, w.startSec); t < until; t += quarter, q++) {
        const nps = r.next() < 0.12;
        const csat = r.next() < 0.04;
        if (!nps && !csat) continue;
        const at = floor(t + r.next() * quarter);
        if (at >= until) continue;
        const leaving = !isNaN(churn) && churn - at < 120 * DAY;
        const mood = [-0.5, 0.2, 0.7][tier] - (leaving ? 2.5 : 0) + 1.8 * r.normal();
        const base = {
          responded_at: formatTimestamp(at, w.customerOffset[c]),
          ticket_id: null,
          customer_id: this.customerId(c),
          product: PRODUCTS[w.customerProduct[c]],
        };
        if (nps) yield { survey_id: `SC${c}-${q}-nps`, kind: 'nps', score: min(10, max(0, round(7.6 + mood))), ...base };
        if (csat) yield { survey_id: `SC${c}-${q}-csat`, kind: 'csat', score: min(5, max(1, round(4 + mood / 2))), ...base };
      }
    }
  }

  /** Orders: pro customers pay monthly, enterprise quarterly (plus services), free ones buy add-ons now and then. */
  private *orders(): Generator<Values> {
    const w = this.world;
    const r = new Rng();
    const windowSeconds = w.endSec - w.startSec;
    for (let c = 0; c < w.customerCount; c++) {
      const churn = w.churn[c];
      const until = isNaN(churn) ? w.endSec : churn;
      const from = max(w.signup[c], w.startSec);
      if (from >= until) continue;
      r.reseed(w.seed, c, STREAM.order);
      const tier = w.customerTier[c];
      const product = w.customerProduct[c];
      const pf = PRICE_FACTOR[product];
      const id = this.customerId(c);
      const offset = w.customerOffset[c];
      let k = 0;
      const order = (at: number, amount: number, prod: number): Values => ({
        order_id: `O${id.slice(1)}-${++k}`,
        customer_id: id,
        amount: amount.toFixed(2),
        ordered_at: formatTimestamp(floor(at), offset),
        product: PRODUCTS[prod],
      });
      const crossSell = () => (r.next() < 0.92 ? product : r.int(PRODUCTS.length));
      // Subscription invoices on the sign-up anniversary; prices rise 10% a little after the middle of the window.
      const period = tier === 1 ? 30 * DAY : tier === 2 ? 91 * DAY : 0;
      if (period) {
        const seats = tier === 1 ? 1 + r.poisson(2, 20) : 0;
        const base = tier === 1 ? 29 * seats * pf : (3000 + 12000 * r.next()) * pf;
        let t = w.signup[c] + ceil(max(0, from - w.signup[c]) / period) * period;
        for (; t < until; t += period) {
          const raised = (t - w.startSec) / windowSeconds >= 0.55 ? 1.1 : 1;
          yield order(t, base * raised, product);
        }
      }
      // One-off purchases: add-ons (free, pro) and services (enterprise).
      const rate = [0.5, 1, 1][tier] / (365 * DAY);
      for (let t = from + r.exp(1 / rate); t < until; t += r.exp(1 / rate)) {
        const amount = tier === 0 ? 9 + 40 * r.next() : tier === 1 ? 19 + 180 * r.next() : 1000 + 4000 * r.next();
        yield order(t, amount * pf, crossSell());
      }
    }
  }

  /** Working seconds per agent and day (agent × days), summed over every ticket's messages and unlogged calls. */
  private workload(): Float64Array {
    if (this.workloadCache) return this.workloadCache;
    const load = this.emptyWorkload();
    for (const t of this.eachTicket()) this.addWorkload(load, t);
    this.workloadCache = load;
    return load;
  }

  private emptyWorkload(): Float64Array {
    return new Float64Array(this.world.agentCount * this.world.days);
  }

  /** Adds one ticket's agent messages and unlogged calls to the working seconds per agent and day. */
  private addWorkload(load: Float64Array, t: TicketGenerator): void {
    const w = this.world;
    for (let m = 0; m < t.messageCount; m++) {
      if (t.msgAuthor[m] === AUTHOR_AGENT) load[t.msgAgent[m] * w.days + w.dayOf(t.msgTime[m])] += t.msgWork[m];
    }
    for (let e = 0; e < t.extraWorkCount; e++) load[t.extraWorkAgent[e] * w.days + w.dayOf(t.extraWorkTime[e])] += t.extraWorkSeconds[e];
  }

  /** One row per agent and scheduled day (or day with work): shift length, overtime when needed, active ≥ handled work. */
  private *agentActivity(): Generator<Values> {
    const w = this.world;
    const load = this.workload();
    const r = new Rng();
    for (let d = 0; d < w.days; d++) {
      const date = formatDay(floor(w.startSec / DAY) + d);
      for (let k = 0; k < w.agentCount; k++) {
        if (d < w.agentHireDay[k]) continue;
        const scheduled = w.works[k * w.days + d] === 1;
        const work = load[k * w.days + d];
        if (!scheduled && work === 0) continue;
        r.reseed(w.seed, k * w.days + d, STREAM.activity);
        let available = scheduled ? w.agentShift[k] : 0;
        const needed = work * 1.12 + 600;
        if (available < needed) available = ceil(needed / 1800) * 1800;
        const active = round(max(work, min(available, work * (1.1 + 0.15 * r.next()) + available * (0.04 + 0.08 * r.next()))));
        yield { agent_id: this.agentId(k), date, available_seconds: available, active_seconds: active };
      }
    }
  }

  private *slaPolicies(): Generator<Values> {
    for (const p of SLA_POLICIES) {
      yield { priority: p.priority, channel: p.channel, first_response_minutes: p.firstResponse, resolution_minutes: p.resolution };
    }
  }
}

/**
 * The demo dataset: two years (by default 2024-11-01 to 2026-11-01) of help-desk records with intraday, weekly and
 * yearly seasonality, growth, incidents, six channels, four products, three tiers, surveys, orders, churn and agent
 * activity consistent with the tickets. Throws DemoOptionError for bad options.
 */
export function demoSource(options: DemoOptions): DemoSource {
  return new DemoDataset(options);
}
