/**
 * The fixed part of a demo dataset, built once from the seed: the calendar (tickets per day, incidents), the customers
 * (sign-up, churn, tier, product) and the agents (team, hiring, schedules). Its size grows with the customers only
 * (tickets / 15, a few typed arrays); tickets, messages and surveys are regenerated from it on demand (demo-tickets.ts).
 */
import {
  HIRING_PATTERN,
  HOURLY,
  MONTHLY,
  PRODUCT_SHARES,
  PRODUCTS,
  SIGNUP_MONTHLY,
  TEAMS,
  TIER_CUSTOMER_SHARES,
  TIER_MONTHLY_CHURN,
  TIER_TICKET_RATE,
  WEEKLY,
  YEARLY_GROWTH,
} from './demo-model';
import { ceil, exp, floor, max, min, NAN, pow, round } from './fast-math';
import { cumulative, hash01, Rng } from './prng';
import { OFFSET_WEIGHTS } from './timestamps';

export const DAY = 86_400;

/** Random-stream purposes: each kind of record draws from its own stream, so one kind can be regenerated alone. */
export const STREAM = {
  ticket: 0,
  ticketSurvey: 1,
  customer: 2,
  order: 3,
  customerSurvey: 4,
  setup: 5,
  activity: 6,
} as const;

/** Average active (customer-work) seconds per ticket for all agents together, measured on generated data; sizes the team. */
const ACTIVE_SECONDS_PER_TICKET = 700;
/** Utilisation the team is sized for. */
const TARGET_UTILISATION = 0.72;
const FULL_SHIFT = 8 * 3600;
const PART_SHIFT = 4 * 3600;
/** Shift seconds one agent offers per calendar day on average (weekdays, part-timers, leave). */
const AGENT_SECONDS_PER_DAY = (0.8 * FULL_SHIFT + 0.2 * PART_SHIFT) * (5 / 7) * 0.96;

export interface WorldOptions {
  tickets: number;
  seed: number;
  /** Epoch seconds of the exclusive end (midnight UTC). */
  endSec: number;
  days: number;
}

const HOURLY_CUM = cumulative(HOURLY);
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / 24;

/** Calendar of the window, customers and agents. */
export class DemoWorld {
  readonly tickets: number;
  readonly seed: number;
  readonly days: number;
  readonly startSec: number;
  readonly endSec: number;

  // Calendar, per day of the window.
  /** Index of the first ticket of each day; dayFirst[days] = tickets. */
  readonly dayFirst: Int32Array;
  /** Product of the day's incident, or -1. */
  readonly incidentProduct: Int8Array;
  /** Probability that a ticket of the day belongs to the incident. */
  readonly incidentShare: Float64Array;
  readonly incidentStartHour: Float64Array;
  readonly incidentHours: Float64Array;
  /** Queue pressure of the day (1 = usual): incidents and unusual volume make waits longer. */
  readonly dayPressure: Float64Array;
  /** Incident days (for documentation and tests): day index, product, volume factor for that product. */
  readonly incidents: { day: number; product: number; factor: number }[] = [];
  /** The planned launch (a product's volume surges for two days), or null in a window too short for one. */
  launch: { day: number; product: number; factors: [number, number] } | null = null;

  // Customers, sorted by sign-up.
  readonly customerCount: number;
  readonly signup: Float64Array;
  /** Churn instant, NaN while active. */
  readonly churn: Float64Array;
  readonly customerTier: Uint8Array;
  readonly customerProduct: Uint8Array;
  readonly customerOffset: Uint8Array;
  readonly customerIdWidth: number;

  // Agents.
  readonly agentCount: number;
  readonly agentTeam: Uint8Array;
  readonly agentHireDay: Int32Array;
  readonly agentShift: Int32Array;
  /** works[agent * days + day] = 1 when the agent is scheduled that day. */
  readonly works: Uint8Array;
  /** Agents scheduled per day and team: teamDay[day * TEAMS.length + team]. */
  readonly teamDay: Int32Array[];
  /** Agents scheduled per day, any team. */
  readonly anyDay: Int32Array[];

  readonly ticketIdWidth: number;

