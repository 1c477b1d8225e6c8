import { CHANNELS, MESSAGE_AUTHORS, PRIORITIES, SURVEY_KINDS, SURVEY_SCALES, type SurveyKind } from '../data/domain';
import type { DatasetFile } from './dataset-source';
import {
  compareCells,
  enumParser,
  integerParser,
  numberParser,
  parseBoolean,
  parseDate,
  parseNonNegativeDecimal,
  parseText,
  parseTimestamp,
  type CellParser,
  type ParsedCell,
} from './field-parsers';

/** Tables a source id can point into. */
export const REFERENCED_TABLES = ['customers', 'agents', 'tickets'] as const;
export type ReferencedTable = (typeof REFERENCED_TABLES)[number];

/** Whether records of other files may refer to this table's records. */
export const isReferenced = (table: string): table is ReferencedTable => (REFERENCED_TABLES as readonly string[]).includes(table);

/** One column of a contract file: how it is checked and how it is stored. */
export interface ColumnSpec {
  name: string;
  parse: CellParser;
  /** PostgreSQL type of the unnest() array the column travels in. */
  sqlType: 'text' | 'timestamptz' | 'date' | 'boolean' | 'integer' | 'float8' | 'numeric';
  required: boolean;
  /** Stored when the cell is empty. */
  defaultText?: string;
  /** The cell is a source id of this table, stored as its internal id (checked in SQL per batch). */
  references?: ReferencedTable;
  /** Most characters (Unicode code points) a text cell may hold; the validator rejects longer ones. */
  maxLength?: number;
}

/** A rule across several cells of one record; runs only when those cells parsed. */
export interface RowCheck {
  columns: string[];
  /** Returns the offending column and reason, or undefined when the record is fine. */
  check(cells: ParsedCell[]): { column: string; reason: string } | undefined;
}

/** Everything the importer knows about one file of the contract. */
export interface FileSpec {
  file: DatasetFile;
  table: string;
  /** The source id column, stored as external_id; absent for files keyed by other columns. */
  idColumn?: string;
  /** Columns that identify a record (unique per file, the upsert key). */
  keyColumns: string[];
  columns: ColumnSpec[];
  checks: RowCheck[];
}

// Ids and segment values are indexed, and a btree entry holds at most 2704 bytes: 200 characters take 800 bytes at
// most (4 bytes each in UTF-8), with room for the index's other columns. Text no index covers may be longer.
const ID_LENGTH = 200;
const SEGMENT_LENGTH = 200;
const NAME_LENGTH = 1000;

const text = (name: string, required: boolean, maxLength: number, references?: ReferencedTable): ColumnSpec => ({
  name,
  parse: parseText,
  sqlType: 'text',
  required,
  references,
  maxLength,
});
/** A source id: this file's own, or one of another file's records. */
const id = (name: string, required: boolean, references?: ReferencedTable) => text(name, required, ID_LENGTH, references);
/** A value metrics are broken down by (tier, product, team). */
const segment = (name: string, required: boolean) => text(name, required, SEGMENT_LENGTH);
const timestamp = (name: string, required: boolean): ColumnSpec => ({ name, parse: parseTimestamp, sqlType: 'timestamptz', required });
const channel = (required: boolean): ColumnSpec => ({ name: 'channel', parse: enumParser('channel', CHANNELS), sqlType: 'text', required });
const priority = (required: boolean, defaultText?: string): ColumnSpec => ({
  name: 'priority',
  parse: enumParser('priority', PRIORITIES),
  sqlType: 'text',
  required,
  defaultText,
});

/** `later >= earlier` for two ordered cells. */
function notBefore(later: string, earlier: string): RowCheck {
  return {
    columns: [later, earlier],
    check: ([a, b]) => (compareCells(a, b) < 0 ? { column: later, reason: `${later} ${a.text} is before ${earlier} ${b.text}` } : undefined),
  };
}

/** `value <= limit` for two numeric cells. */
function notAbove(value: string, limit: string): RowCheck {
  return {
    columns: [value, limit],
    check: ([a, b]) => (a.order > b.order ? { column: value, reason: `${value} ${a.text} exceeds ${limit} ${b.text}` } : undefined),
  };
}

const surveyScoreInScale: RowCheck = {
  columns: ['kind', 'score'],
  check: ([kind, score]) => {
    const { min, max } = SURVEY_SCALES[kind.text as SurveyKind];
    return score.order < min || score.order > max
      ? { column: 'score', reason: `score ${score.text} is outside the ${kind.text} scale ${min}–${max}` }
      : undefined;
  },
};

