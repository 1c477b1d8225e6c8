/**
 * One demo ticket at a time: its attributes, its message timeline and its surveys, all drawn from the ticket's own random
 * stream (seed, ticket index), so each pass over the dataset (tickets, messages, surveys, agent workload) regenerates the
 * same ticket without keeping any. The generator reuses its buffers: read a ticket before generating the next.
 */
import { CHANNELS } from '../data/domain';
import {
  CHANNEL_MODELS,
  firstResponseTarget,
  INCIDENT_PRIORITY_WEIGHTS,
  PRIORITY_SPEED,
  PRIORITY_WEIGHTS,
  PRODUCT_SHARES,
  TEAM_BILLING,
  TEAM_TIER1,
  TEAM_TIER2,
  TIER_SPEED,
  type ChannelModel,
} from './demo-model';
import { DAY, DemoWorld, STREAM } from './demo-world';
import { floor, isNaN, log, max, min, NAN, round, sqrt } from './fast-math';
import { cumulative, Rng } from './prng';
import { OFFSET_WEIGHTS } from './timestamps';

const LOG10E = Math.LOG10E;
export const AUTHOR_CUSTOMER = 0;
export const AUTHOR_AGENT = 1;
export const AUTHOR_BOT = 2;
export const AUTHORS = ['customer', 'agent', 'bot'] as const;

const MAX_MESSAGES = 96;
const MAX_EXTRA_WORK = 4;
const HOUR = 3600;

const CH = CHANNELS.map((c) => CHANNEL_MODELS[c]);
const EMAIL = CHANNELS.indexOf('email');
const CHAT = CHANNELS.indexOf('chat');
const PHONE = CHANNELS.indexOf('phone');
const SOCIAL = CHANNELS.indexOf('social');
const WEB = CHANNELS.indexOf('web');
const PRODUCT_BILLING = 0;
const PRODUCT_API = 1;
const PRIORITY_HIGH = 2;
const PRIORITY_URGENT = 3;
const TIER_FREE = 0;
const TIER_ENTERPRISE = 2;
const NO_TIER = 3;

const PRODUCT_CUM = cumulative([...PRODUCT_SHARES]);
const OFFSET_CUM = cumulative([...OFFSET_WEIGHTS]);
const PRIORITY_CUM = PRIORITY_WEIGHTS.map((w) => cumulative([...w]));
const INCIDENT_PRIORITY_CUM = cumulative([...INCIDENT_PRIORITY_WEIGHTS]);
const INCIDENT_CHANNEL_CUM = cumulative(CH.map((c) => c.incident));

/** A survey that followed a ticket. */
export interface TicketSurvey {
  kind: 'csat' | 'nps' | 'ces';
  score: number;
  respondedAt: number;
}

export class TicketGenerator {
  // The ticket (instants are epoch seconds; NaN = empty).
  index = 0;
  day = 0;
  created = 0;
  channel = 0;
  /** -1: no product. */
  product = -1;
  priority = 1;
  /** -1: no customer. */
  customer = -1;
  /** 0 free, 1 pro, 2 enterprise, 3 no customer. */
  tier = NO_TIER;
  offset = 0;
  incident = false;
  firstResponse = NAN;
  /** Whether tickets.csv carries first_response_at (otherwise the importer derives it from the messages). */
  firstResponseGiven = false;
  resolved = NAN;
  abandoned = NAN;
  escalated = false;
  reopened = 0;
  /** -1: unassigned. */
  assignee = -1;

  // Its messages, in time order.
  messageCount = 0;
  readonly msgAuthor = new Uint8Array(MAX_MESSAGES);
  readonly msgAgent = new Int32Array(MAX_MESSAGES);
  readonly msgTime = new Float64Array(MAX_MESSAGES);
  /** Recorded handle_seconds (NaN when not recorded). */
  readonly msgHandle = new Float64Array(MAX_MESSAGES);
  /** Agent working seconds of the message, recorded or not (feeds agent_activity). */
  readonly msgWork = new Float64Array(MAX_MESSAGES);

  // Agent work that left no message (calls logged without messages).
  extraWorkCount = 0;
  readonly extraWorkAgent = new Int32Array(MAX_EXTRA_WORK);
  readonly extraWorkTime = new Float64Array(MAX_EXTRA_WORK);
  readonly extraWorkSeconds = new Float64Array(MAX_EXTRA_WORK);

  private readonly rng = new Rng();
  private readonly surveyRng = new Rng();
  /** Channel mix per day, by day (even) and night (odd). */
  private readonly channelCum: Float64Array[] = [];
  private lastTime = 0;
  private owner = -1;
  private tier2Owner = -1;
  private team = TEAM_TIER1;
  private speed = 1;
  private phoneAnswer = NAN;

