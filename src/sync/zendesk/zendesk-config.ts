import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { CONTRACT_CHANNELS } from './zendesk-mapping';

/** What differs per Zendesk account: the `--config zendesk.json` file (docs/zendesk.md). Every field is optional. */
const channel = z.enum(CONTRACT_CHANNELS);
const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a Zendesk id (digits)')]).transform(String);
const name = z.string().min(1).max(200);

/** The via channels whose comments are bots' by default: triggers, automations and the answer bots. */
const BOT_VIAS = [
  'rule',
  'automation',
  'answer_bot',
  'answer_bot_for_agents',
  'answer_bot_api',
  'answer_bot_for_sdk',
  'answer_bot_for_slack',
  'answer_bot_for_web_widget',
];

export const ZENDESK_CONFIG_SCHEMA = z.strictObject({
  /** via.channel values → contract channels, over the defaults. */
  channels: z.record(z.string().min(1), channel).default({}),
  /** The channel of via.channel values neither the defaults nor `channels` name. */
  defaultChannel: channel.default('web'),
  product: z
    .strictObject({
      customFieldId: id.optional(),
      tagPrefix: z.string().min(1).optional(),
      brands: z.record(z.string().regex(/^\d+$/, 'brand ids are digits'), name).optional(),
    })
    .default({}),
  tier: z
    .strictObject({
      organizationField: z.string().min(1).optional(),
      /** For end users without organization (customers of their own): the user field (`user_fields` key) of the tier. */
      userField: z.string().min(1).optional(),
      tagPrefix: z.string().min(1).optional(),
      default: name.default('unknown'),
    })
    .default({ default: 'unknown' }),
  bots: z
    .strictObject({
      userIds: z.array(id).default([]),
      via: z.array(z.string().min(1)).default(BOT_VIAS),
    })
    .default({ userIds: [], via: BOT_VIAS }),
  satisfaction: z
    .strictObject({
      good: z.number().int().min(1).max(5).default(5),
      bad: z.number().int().min(1).max(5).default(1),
    })
    .default({ good: 5, bad: 1 }),
  escalation: z.strictObject({ tags: z.array(z.string().min(1)).default([]) }).default({ tags: [] }),
  /** Requests per minute to the incremental export endpoints (10 by Zendesk's default; 30 with the high-volume add-on). */
  requestsPerMinute: z.number().int().min(1).max(1000).default(10),
  /** Records per page asked of the endpoints that take a page size. */
  pageSize: z.number().int().min(1).max(1000).default(1000),
});

export type ZendeskConfig = z.infer<typeof ZENDESK_CONFIG_SCHEMA>;

/** A config file (or an object) that does not fit the schema; the message names each field. */
export class ZendeskConfigError extends Error {}

/** Validates a config object; `where` prefixes each problem (the file name). */
export function parseZendeskConfig(value: unknown, where = 'zendesk config'): ZendeskConfig {
  const result = ZENDESK_CONFIG_SCHEMA.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    return `${where}: ${path} — ${issue.message}`;
  });
  throw new ZendeskConfigError(lines.join('\n'));
}

/** Reads and validates `--config <file>`; no file gives the defaults. */
export function loadZendeskConfig(file: string | undefined): ZendeskConfig {
  if (!file) return parseZendeskConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ZendeskConfigError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ZendeskConfigError(`${basename(file)}: not valid JSON (${(err as Error).message})`);
  }
  return parseZendeskConfig(value, basename(file));
}