/** Every file of docs/data-contract.md, keyed by name. */
export const FILE_SPECS: Record<DatasetFile, FileSpec> = {
  customers: {
    file: 'customers',
    table: 'customers',
    idColumn: 'customer_id',
    keyColumns: ['customer_id'],
    columns: [
      id('customer_id', true),
      segment('tier', true),
      segment('product', false),
      timestamp('signed_up_at', true),
      timestamp('churned_at', false),
    ],
    checks: [notBefore('churned_at', 'signed_up_at')],
  },
  agents: {
    file: 'agents',
    table: 'agents',
    idColumn: 'agent_id',
    keyColumns: ['agent_id'],
    columns: [id('agent_id', true), text('name', true, NAME_LENGTH), segment('team', false)],
    checks: [],
  },
  tickets: {
    file: 'tickets',
    table: 'tickets',
    idColumn: 'ticket_id',
    keyColumns: ['ticket_id'],
    columns: [
      id('ticket_id', true),
      id('customer_id', false, 'customers'),
      channel(true),
      segment('product', false),
      priority(false, 'normal'),
      timestamp('created_at', true),
      timestamp('first_response_at', false),
      timestamp('resolved_at', false),
      timestamp('abandoned_at', false),
      { name: 'escalated', parse: parseBoolean, sqlType: 'boolean', required: false, defaultText: 'false' },
      { name: 'reopened_count', parse: integerParser(0, 2147483647), sqlType: 'integer', required: false, defaultText: '0' },
      id('assignee_id', false, 'agents'),
    ],
    checks: [
      notBefore('first_response_at', 'created_at'),
      notBefore('resolved_at', 'created_at'),
      notBefore('abandoned_at', 'created_at'),
      {
        columns: ['abandoned_at', 'resolved_at'],
        check: () => ({
          column: 'abandoned_at',
          reason: 'a ticket cannot be both abandoned and resolved (abandoned_at and resolved_at are both set)',
        }),
      },
    ],
  },
  messages: {
    file: 'messages',
    table: 'messages',
    idColumn: 'message_id',
    keyColumns: ['message_id'],
    columns: [
      id('message_id', true),
      id('ticket_id', true, 'tickets'),
      { name: 'author', parse: enumParser('author', MESSAGE_AUTHORS), sqlType: 'text', required: true },
      id('agent_id', false, 'agents'),
      timestamp('sent_at', true),
      { name: 'handle_seconds', parse: numberParser(0), sqlType: 'float8', required: false },
    ],
    checks: [
      {
        columns: ['author', 'agent_id'],
        check: ([author]) =>
          author.text === 'agent' ? undefined : { column: 'agent_id', reason: `agent_id is only for agent messages (author is ${author.text})` },
      },
    ],
  },
  surveys: {
    file: 'surveys',
    table: 'surveys',
    idColumn: 'survey_id',
    keyColumns: ['survey_id'],
    columns: [
      id('survey_id', true),
      { name: 'kind', parse: enumParser('survey kind', SURVEY_KINDS), sqlType: 'text', required: true },
      { name: 'score', parse: integerParser(-2147483648, 2147483647), sqlType: 'integer', required: true },
      timestamp('responded_at', true),
      id('ticket_id', false, 'tickets'),
      id('customer_id', false, 'customers'),
      channel(false),
      segment('product', false),
    ],
    checks: [surveyScoreInScale],
  },
  orders: {
    file: 'orders',
    table: 'orders',
    idColumn: 'order_id',
    keyColumns: ['order_id'],
    columns: [
      id('order_id', true),
      id('customer_id', true, 'customers'),
      { name: 'amount', parse: parseNonNegativeDecimal, sqlType: 'numeric', required: true },
      timestamp('ordered_at', true),
      segment('product', false),
    ],
    checks: [],
  },
  agent_activity: {
    file: 'agent_activity',
    table: 'agent_activity',
    keyColumns: ['agent_id', 'date'],
    columns: [
      id('agent_id', true, 'agents'),
      { name: 'date', parse: parseDate, sqlType: 'date', required: true },
      { name: 'available_seconds', parse: numberParser(0, true), sqlType: 'float8', required: true },
      { name: 'active_seconds', parse: numberParser(0), sqlType: 'float8', required: true },
    ],
    checks: [notAbove('active_seconds', 'available_seconds')],
  },
  sla_policies: {
    file: 'sla_policies',
    table: 'sla_policies',
    keyColumns: ['priority', 'channel'],
    columns: [
      priority(true),
      channel(false),
      // A target of zero minutes cannot be met by any ticket; the database requires targets > 0.
      { name: 'first_response_minutes', parse: numberParser(0, true), sqlType: 'float8', required: false },
      { name: 'resolution_minutes', parse: numberParser(0, true), sqlType: 'float8', required: false },
    ],
    checks: [],
  },
};