  constructor(private readonly world: DemoWorld) {
    for (let d = 0; d < world.days; d++) {
      const f = d / max(1, world.days - 1);
      for (const night of [false, true]) {
        this.channelCum.push(cumulative(CH.map((m) => (m.shareStart + (m.shareEnd - m.shareStart) * f) * (night ? m.night : 1))));
      }
    }
  }

  /** Ticket id of index i, e.g. T000042. */
  ticketNumber(i: number): string {
    return `${i}`.padStart(this.world.ticketIdWidth, '0');
  }

  /** Generates ticket `i`, which falls on day `day` of the window. */
  generate(i: number, day: number): this {
    const w = this.world;
    const r = this.rng.reseed(w.seed, i, STREAM.ticket);
    this.index = i;
    this.day = day;
    this.messageCount = 0;
    this.extraWorkCount = 0;
    this.firstResponse = NAN;
    this.resolved = NAN;
    this.abandoned = NAN;
    this.escalated = false;
    this.reopened = 0;
    this.assignee = -1;
    this.owner = -1;
    this.tier2Owner = -1;
    this.phoneAnswer = NAN;

    const dayStart = w.startSec + day * DAY;
    this.incident = w.incidentProduct[day] >= 0 && r.next() < w.incidentShare[day];
    const hour = this.incident ? min(23.99, w.incidentStartHour[day] + r.next() * w.incidentHours[day]) : DemoWorld.drawHour(r);
    this.created = dayStart + floor(hour * HOUR);
    this.lastTime = this.created;
    const night = hour < 6 || hour >= 22;
    this.channel = this.incident ? r.pick(INCIDENT_CHANNEL_CUM) : r.pick(this.channelCum[day * 2 + (night ? 1 : 0)]);
    const anonymous = (this.channel === SOCIAL || this.channel === WEB) && r.next() < 0.08;
    this.customer = anonymous ? -1 : w.pickCustomer(this.created, r);
    this.tier = this.customer >= 0 ? w.customerTier[this.customer] : NO_TIER;
    if (this.incident) this.product = w.incidentProduct[day];
    else if (this.customer >= 0) this.product = r.next() < 0.8 ? w.customerProduct[this.customer] : r.pick(PRODUCT_CUM);
    else this.product = r.next() < 0.85 ? r.pick(PRODUCT_CUM) : -1;
    this.priority = r.pick(this.incident ? INCIDENT_PRIORITY_CUM : PRIORITY_CUM[this.tier]);
    this.offset = this.customer >= 0 ? w.customerOffset[this.customer] : r.pick(OFFSET_CUM);
    this.team = this.product === PRODUCT_BILLING && r.next() < 0.8 ? TEAM_BILLING : TEAM_TIER1;
    this.speed = TIER_SPEED[this.tier] * PRIORITY_SPEED[this.priority] * w.dayPressure[day];

    let pEscalate = 0.05;
    if (this.product === PRODUCT_API) pEscalate += 0.04;
    if (this.priority === PRIORITY_URGENT) pEscalate += 0.06;
    else if (this.priority === PRIORITY_HIGH) pEscalate += 0.02;
    if (this.tier === TIER_ENTERPRISE) pEscalate += 0.03;
    if (this.incident) pEscalate += 0.1;
    this.escalated = r.next() < pEscalate;

    const model = CH[this.channel];
    let withMessages = true;
    if (this.channel === PHONE) withMessages = this.phone(model, hour, night);
    else if (this.channel === CHAT) this.chat(model, hour, night);
    else this.async(model);

    // Reopens: the customer comes back after the resolution, an agent answers, the ticket is resolved again.
    if (withMessages && !isNaN(this.resolved) && r.next() < 0.04 + (this.tier === TIER_FREE ? 0.01 : 0) + (this.escalated ? 0.04 : 0)) {
      const times = r.next() < 0.2 ? 2 : 1;
      for (let k = 0; k < times; k++) {
        this.customerMessage(this.resolved + r.logNormal(1.5 * DAY, 0.8));
        const reply = this.defer(this.lastTime + max(60, r.logNormal(2 * HOUR * this.speed, 0.9)), CH[EMAIL]);
        this.agentMessage(reply, this.escalated ? TEAM_TIER2 : this.team, model.sync ? CH[EMAIL] : model);
        this.resolved = this.lastTime + r.logNormal(1800, 1);
        this.reopened++;
      }
    }
    // A few tickets are forgotten and never resolved.
    if (r.next() < 0.0005) this.resolved = NAN;

    this.finish();
    return this;
  }

