/**
 * An independent check of the data contract (docs/data-contract.md) over a whole generated dataset held in memory:
 * every per-record rule, plus the rules across records (unique ids, references, messages after their ticket).
 * Kept separate from the importer on purpose, so the generator is checked against the contract's text, not the importer.
 */
import type { DatasetFile, RawValue } from '../../src/import/dataset-source';
import { DATASET_FILES } from '../../src/import/dataset-source';

type Row = Record<string, RawValue>;
export type Dataset = Record<DatasetFile, Row[]>;

export const CONTRACT_COLUMNS: Record<DatasetFile, { required: string[]; optional: string[] }> = {
  customers: { required: ['customer_id', 'tier', 'signed_up_at'], optional: ['product', 'churned_at'] },
  agents: { required: ['agent_id', 'name'], optional: ['team'] },
  tickets: {
    required: ['ticket_id', 'channel', 'created_at'],
    optional: [
      'customer_id',
      'product',
      'priority',
      'first_response_at',
      'resolved_at',
      'abandoned_at',
      'escalated',
      'reopened_count',
      'assignee_id',
    ],
  },
  messages: { required: ['message_id', 'ticket_id', 'author', 'sent_at'], optional: ['agent_id', 'handle_seconds'] },
  surveys: { required: ['survey_id', 'kind', 'score', 'responded_at'], optional: ['ticket_id', 'customer_id', 'channel', 'product'] },
  orders: { required: ['order_id', 'customer_id', 'amount', 'ordered_at'], optional: ['product'] },
  agent_activity: { required: ['agent_id', 'date', 'available_seconds', 'active_seconds'], optional: [] },
  sla_policies: { required: ['priority'], optional: ['channel', 'first_response_minutes', 'resolution_minutes'] },
};

const CHANNELS = new Set(['email', 'chat', 'phone', 'social', 'web', 'messaging']);
const PRIORITIES = new Set(['low', 'normal', 'high', 'urgent']);
const AUTHORS = new Set(['customer', 'agent', 'bot']);
const SCALES: Record<string, [number, number]> = { csat: [1, 5], nps: [0, 10], ces: [1, 7] };
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch milliseconds of a contract timestamp, or NaN when it is not one (no offset, impossible date). */
export function instant(v: RawValue): number {
  if (typeof v !== 'string') return NaN;
  const m = TIMESTAMP.exec(v);
  if (!m) return NaN;
  const ms = Date.parse(v);
  // Date.parse rolls impossible dates over; compare the local calendar fields back.
  const offset = m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  const local = new Date(ms + offset * 60_000);
  if (local.getUTCFullYear() !== Number(m[1]) || local.getUTCMonth() + 1 !== Number(m[2]) || local.getUTCDate() !== Number(m[3])) return NaN;
  return ms;
}

const empty = (v: RawValue | undefined) => v === null || v === undefined || v === '';

