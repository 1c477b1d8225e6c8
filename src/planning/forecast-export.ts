import { stringify } from 'csv-stringify/sync';
import type { IntervalRequirement } from './staffing-plan';

/**
 * The CSV exports for workforce-management tools: which GraphQL query each one runs, the fields it selects, and the
 * columns it writes (one row per forecast bucket or plan interval). The server runs the query as the caller, so the
 * export is the GraphQL answer, with its checks, scope and limits, in another format (docs/forecasts.md lists the columns).
 */

/** A parameter of an export whose value is not one GraphQL argument of the same name. */
export interface ComposedParameter {
  name: string;
  description: string;
  /** Takes several values (comma-separated or repeated). */
  list?: boolean;
}

/** One export: the query field it reads, its selection, the parameters composed into arguments, and its table. */
export interface ForecastExport {
  /** URL (`/export/<name>.csv`) and command name. */
  name: 'forecast' | 'staffing-plan';
  /** The Query field the export reads; its arguments are the export's parameters (but those `composed` replaces). */
  field: 'ticketVolumeForecast' | 'staffingPlan';
  description: string;
  selection: string;
  /** Arguments built from other parameters, and those parameters. */
  composed: { arguments: string[]; parameters: ComposedParameter[] };
  /** Builds the composed arguments from the string parameters; throws ExportParameterError naming a parameter. */
  compose(read: (name: string) => string | undefined): Record<string, unknown>;
  /** The table of an answer (the field's value). */
  table(answer: unknown): Table;
}

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** A value of a table: text, a number, a flag, an instant (the GraphQL executor's Date before serialisation) or none. */
export type Cell = string | number | boolean | Date | null;

/** A cell as CSV text: ISO 8601 for instants (as the API serialises them), full precision for numbers, empty for null. */
export function cellText(value: Cell): string {
  return value === null ? '' : value instanceof Date ? value.toISOString() : String(value);
}

/** A parameter of an export that cannot be read; the message starts with its name. */
export class ExportParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'ExportParameterError';
  }
}

const ADJUSTMENT_PARAMETERS: ComposedParameter[] = [
  { name: 'multiplier', description: 'volume scenario: multiply the baseline, e.g. 1.2 for +20% (adjustment.multiplier)' },
  {
    name: 'day',
    list: true,
    description: 'volume scenario for one local date, repeatable: DATE*MULTIPLIER (2026-12-24*0.5) or DATE=VOLUME (2026-12-26=400) (adjustment.days)',
  },
];

function number(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new ExportParameterError(name, `expected a number (got ${JSON.stringify(raw)})`);
  return n;
}

/** `multiplier` and `day` as the `adjustment` argument, or undefined when neither is given. */
function adjustmentOf(read: (name: string) => string | undefined): Record<string, unknown> | undefined {
  const multiplier = read('multiplier');
  const days = (read('day') ?? '').split(',').filter(Boolean);
  if (multiplier === undefined && !days.length) return undefined;
  return {
    ...(multiplier === undefined ? {} : { multiplier: number('multiplier', multiplier) }),
    ...(days.length
      ? {
          days: days.map((day) => {
            const m = /^(\d{4}-\d{2}-\d{2})([*=])(.+)$/.exec(day.trim());
            if (!m)
              throw new ExportParameterError('day', `expected DATE*MULTIPLIER or DATE=VOLUME, e.g. 2026-12-24*0.5 (got ${JSON.stringify(day)})`);
            return { date: m[1], [m[2] === '*' ? 'multiplier' : 'volume']: number('day', m[3]) };
          }),
        }
      : {}),
  };
}

const withAdjustment = (args: Record<string, unknown>, read: (name: string) => string | undefined) => {
  const adjustment = adjustmentOf(read);
  return adjustment ? { ...args, adjustment } : args;
};

/** The selected fields of an interval and of a forecast point, as the GraphQL answer has them. */
interface IntervalAnswer extends IntervalRequirement {
  start: string | Date;
  localStart: string;
  open: boolean;
  arrivals: number;
  carriedContacts: number;
}
interface PointAnswer {
  start: string | Date;
  localStart: string;
  value: number;
  intervals: { level: number; lower: number; upper: number }[];
}

const INTERVAL_FIELDS =
  'start localStart open arrivals carriedContacts contacts agents scheduledAgents serviceLevel averageSpeedOfAnswer occupancy abandonRate';