  constructor(options: WorldOptions) {
    this.tickets = options.tickets;
    this.seed = options.seed;
    this.days = options.days;
    this.endSec = options.endSec;
    this.startSec = options.endSec - options.days * DAY;
    this.ticketIdWidth = max(6, String(options.tickets - 1).length);

    const days = this.days;
    this.dayFirst = new Int32Array(days + 1);
    this.incidentProduct = new Int8Array(days).fill(-1);
    this.incidentShare = new Float64Array(days);
    this.incidentStartHour = new Float64Array(days);
    this.incidentHours = new Float64Array(days);
    this.dayPressure = new Float64Array(days).fill(1);
    const trend = this.buildCalendar();

    this.customerCount = max(30, round(this.tickets / 15));
    this.customerIdWidth = max(5, String(this.customerCount - 1).length);
    this.signup = new Float64Array(this.customerCount);
    this.churn = new Float64Array(this.customerCount);
    this.customerTier = new Uint8Array(this.customerCount);
    this.customerProduct = new Uint8Array(this.customerCount);
    this.customerOffset = new Uint8Array(this.customerCount);
    this.buildCustomers();

    const needed = (d: number) => (trend[d] * ACTIVE_SECONDS_PER_TICKET) / (TARGET_UTILISATION * AGENT_SECONDS_PER_DAY);
    this.agentCount = min(5000, max(8, ceil(needed(days - 1))));
    const initial = min(this.agentCount, max(6, ceil(needed(0))));
    this.agentTeam = new Uint8Array(this.agentCount);
    this.agentHireDay = new Int32Array(this.agentCount);
    this.agentShift = new Int32Array(this.agentCount);
    this.works = new Uint8Array(this.agentCount * days);
    this.teamDay = [];
    this.anyDay = [];
    this.buildAgents(initial, needed);
  }

  /** Day index (0-based, may fall outside the window) of an instant. */
  dayOf(t: number): number {
    return floor((t - this.startSec) / DAY);
  }

  /** Day of the week (0 = Sunday) of an instant. */
  static weekday(t: number): number {
    return (floor(t / DAY) + 4) % 7;
  }

  /** Relative arrival rate of an hour of the day. */
  static hourLoad(hour: number): number {
    return HOURLY[min(23, max(0, floor(hour)))] / HOURLY_MEAN;
  }

  /** An hour of the day drawn from the intraday arrival pattern. */
  static drawHour(rng: Rng): number {
    return rng.pick(HOURLY_CUM) + rng.next();
  }

  /** Tickets per day: growth × weekly × yearly seasonality × holidays × noise, plus incidents; returns the smooth trend per day. */
  private buildCalendar(): Float64Array {
    const { days, startSec } = this;
    const rng = new Rng(this.seed, 0, STREAM.setup);
    const base = new Float64Array(days);
    const seasonal = new Float64Array(days);
    const growth = new Float64Array(days);
    for (let d = 0; d < days; d++) {
      const date = new Date((startSec + d * DAY) * 1000);
      const month = date.getUTCMonth();
      const dom = date.getUTCDate();
      // Interpolate the monthly factor between mid-months.
      const pos = month + (dom - 15) / 30.5;
      const m0 = floor(pos);
      const frac = pos - m0;
      const yearly = MONTHLY[(m0 + 12) % 12] * (1 - frac) + MONTHLY[(m0 + 13) % 12] * frac;
      const holiday = (month === 11 && (dom === 24 || dom === 25 || dom === 26 || dom === 31)) || (month === 0 && dom === 1) ? 0.45 : 1;
      growth[d] = pow(YEARLY_GROWTH, d / 365);
      seasonal[d] = WEEKLY[date.getUTCDay()] * yearly * holiday;
      base[d] = growth[d] * seasonal[d] * exp(0.07 * rng.normal());
    }

    // Incidents: a product breaks for a few hours, its volume triples to quintuples that day, with a tail the next day.
    const extra = new Float64Array(days);
    const count = max(1, round(days / 150));
    for (let n = 0; n < count; n++) {
      let d = -1;
      for (let tries = 0; tries < 20; tries++) {
        const cand = 7 + rng.int(max(1, days - 14));
        const wd = DemoWorld.weekday(startSec + cand * DAY);
        if (wd === 0 || wd === 6 || this.incidentProduct[cand] >= 0 || (cand + 1 < days && this.incidentProduct[cand + 1] >= 0)) continue;
        if (cand > 0 && this.incidentProduct[cand - 1] >= 0) continue;
        d = cand;
        break;
      }
      if (d < 0 || d >= days) continue;
      const product = rng.int(PRODUCT_SHARES.length);
      const factor = 3 + 2 * rng.next();
      this.incidents.push({ day: d, product, factor });
      extra[d] = PRODUCT_SHARES[product] * (factor - 1);
      this.incidentProduct[d] = product;
      this.incidentStartHour[d] = 7 + 8 * rng.next();
      this.incidentHours[d] = 3 + 5 * rng.next();
      if (d + 1 < days) {
        extra[d + 1] = PRODUCT_SHARES[product] * (factor - 1) * 0.3;
        this.incidentProduct[d + 1] = product;
        this.incidentStartHour[d + 1] = 6;
        this.incidentHours[d + 1] = 14;
      }
    }

    this.addLaunch(extra);

    let total = 0;
    let seasonalSum = 0;
    const lambda = new Float64Array(days);
    for (let d = 0; d < days; d++) {
      lambda[d] = base[d] * (1 + extra[d]);
      total += lambda[d];
      seasonalSum += seasonal[d];
      if (extra[d] > 0) {
        this.incidentShare[d] = extra[d] / (1 + extra[d]);
        this.dayPressure[d] = 1 + 1.5 * extra[d];
      }
    }
    // Whole tickets per day by cumulative rounding: exactly `tickets` in all.
    let cum = 0;
    for (let d = 0; d < days; d++) {
      cum += lambda[d];
      this.dayFirst[d + 1] = round((cum / total) * this.tickets);
    }
    this.dayFirst[days] = this.tickets;
    const meanSeasonal = seasonalSum / days;
    const trend = new Float64Array(days);
    for (let d = 0; d < days; d++) trend[d] = (this.tickets * growth[d] * meanSeasonal) / total;
    return trend;
  }