  /** Phone: queue, abandonment, a call (logged as messages or not), callbacks. Returns whether messages were recorded. */
  private phone(model: ChannelModel, hour: number, night: boolean): boolean {
    const r = this.rng;
    const w = this.world;
    const waitMean =
      model.firstResponse *
      (0.55 + 0.45 * DemoWorld.hourLoad(hour)) *
      w.dayPressure[this.day] *
      (night ? 2 : 1) *
      sqrt(TIER_SPEED[this.tier]) *
      (this.priority === PRIORITY_URGENT ? 0.6 : 1);
    const wait = r.exp(waitMean);
    const patience = r.exp(model.patience);
    const recorded = r.next() < 0.6;
    if (wait > patience) {
      this.abandoned = this.created + max(5, round(patience));
      return false;
    }
    const answer = this.created + max(1, round(wait));
    const call = max(30, round(r.logNormal(model.handle * (this.product === PRODUCT_API ? 1.2 : 1), model.handleSigma)));
    const work = call + 20 + r.int(60);
    if (recorded) {
      this.customerMessage(this.created);
      this.agentMessageWithHandle(answer, this.team, work);
    } else {
      const agent = w.agentFor(this.team, w.dayOf(answer), -1, r);
      this.phoneAnswer = answer;
      this.owner = agent;
      this.addExtraWork(agent, answer, work);
    }
    const end = answer + call;
    this.lastTime = max(this.lastTime, end);
    if (!this.escalated && r.next() < 0.8) {
      this.resolved = end + r.int(120);
      return recorded;
    }
    const callback = CH[EMAIL];
    if (recorded) {
      // A callback or an email after the call: an agent message with no customer message pending.
      const team = this.escalated ? TEAM_TIER2 : this.team;
      this.agentMessage(this.defer(end + r.logNormal((this.escalated ? 4 : 2) * HOUR * this.speed, 0.8), callback), team, callback);
      if (r.next() < 0.4) {
        this.customerMessage(this.lastTime + r.logNormal(3 * HOUR, 1));
        this.agentMessage(this.defer(this.lastTime + r.logNormal(model.reply * this.speed, 0.8), callback), team, callback);
      }
      this.resolved = this.lastTime + r.logNormal(900, 1);
    } else {
      this.resolved = end + r.logNormal(6 * HOUR * this.speed, 1);
      const agent = w.agentFor(this.escalated ? TEAM_TIER2 : this.team, w.dayOf(this.resolved), this.escalated ? -1 : this.owner, r);
      if (this.resolved < w.endSec) this.addExtraWork(agent, this.resolved, 300 + r.int(600));
      this.owner = agent;
    }
    return recorded;
  }

  /** Chat: a queue with impatient customers by day, offline messages at night, quick exchanges. */
  private chat(model: ChannelModel, hour: number, night: boolean): void {
    const r = this.rng;
    this.customerMessage(this.created);
    if (r.next() < model.bot) this.botMessage(this.created + 2 + r.int(4));
    let first: number;
    const patience = r.exp(model.patience);
    if (night && r.next() < 0.7) {
      // Nobody online: half leave, the others' message is answered in the morning.
      if (r.next() < 0.5) {
        this.abandoned = this.created + max(10, round(patience));
        return;
      }
      first = this.defer(this.created + 60, CH[EMAIL]);
    } else {
      const waitMean =
        model.firstResponse *
        (0.55 + 0.45 * DemoWorld.hourLoad(hour)) *
        this.world.dayPressure[this.day] *
        sqrt(TIER_SPEED[this.tier]) *
        (this.priority === PRIORITY_URGENT ? 0.6 : 1);
      const wait = r.exp(waitMean);
      if (wait > patience) {
        if (r.next() < 0.4) this.customerMessage(this.created + round(patience * 0.6));
        this.abandoned = this.created + max(10, round(patience));
        return;
      }
      first = this.created + max(3, round(wait));
    }
    this.agentMessage(first, this.team, model);
    const rounds = r.poisson(model.rounds + (this.product === PRODUCT_API ? 0.5 : 0) + (this.escalated ? 1 : 0), 12);
    const escalateAt = this.escalated ? 1 + r.int(max(1, rounds)) : 1e9;
    for (let k = 1; k <= rounds; k++) {
      this.customerMessage(this.lastTime + max(5, r.logNormal(model.customerReply, 0.8)));
      if (r.next() < 0.12) this.customerMessage(this.lastTime + max(5, r.logNormal(30, 0.6)));
      const transfer = k >= escalateAt;
      const reply = this.lastTime + max(5, r.logNormal(model.reply * sqrt(this.speed), 0.7)) + (transfer ? r.exp(120) : 0);
      this.agentMessage(reply, transfer ? TEAM_TIER2 : this.team, model);
    }
    if (this.escalated && (rounds === 0 || r.next() < 0.5)) {
      // Tier 2 investigates and writes back hours later.
      this.agentMessage(this.defer(this.lastTime + r.logNormal(5 * HOUR * this.speed, 0.8), CH[EMAIL]), TEAM_TIER2, CH[EMAIL]);
    } else if (r.next() < 0.08) {
      this.agentMessage(this.defer(this.lastTime + r.logNormal(1800, 1), CH[EMAIL]), this.team, model);
    }
    this.resolved = this.lastTime + r.logNormal(60, 0.8);
  }