/** Collects the problems of a dataset (at most `limit`); an empty list means every rule holds. */
export function contractProblems(data: Dataset, options: { before?: number; limit?: number } = {}): string[] {
  const problems: string[] = [];
  const limit = options.limit ?? 50;
  const bad = (file: string, i: number, reason: string) => {
    if (problems.length < limit) problems.push(`${file}[${i}]: ${reason}`);
  };
  const ts = (file: string, i: number, row: Row, col: string, required: boolean): number => {
    const v = row[col];
    if (empty(v)) {
      if (required) bad(file, i, `${col} is required`);
      return NaN;
    }
    const t = instant(v);
    if (Number.isNaN(t)) bad(file, i, `${col} ${JSON.stringify(v)} is not a timestamp with offset`);
    else if (options.before !== undefined && t >= options.before) bad(file, i, `${col} ${String(v)} is not before the dataset's end`);
    return t;
  };
  const unique = (file: string, key: (r: Row) => string) => {
    const seen = new Set<string>();
    data[file as DatasetFile].forEach((r, i) => {
      const k = key(r);
      if (seen.has(k)) bad(file, i, `duplicate key ${k}`);
      seen.add(k);
    });
    return seen;
  };

  for (const file of DATASET_FILES) {
    const { required, optional } = CONTRACT_COLUMNS[file];
    const known = new Set([...required, ...optional]);
    data[file].forEach((row, i) => {
      for (const col of Object.keys(row)) if (!known.has(col)) bad(file, i, `unknown column ${col}`);
      for (const col of required) if (empty(row[col])) bad(file, i, `${col} is required`);
    });
  }

  const customers = unique('customers', (r) => String(r.customer_id));
  data.customers.forEach((r, i) => {
    const s = ts('customers', i, r, 'signed_up_at', true);
    const c = ts('customers', i, r, 'churned_at', false);
    if (c < s) bad('customers', i, 'churned_at before signed_up_at');
  });
  const agents = unique('agents', (r) => String(r.agent_id));

  const tickets = new Map<string, number>();
  data.tickets.forEach((r, i) => {
    const id = String(r.ticket_id);
    if (tickets.has(id)) bad('tickets', i, `duplicate ticket_id ${id}`);
    if (!empty(r.customer_id) && !customers.has(String(r.customer_id))) bad('tickets', i, `unknown customer ${String(r.customer_id)}`);
    if (!CHANNELS.has(String(r.channel))) bad('tickets', i, `bad channel ${String(r.channel)}`);
    if (!empty(r.priority) && !PRIORITIES.has(String(r.priority))) bad('tickets', i, `bad priority ${String(r.priority)}`);
    const created = ts('tickets', i, r, 'created_at', true);
    tickets.set(id, created);
    for (const col of ['first_response_at', 'resolved_at', 'abandoned_at']) {
      const t = ts('tickets', i, r, col, false);
      if (t < created) bad('tickets', i, `${col} before created_at`);
    }
    if (!empty(r.resolved_at) && !empty(r.abandoned_at)) bad('tickets', i, 'both abandoned and resolved');
    if (!empty(r.escalated) && r.escalated !== true && r.escalated !== false && r.escalated !== 'true' && r.escalated !== 'false')
      bad('tickets', i, 'bad escalated');
    if (!empty(r.reopened_count) && !(Number.isInteger(Number(r.reopened_count)) && Number(r.reopened_count) >= 0))
      bad('tickets', i, 'bad reopened_count');
    if (!empty(r.assignee_id) && !agents.has(String(r.assignee_id))) bad('tickets', i, `unknown assignee ${String(r.assignee_id)}`);
  });

  unique('messages', (r) => String(r.message_id));
  data.messages.forEach((r, i) => {
    const created = tickets.get(String(r.ticket_id));
    if (created === undefined) bad('messages', i, `unknown ticket ${String(r.ticket_id)}`);
    if (!AUTHORS.has(String(r.author))) bad('messages', i, `bad author ${String(r.author)}`);
    if (!empty(r.agent_id)) {
      if (r.author !== 'agent') bad('messages', i, 'agent_id on a non-agent message');
      if (!agents.has(String(r.agent_id))) bad('messages', i, `unknown agent ${String(r.agent_id)}`);
    }
    const sent = ts('messages', i, r, 'sent_at', true);
    if (created !== undefined && sent < created) bad('messages', i, 'sent_at before the ticket was created');
    if (!empty(r.handle_seconds) && !(Number(r.handle_seconds) >= 0)) bad('messages', i, 'bad handle_seconds');
  });

  unique('surveys', (r) => String(r.survey_id));
  data.surveys.forEach((r, i) => {
    const scale = SCALES[String(r.kind)];
    if (!scale) bad('surveys', i, `bad kind ${String(r.kind)}`);
    const score = Number(r.score);
    if (!Number.isInteger(score) || (scale && (score < scale[0] || score > scale[1])))
      bad('surveys', i, `score ${String(r.score)} outside the scale`);
    ts('surveys', i, r, 'responded_at', true);
    if (!empty(r.ticket_id) && !tickets.has(String(r.ticket_id))) bad('surveys', i, `unknown ticket ${String(r.ticket_id)}`);
    if (!empty(r.customer_id) && !customers.has(String(r.customer_id))) bad('surveys', i, `unknown customer ${String(r.customer_id)}`);
    if (!empty(r.channel) && !CHANNELS.has(String(r.channel))) bad('surveys', i, 'bad channel');
  });

  unique('orders', (r) => String(r.order_id));
  data.orders.forEach((r, i) => {
    if (!customers.has(String(r.customer_id))) bad('orders', i, `unknown customer ${String(r.customer_id)}`);
    if (!/^\d+(\.\d+)?$/.test(String(r.amount))) bad('orders', i, `bad amount ${String(r.amount)}`);
    ts('orders', i, r, 'ordered_at', true);
  });

  unique('agent_activity', (r) => `${String(r.agent_id)}/${String(r.date)}`);
  data.agent_activity.forEach((r, i) => {
    if (!agents.has(String(r.agent_id))) bad('agent_activity', i, `unknown agent ${String(r.agent_id)}`);
    if (!DATE.test(String(r.date)) || Number.isNaN(Date.parse(`${String(r.date)}T00:00:00Z`))) bad('agent_activity', i, 'bad date');
    const available = Number(r.available_seconds);
    const active = Number(r.active_seconds);
    if (!(available > 0)) bad('agent_activity', i, 'available_seconds must be > 0');
    if (!(active >= 0 && active <= available)) bad('agent_activity', i, 'active_seconds outside 0..available_seconds');
  });

  unique('sla_policies', (r) => `${String(r.priority)}/${String(r.channel)}`);
  data.sla_policies.forEach((r, i) => {
    if (!PRIORITIES.has(String(r.priority))) bad('sla_policies', i, 'bad priority');
    if (!empty(r.channel) && !CHANNELS.has(String(r.channel))) bad('sla_policies', i, 'bad channel');
    for (const col of ['first_response_minutes', 'resolution_minutes'])
      if (!empty(r[col]) && !(Number(r[col]) > 0)) bad('sla_policies', i, `bad ${col}`);
  });
  return problems;
}

/** Every record of a source, in memory (for datasets of test size). */
export function collect(source: { valuesSync(file: DatasetFile): Iterable<Row> }): Dataset {
  const out = {} as Dataset;
  for (const file of DATASET_FILES) out[file] = [...source.valuesSync(file)];
  return out;
}