  /**
   * A planned launch eight weeks before the end (the first weekday from there with no incident around it): the mobile
   * app's volume is 2.2 times its usual on the day and 1.5 times the next, through the incident machinery (its tickets
   * arrive from 09:00, and queues lengthen). Forecasts see it as a known event (demoPlanning).
   */
  private addLaunch(extra: Float64Array): void {
    const { days, startSec } = this;
    const product = PRODUCTS.indexOf('mobile-app');
    const factors: [number, number] = [2.2, 1.5];
    for (let d = days - 56; d >= 7 && d + 2 < days; d++) {
      const wd = DemoWorld.weekday(startSec + d * DAY);
      if (wd === 0 || wd === 6 || wd === 5) continue;
      if ([d - 1, d, d + 1, d + 2].some((x) => this.incidentProduct[x] >= 0)) continue;
      factors.forEach((factor, k) => {
        extra[d + k] = PRODUCT_SHARES[product] * (factor - 1);
        this.incidentProduct[d + k] = product;
        this.incidentStartHour[d + k] = k === 0 ? 9 : 6;
        this.incidentHours[d + k] = k === 0 ? 10 : 14;
      });
      this.launch = { day: d, product, factors };
      return;
    }
  }

  /** Customers: 30% signed up before the window, the rest during it (growing); tier, product, and a monthly churn draw. */
  private buildCustomers(): void {
    const { customerCount: n, days, startSec, endSec } = this;
    const rng = new Rng(this.seed, 1, STREAM.setup);
    const before = round(n * 0.3);
    const weights = new Float64Array(days);
    let sum = 0;
    for (let d = 0; d < days; d++) {
      const month = new Date((startSec + d * DAY) * 1000).getUTCMonth();
      sum += pow(YEARLY_GROWTH, d / 365) * SIGNUP_MONTHLY[month];
      weights[d] = sum;
    }
    for (let c = 0; c < n; c++) {
      if (c < before) {
        this.signup[c] = floor(startSec - rng.next() * 3 * 365 * DAY);
      } else {
        const x = rng.next() * sum;
        let lo = 0;
        let hi = days - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (weights[mid] > x) hi = mid;
          else lo = mid + 1;
        }
        this.signup[c] = startSec + lo * DAY + floor((6 + 16 * rng.next()) * 3600);
      }
    }
    this.signup.sort();