  /** Email, web form, social and messaging: bot acknowledgement, a first reply within business hours, exchanges, follow-ups. */
  private async(model: ChannelModel): void {
    const r = this.rng;
    this.customerMessage(this.created);
    if (r.next() < model.bot) this.botMessage(this.created + 1 + r.int(30));
    const first = this.defer(this.created + max(60, r.logNormal(model.firstResponse * this.speed, model.firstResponseSigma)), model);
    if (model.impatient > 0 && r.next() < model.impatient) {
      const patience = r.exp(model.patience);
      if (first - this.created > patience) {
        if (r.next() < 0.3) this.customerMessage(this.created + round(patience * 0.7));
        this.abandoned = max(this.lastTime, this.created + round(patience));
        return;
      }
    }
    this.agentMessage(first, this.team, model);
    const mean = model.rounds * (this.tier === TIER_FREE ? 1.1 : 1) + (this.product === PRODUCT_API ? 0.4 : 0) + (this.escalated ? 1 : 0);
    const rounds = r.poisson(mean, 8);
    const escalateAt = this.escalated ? 1 + r.int(max(1, rounds)) : 1e9;
    for (let k = 1; k <= rounds; k++) {
      this.customerMessage(this.lastTime + max(60, r.logNormal(model.customerReply, 1)));
      if (r.next() < 0.12) this.customerMessage(this.lastTime + r.logNormal(1800, 0.8));
      const transfer = k >= escalateAt;
      const reply = this.defer(this.lastTime + max(60, r.logNormal(model.reply * this.speed * (transfer ? 2.5 : 1), 0.9)), model);
      this.agentMessage(reply, transfer ? TEAM_TIER2 : this.team, model);
    }
    if (this.escalated && rounds === 0) {
      this.agentMessage(this.defer(this.lastTime + r.logNormal(6 * HOUR * this.speed, 0.8), model), TEAM_TIER2, model);
    }
    if (r.next() < 0.12) {
      // Agent follow-up ("the fix is deployed"): no customer message pending.
      this.agentMessage(this.defer(this.lastTime + r.logNormal(4 * HOUR, 0.8), model), this.escalated ? TEAM_TIER2 : this.team, model);
    }
    this.resolved = this.lastTime + (r.next() < 0.8 ? r.logNormal(600, 1) : DAY * (0.5 + 1.5 * r.next()));
  }

  /**
   * Moves an agent reply into staffed hours: night replies wait for the morning (urgent ones often not), and
   * some weekend replies wait for Monday.
   */
  private defer(t: number, model: ChannelModel): number {
    const r = this.rng;
    const start = this.world.startSec;
    let sod = (t - start) % DAY;
    if ((sod < 6 * HOUR || sod >= 22 * HOUR) && !(this.priority === PRIORITY_URGENT && r.next() < 0.7)) {
      t = t - sod + (sod >= 22 * HOUR ? DAY : 0) + 6 * HOUR + round(r.exp(5400));
      sod = (t - start) % DAY;
    }
    const wd = DemoWorld.weekday(t);
    if ((wd === 0 || wd === 6) && r.next() < model.weekendDefer) {
      t = t - sod + (wd === 6 ? 2 : 1) * DAY + 6 * HOUR + round(r.exp(2 * HOUR));
    }
    return t;
  }

  private push(author: number, time: number, agent: number, handle: number, work: number): boolean {
    const t = max(round(time), this.lastTime);
    this.lastTime = t;
    if (t >= this.world.endSec || this.messageCount >= MAX_MESSAGES) return false;
    const n = this.messageCount++;
    this.msgAuthor[n] = author;
    this.msgAgent[n] = agent;
    this.msgTime[n] = t;
    this.msgHandle[n] = handle;
    this.msgWork[n] = work;
    return true;
  }

  private customerMessage(time: number): void {
    this.push(AUTHOR_CUSTOMER, time, -1, NAN, 0);
  }

