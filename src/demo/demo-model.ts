/**
 * The assumptions behind the demo dataset: products, tiers, teams, channel behaviour, seasonality and service levels.
 * Tuned so that every metric of docs/metrics.md has something to show and the forecasts have patterns to find.
 */
import { CHANNELS, PRIORITIES, type Channel, type Priority } from '../data/domain';

export const PRODUCTS = ['billing', 'api', 'mobile-app', 'web-app'] as const;
/** Share of customers (and of their tickets) per product. */
export const PRODUCT_SHARES = [0.25, 0.2, 0.25, 0.3] as const;

export const TIERS = ['free', 'pro', 'enterprise'] as const;
export const TIER_CUSTOMER_SHARES = [0.55, 0.35, 0.1] as const;
/** Relative ticket rate of one customer of each tier (enterprise customers write most). */
export const TIER_TICKET_RATE = [0.5, 1, 2] as const;
/** Monthly churn probability per tier (before the time-varying factors). */
export const TIER_MONTHLY_CHURN = [0.045, 0.02, 0.008] as const;
/** Response-time factor per tier (index 3: ticket without customer). */
export const TIER_SPEED = [1.2, 0.8, 0.45, 1.3] as const;

export const TEAMS = ['tier1', 'tier2', 'billing'] as const;
export const TEAM_TIER1 = 0;
export const TEAM_TIER2 = 1;
export const TEAM_BILLING = 2;
/** Team of the k-th agent hired (k mod 10): tier 1 is the largest, tier 2 and billing grow along. */
export const HIRING_PATTERN = [0, 2, 1, 0, 0, 2, 1, 0, 0, 0] as const;

/** Priority mix per tier (index 3: no customer), and for incident tickets. */
export const PRIORITY_WEIGHTS = [
  [0.25, 0.58, 0.13, 0.04],
  [0.2, 0.56, 0.18, 0.06],
  [0.12, 0.5, 0.26, 0.12],
  [0.25, 0.58, 0.13, 0.04],
] as const;
export const INCIDENT_PRIORITY_WEIGHTS = [0.02, 0.28, 0.45, 0.25] as const;
/** Response-time factor per priority (low, normal, high, urgent). */
export const PRIORITY_SPEED = [1.6, 1, 0.55, 0.3] as const;

export const CHANNEL_INDEX = Object.fromEntries(CHANNELS.map((c, i) => [c, i])) as Record<Channel, number>;

/** How one channel behaves. Durations in seconds. */
export interface ChannelModel {
  /** Share of tickets at the window's start and end (chat and messaging grow). */
  shareStart: number;
  shareEnd: number;
  /** Relative share at night (22:00–06:00 UTC): people write emails at night, they rarely call. */
  night: number;
  /** Share among the extra tickets of an incident. */
  incident: number;
  /** Synchronous channels queue the customer (and lose the impatient ones); the others answer asynchronously. */
  sync: boolean;
  /** Median first response (async) or mean queue wait (sync). */
  firstResponse: number;
  firstResponseSigma: number;
  /** Median agent reply to a customer follow-up. */
  reply: number;
  /** Median customer answer to an agent reply. */
  customerReply: number;
  /** Median handle time of one agent reply (a call for phone). */
  handle: number;
  handleSigma: number;
  /** Mean number of further customer/agent exchanges after the first reply. */
  rounds: number;
  /** Probability of an automated acknowledgement. */
  bot: number;
  /** Share of customers with limited patience, and their mean patience. */
  impatient: number;
  patience: number;
  /** Probability that a reply due on a weekend waits for Monday. */
  weekendDefer: number;
  /** Probability that a survey follows a resolved ticket. */
  survey: number;
}

export const CHANNEL_MODELS: Record<Channel, ChannelModel> = {
  email: {
    shareStart: 0.34,
    shareEnd: 0.28,
    night: 1.6,
    incident: 0.2,
    sync: false,
    firstResponse: 3 * 3600,
    firstResponseSigma: 0.9,
    reply: 2 * 3600,
    customerReply: 5 * 3600,
    handle: 300,
    handleSigma: 0.5,
    rounds: 0.8,
    bot: 0.6,
    impatient: 0,
    patience: 0,
    weekendDefer: 0.6,
    survey: 0.22,
  },
  chat: {
    shareStart: 0.2,
    shareEnd: 0.24,
    night: 0.6,
    incident: 0.25,
    sync: true,
    firstResponse: 35,
    firstResponseSigma: 0,
    reply: 50,
    customerReply: 70,
    handle: 80,
    handleSigma: 0.6,
    rounds: 1.4,
    bot: 0.35,
    impatient: 1,
    patience: 360,
    weekendDefer: 0,
    survey: 0.3,
  },
  phone: {
    shareStart: 0.17,
    shareEnd: 0.14,
    night: 0.35,
    incident: 0.3,
    sync: true,
    firstResponse: 50,
    firstResponseSigma: 0,
    reply: 3 * 3600,
    customerReply: 6 * 3600,
    handle: 360,
    handleSigma: 0.55,
    rounds: 0,
    bot: 0,
    impatient: 1,
    patience: 400,
    weekendDefer: 0,
    survey: 0.12,
  },
  social: {
    shareStart: 0.07,
    shareEnd: 0.07,
    night: 1.2,
    incident: 0.15,
    sync: false,
    firstResponse: 40 * 60,
    firstResponseSigma: 0.8,
    reply: 40 * 60,
    customerReply: 2 * 3600,
    handle: 150,
    handleSigma: 0.5,
    rounds: 0.6,
    bot: 0.1,
    impatient: 0.15,
    patience: 4 * 3600,
    weekendDefer: 0.2,
    survey: 0.08,
  },
  web: {
    shareStart: 0.14,
    shareEnd: 0.13,
    night: 1.4,
    incident: 0.05,
    sync: false,
    firstResponse: 2 * 3600,
    firstResponseSigma: 0.9,
    reply: 1.5 * 3600,
    customerReply: 4 * 3600,
    handle: 270,
    handleSigma: 0.5,
    rounds: 0.7,
    bot: 0.7,
    impatient: 0,
    patience: 0,
    weekendDefer: 0.5,
    survey: 0.2,
  },
  messaging: {
    shareStart: 0.08,
    shareEnd: 0.14,
    night: 1.3,
    incident: 0.05,
    sync: false,
    firstResponse: 10 * 60,
    firstResponseSigma: 1,
    reply: 8 * 60,
    customerReply: 30 * 60,
    handle: 110,
    handleSigma: 0.5,
    rounds: 1.2,
    bot: 0.5,
    impatient: 0.3,
    patience: 3600,
    weekendDefer: 0.2,
    survey: 0.2,
  },
};