    const tierCum = cumulative([...TIER_CUSTOMER_SHARES]);
    const productCum = cumulative([...PRODUCT_SHARES]);
    const offsetCum = cumulative([...OFFSET_WEIGHTS]);
    const windowSeconds = endSec - startSec;
    const r = new Rng();
    for (let c = 0; c < n; c++) {
      r.reseed(this.seed, c, STREAM.customer);
      const tier = r.pick(tierCum);
      this.customerTier[c] = tier;
      this.customerProduct[c] = r.pick(productCum);
      this.customerOffset[c] = r.pick(offsetCum);
      this.churn[c] = NAN;
      // Monthly churn: new customers leave more often; a price change a year in raises churn for a quarter; retention improves slowly.
      let t = this.signup[c];
      for (let month = 0; t < endSec; month++, t += 30 * DAY) {
        let era = 1.1;
        if (t >= startSec) {
          const f = (t - startSec) / windowSeconds;
          era = 1.15 - 0.3 * f + (f >= 0.42 && f < 0.55 ? 0.6 : 0);
        }
        const hazard = TIER_MONTHLY_CHURN[tier] * (month < 3 ? 1.8 : 1) * era;
        if (r.next() < hazard) {
          const at = floor(t + r.next() * 30 * DAY);
          if (at < endSec) this.churn[c] = max(at, this.signup[c] + 3600);
          break;
        }
      }
    }
  }

  /** Agents hired as volume grows; weekday or rotating schedules, full or part time, days of leave; daily rosters per team. */
  private buildAgents(initial: number, needed: (d: number) => number): void {
    const { agentCount: n, days, startSec } = this;
    const shiftScale = min(1, max(0.25, needed(days - 1) / n));
    let d = 0;
    for (let k = 0; k < n; k++) {
      this.agentTeam[k] = HIRING_PATTERN[k % HIRING_PATTERN.length];
      if (k >= initial) {
        while (d < days - 1 && needed(d) < k) d++;
        this.agentHireDay[k] = d;
      }
      // A small help desk's agents spend only part of their day on support.
      this.agentShift[k] = max(1800, round(((k % 5 === 4 ? PART_SHIFT : FULL_SHIFT) * shiftScale) / 1800) * 1800);
    }
    for (let k = 0; k < n; k++) {
      const rotating = k % 9 === 1 || k % 9 === 3 || k % 9 === 5 || k % 9 === 7;
      const offStart = (k * 3) % 7;
      for (let day = this.agentHireDay[k]; day < days; day++) {
        const t = startSec + day * DAY;
        const wd = DemoWorld.weekday(t);
        let on: boolean;
        if (rotating) on = wd !== offStart && wd !== (offStart + 1) % 7;
        else {
          const date = new Date(t * 1000);
          const holiday = (date.getUTCMonth() === 11 && date.getUTCDate() === 25) || (date.getUTCMonth() === 0 && date.getUTCDate() === 1);
          on = wd !== 0 && wd !== 6 && !holiday;
        }
        if (on && hash01(this.seed, k, 7000 + day) < 0.04) on = false; // leave, sickness
        if (on) this.works[k * days + day] = 1;
      }
    }
    for (let day = 0; day < days; day++) {
      const byTeam: number[][] = TEAMS.map(() => []);
      const any: number[] = [];
      for (let k = 0; k < n; k++) {
        if (this.works[k * days + day]) {
          byTeam[this.agentTeam[k]].push(k);
          any.push(k);
        }
      }
      for (let team = 0; team < TEAMS.length; team++) this.teamDay.push(Int32Array.from(byTeam[team]));
      this.anyDay.push(Int32Array.from(any));
    }
  }

  /** An agent of `team` working on day `day`, keeping `preferred` when it works that day; falls back to any agent at work. */
  agentFor(team: number, day: number, preferred: number, rng: Rng): number {
    const days = this.days;
    const d = day < 0 ? 0 : day >= days ? days - 1 : day;
    if (preferred >= 0 && this.works[preferred * days + d] && this.agentTeam[preferred] === team) return preferred;
    const list = this.teamDay[d * TEAMS.length + team];
    if (list.length) return list[rng.int(list.length)];
    const any = this.anyDay[d];
    if (any.length) return any[rng.int(any.length)];
    if (preferred >= 0) return preferred;
    // Nobody is scheduled: the first agent hired covers (an unscheduled day still gets an activity row).
    return 0;
  }

  /** A customer active at `t`, drawn in proportion to each tier's ticket rate, with recent sign-ups asking more; -1 when none fits. */
  pickCustomer(t: number, rng: Rng): number {
    const s = this.signup;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    const k = lo;
    if (k === 0) return -1;
    const recent = max(1, floor(k * 0.08));
    for (let tries = 0; tries < 24; tries++) {
      const c = rng.next() < 0.15 ? k - 1 - rng.int(recent) : rng.int(k);
      if (this.churn[c] <= t) continue; // churned customers write no more (NaN compares false)
      if (rng.next() * 2 >= TIER_TICKET_RATE[this.customerTier[c]]) continue;
      return c;
    }
    return -1;
  }
}