  private botMessage(time: number): void {
    this.push(AUTHOR_BOT, time, -1, NAN, 0);
  }

  private agentMessage(time: number, team: number, model: ChannelModel): void {
    const r = this.rng;
    let median = model.handle;
    if (this.product === PRODUCT_API) median *= 1.25;
    if (team === TEAM_TIER2) median *= 1.4;
    this.agentMessageWithHandle(time, team, max(15, round(r.logNormal(median, model.handleSigma))));
  }

  private agentMessageWithHandle(time: number, team: number, work: number): void {
    const w = this.world;
    const r = this.rng;
    const t = max(round(time), this.lastTime);
    const day = w.dayOf(t);
    const agent = w.agentFor(team, day, team === TEAM_TIER2 ? this.tier2Owner : this.owner, r);
    if (team === TEAM_TIER2) this.tier2Owner = agent;
    else this.owner = agent;
    // A few systems do not record handle time on every reply; the work still happened.
    const handle = r.next() < 0.04 ? NAN : work;
    if (this.push(AUTHOR_AGENT, t, agent, handle, work)) this.assignee = agent;
  }

  private addExtraWork(agent: number, time: number, seconds: number): void {
    if (this.extraWorkCount >= MAX_EXTRA_WORK || time >= this.world.endSec) return;
    const n = this.extraWorkCount++;
    this.extraWorkAgent[n] = agent;
    this.extraWorkTime[n] = time;
    this.extraWorkSeconds[n] = seconds;
  }

  /** Cuts the ticket at the window's end and settles first response and assignee. */
  private finish(): void {
    const end = this.world.endSec;
    const r = this.rng;
    if (this.resolved >= end) this.resolved = NAN;
    else if (!isNaN(this.resolved)) this.resolved = max(round(this.resolved), this.created);
    if (this.abandoned >= end) this.abandoned = NAN;
    this.firstResponse = NAN;
    for (let m = 0; m < this.messageCount; m++) {
      if (this.msgAuthor[m] === AUTHOR_AGENT) {
        this.firstResponse = this.msgTime[m];
        break;
      }
    }
    if (!isNaN(this.phoneAnswer) && this.phoneAnswer < end) {
      this.firstResponse = this.phoneAnswer;
      this.firstResponseGiven = true;
      this.assignee = this.owner;
    } else {
      // About half of the help desks' exports carry the first response; the rest is derived from the messages.
      this.firstResponseGiven = r.next() < 0.55;
    }
    if (this.assignee >= 0 && r.next() < 0.015) this.assignee = -1;
  }

  /** Surveys that followed this (generated) ticket: csat mostly, some ces and nps; scores track how the ticket went. */
  surveys(out: TicketSurvey[]): number {
    if (isNaN(this.resolved)) return 0;
    const r = this.surveyRng.reseed(this.world.seed, this.index, STREAM.ticketSurvey);
    const model = CH[this.channel];
    if (r.next() >= model.survey) return 0;
    const respondedAt = this.resolved + round(r.logNormal(2 * HOUR, 1.3));
    if (respondedAt >= this.world.endSec) return 0;
    const hours = (this.resolved - this.created) / HOUR;
    const firstWait = this.firstResponse - this.created;
    const breached = firstWait > firstResponseTarget(this.priority, this.channel);
    let interactions = 0;
    for (let m = 0; m < this.messageCount; m++) if (this.msgAuthor[m] !== AUTHOR_BOT) interactions++;
    const q =
      0.55 -
      0.45 * log(1 + hours) * LOG10E -
      (breached ? 0.6 : 0) -
      0.7 * this.reopened -
      (this.escalated ? 0.5 : 0) +
      (this.tier === TIER_ENTERPRISE ? 0.15 : 0) -
      (this.incident ? 0.4 : 0) +
      0.9 * r.normal();
    let n = 0;
    const put = (kind: TicketSurvey['kind'], score: number, low: number, high: number, lag: number) => {
      out[n++] = { kind, score: min(high, max(low, round(score))), respondedAt: respondedAt + lag };
    };
    put('csat', 4.3 + q, 1, 5, 0);
    if (r.next() < 0.35) put('ces', 5.7 + 0.8 * q - 0.15 * max(0, interactions - 2) + 0.5 * r.normal(), 1, 7, 1);
    if (r.next() < 0.12) put('nps', 8.3 + 1.2 * q + 0.8 * r.normal(), 0, 10, 2);
    // Extra answers must stay inside the window too.
    while (n > 0 && out[n - 1].respondedAt >= this.world.endSec) n--;
    return n;
  }
}
