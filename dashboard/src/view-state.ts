/** What the page shows, kept in the query string so a view can be bookmarked and shared. */
export interface View {
  /** First day (YYYY-MM-DD, in `tz`), inclusive; null until defaulted from the data. */
  from: string | null;
  /** Day after the last (YYYY-MM-DD, in `tz`), exclusive. */
  to: string | null;
  /** IANA time zone of the dates. */
  tz: string;
  channel: string[];
  product: string[];
  tier: string[];
  /** The metric of the breakdown and drivers panels (a GraphQL field). */
  metric: string;
  /** The dimension they split it by. */
  by: Dimension;
  /** The channel of the staffing plan; null: the first channel the data has. */
  staff: string | null;
}

export type Dimension = 'channel' | 'product' | 'tier';
export const DIMENSIONS: readonly Dimension[] = ['channel', 'product', 'tier'];
/** Left out of the query string when chosen, so a plain view keeps a short address. */
export const DEFAULT_METRIC = 'ticketVolume';
export const DEFAULT_BY: Dimension = 'channel';

export type ListFilter = 'channel' | 'product' | 'tier';
export const LIST_FILTERS: readonly ListFilter[] = ['channel', 'product', 'tier'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readView(search: string = window.location.search): View {
  const params = new URLSearchParams(search);
  const date = (name: string) => {
    const value = params.get(name);
    return value && DATE.test(value) ? value : null;
  };
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const by = params.get('by');
  return {
    from: date('from'),
    to: date('to'),
    tz: params.get('tz') || 'UTC',
    channel: list('channel'),
    product: list('product'),
    tier: list('tier'),
    // An unknown metric is kept: the page says it cannot break it down rather than silently showing another.
    metric: params.get('metric') || DEFAULT_METRIC,
    by: DIMENSIONS.includes(by as Dimension) ? (by as Dimension) : DEFAULT_BY,
    staff: params.get('staff') || null,
  };
}

export function viewSearch(view: View): string {
  const params = new URLSearchParams();
  if (view.from) params.set('from', view.from);
  if (view.to) params.set('to', view.to);
  if (view.tz !== 'UTC') params.set('tz', view.tz);
  for (const name of LIST_FILTERS) if (view[name].length > 0) params.set(name, view[name].join(','));
  if (view.metric !== DEFAULT_METRIC) params.set('metric', view.metric);
  if (view.by !== DEFAULT_BY) params.set('by', view.by);
  if (view.staff) params.set('staff', view.staff);
  // Commas and slashes (Europe/Berlin) are allowed in a query string: kept readable in the address bar.
  return `?${params.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/')}`;
}

/** A history entry per view, so Back returns to the previous one. */
export function writeView(view: View): void {
  window.history.pushState(null, '', window.location.pathname + viewSearch(view) + window.location.hash);
}