/** Arrivals per UTC hour of the day (relative): quiet nights, a late-morning and an afternoon peak. */
export const HOURLY = [
  0.25, 0.18, 0.14, 0.13, 0.16, 0.3, 0.6, 1.1, 1.6, 1.9, 2.0, 2.0, 1.85, 1.9, 1.95, 1.9, 1.75, 1.5, 1.2, 0.95, 0.75, 0.6, 0.45, 0.33,
] as const;
/** Arrivals per day of the week (index = getUTCDay(): Sunday first). */
export const WEEKLY = [0.42, 1.15, 1.1, 1.05, 1.0, 0.92, 0.45] as const;
/** Arrivals per month (January first), interpolated between mid-months: a November–December peak and a summer dip. */
export const MONTHLY = [1.06, 1.0, 1.0, 0.97, 0.94, 0.88, 0.8, 0.78, 0.95, 1.02, 1.2, 1.25] as const;
/** Sign-ups per month: New Year resolutions, a quiet December. */
export const SIGNUP_MONTHLY = [1.25, 1.1, 1.05, 1, 1, 0.95, 0.9, 0.9, 1.05, 1.05, 1, 0.8] as const;
/** Yearly growth of ticket volume (and of the team handling it). */
export const YEARLY_GROWTH = 1.3;

/** Service-level policies: one per priority for every channel, tighter ones for the live channels. */
export const SLA_POLICIES: readonly { priority: Priority; channel: Channel | null; firstResponse: number; resolution: number }[] = [
  { priority: 'low', channel: null, firstResponse: 1440, resolution: 7200 },
  { priority: 'normal', channel: null, firstResponse: 480, resolution: 2880 },
  { priority: 'high', channel: null, firstResponse: 120, resolution: 1440 },
  { priority: 'urgent', channel: null, firstResponse: 30, resolution: 480 },
  { priority: 'normal', channel: 'chat', firstResponse: 2, resolution: 120 },
  { priority: 'high', channel: 'chat', firstResponse: 1, resolution: 60 },
  { priority: 'normal', channel: 'phone', firstResponse: 2, resolution: 240 },
  { priority: 'urgent', channel: 'phone', firstResponse: 1, resolution: 120 },
  { priority: 'normal', channel: 'messaging', firstResponse: 60, resolution: 1440 },
  { priority: 'normal', channel: 'social', firstResponse: 120, resolution: 2880 },
];

/** First-response target in seconds of a priority/channel (a channel-specific policy wins). */
export function firstResponseTarget(priority: number, channel: number): number {
  const p = PRIORITIES[priority];
  const c = CHANNELS[channel];
  const policy = SLA_POLICIES.find((s) => s.priority === p && s.channel === c) ?? SLA_POLICIES.find((s) => s.priority === p && s.channel === null);
  return (policy?.firstResponse ?? 480) * 60;
}

export const FIRST_NAMES = [
  'Ava',
  'Ben',
  'Chloé',
  'Dev',
  'Elif',
  'Femi',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kiran',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aarav',
  'Björn',
  'Carmen',
  'Dmitri',
] as const;
export const LAST_NAMES = [
  'Okafor',
  'Schmidt',
  'Tanaka',
  'García',
  'Novak',
  'Patel',
  'Müller',
  'Rossi',
  'Kowalski',
  'Nguyen',
  'Silva',
  'Haddad',
  'Jensen',
  'Kim',
  'Larsen',
  'Moreau',
  "O'Brien",
  'Petrov',
  'Reyes',
  'Sato',
  'Dubois',
  'Fischer',
  'Ibrahim',
  'Johansson',
  'Khan',
  'Lopez',
  'Mensah',
  'Nakamura',
  'Santos',
  'Weber',
] as const;
