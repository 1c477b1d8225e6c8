/** Closed value sets of the data contract (docs/data-contract.md); the database checks and the GraphQL enums derive from these. */
export const CHANNELS = ['email', 'chat', 'phone', 'social', 'web', 'messaging'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MESSAGE_AUTHORS = ['customer', 'agent', 'bot'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/** Survey kinds with their score scales (inclusive). */
export const SURVEY_SCALES = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
  ces: { min: 1, max: 7 },
} as const;
export type SurveyKind = keyof typeof SURVEY_SCALES;
export const SURVEY_KINDS = Object.keys(SURVEY_SCALES) as SurveyKind[];

/** SQL list literal of a closed set, for CHECK constraints (values are compile-time constants, never user input). */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** The segment dimensions metrics can be filtered and broken down by (stored in keys' and targets' filters). */
export const DIMENSIONS = ['channel', 'product', 'tier', 'priority', 'team', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Per-dimension filter values (IN lists); an absent or undefined entry means no filter on that dimension. */
export type SegmentFilter = Partial<Record<Dimension, readonly string[]>>;

/**
 * The roles an API key can have: admin (everything), analyst (reads all data), partner (reads its scope), ingest (writes
 * records through POST /ingest/<entity> and reads nothing; docs/security.md).
 */
export const ROLES = ['admin', 'analyst', 'partner', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