// `open` is the calendar's, the same in a scenario: one column, before the baseline's.
const INTERVAL_COLUMNS = [
  'arrivals',
  'carried_contacts',
  'contacts',
  'agents',
  'scheduled_agents',
  'service_level',
  'average_speed_of_answer',
  'occupancy',
  'abandon_rate',
];
const intervalValues = (i: IntervalAnswer) => [
  i.arrivals,
  i.carriedContacts,
  i.contacts,
  i.agents,
  i.scheduledAgents,
  i.serviceLevel,
  i.averageSpeedOfAnswer,
  i.occupancy,
  i.abandonRate,
];

export const STAFFING_PLAN_EXPORT: ForecastExport = {
  name: 'staffing-plan',
  field: 'staffingPlan',
  description: 'the staffing plan of a channel, one row per interval (with a scenario: its columns beside the baseline)',
  selection: `channel model intervals { ${INTERVAL_FIELDS} } scenario { intervals { ${INTERVAL_FIELDS} } }`,
  composed: { arguments: ['adjustment'], parameters: ADJUSTMENT_PARAMETERS },
  compose: (read) => withAdjustment({}, read),
  table(answer) {
    const plan = answer as { channel: string; intervals: IntervalAnswer[]; scenario: { intervals: IntervalAnswer[] } | null };
    const scenario = plan.scenario?.intervals;
    return {
      columns: ['channel', 'start', 'local_start', 'open', ...INTERVAL_COLUMNS, ...(scenario ? INTERVAL_COLUMNS.map((c) => `scenario_${c}`) : [])],
      rows: plan.intervals.map((i, k) => [
        plan.channel,
        i.start,
        i.localStart,
        i.open,
        ...intervalValues(i),
        ...(scenario ? intervalValues(scenario[k]) : []),
      ]),
    };
  },
};

const POINT_FIELDS = 'start localStart value intervals { level lower upper }';
const pointColumns = (levels: number[], prefix = '') => [
  `${prefix}forecast`,
  ...levels.flatMap((l) => [`${prefix}lower_${l}`, `${prefix}upper_${l}`]),
];
const pointValues = (p: PointAnswer) => [p.value, ...p.intervals.flatMap((iv) => [iv.lower, iv.upper])];

export const FORECAST_EXPORT: ForecastExport = {
  name: 'forecast',
  field: 'ticketVolumeForecast',
  description: 'the ticket volume forecast of a segment, one row per bucket (with a scenario: its columns beside the baseline)',
  selection: `forecast { ${POINT_FIELDS} } scenario { forecast { ${POINT_FIELDS} } }`,
  composed: {
    arguments: ['history', 'adjustment'],
    parameters: [
      { name: 'from', description: 'start of the history the model learns from, ISO-8601 (history.from)' },
      { name: 'to', description: 'end of the history (exclusive), where the forecast starts (history.to)' },
      { name: 'timezone', description: 'IANA time zone of the buckets (history.timezone, default UTC)' },
      ...ADJUSTMENT_PARAMETERS,
    ],
  },
  compose(read) {
    const history: Record<string, string> = {};
    for (const part of ['from', 'to', 'timezone']) {
      const value = read(part);
      if (value !== undefined) history[part] = value;
    }
    for (const part of ['from', 'to']) if (!history[part]) throw new ExportParameterError(part, 'is required');
    return withAdjustment({ history }, read);
  },
  table(answer) {
    const result = answer as { forecast: PointAnswer[]; scenario: { forecast: PointAnswer[] } | null };
    const levels = (result.forecast[0]?.intervals ?? []).map((iv) => iv.level);
    const scenario = result.scenario?.forecast;
    return {
      columns: ['start', 'local_start', ...pointColumns(levels), ...(scenario ? pointColumns(levels, 'scenario_') : [])],
      rows: result.forecast.map((p, k) => [p.start, p.localStart, ...pointValues(p), ...(scenario ? pointValues(scenario[k]) : [])]),
    };
  },
};

export const FORECAST_EXPORTS: readonly ForecastExport[] = [FORECAST_EXPORT, STAFFING_PLAN_EXPORT];

/** RFC 4180 CSV with a header row; null is an empty field, numbers keep their full precision. */
export function tableCsv(table: Table): string {
  return stringify([table.columns, ...table.rows.map((r) => r.map(cellText))]);
}
