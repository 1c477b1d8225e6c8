import { useEffect, useState } from 'react';
import { query } from './api';
import { formatInstant, formatValue } from './format';
import type { RecordsPageFragment, TileRecordsQueryVariables } from './gql/graphql';
import { TileRecordsQuery as RecordsDoc } from './queries';
import type { MetricField } from './tiles';

/** Records per page of the drill-down table. */
const PAGE_SIZE = 25;

/** The period and filters the tiles were computed with: the records are read with exactly these. */
export type TileVariables = Pick<TileRecordsQueryVariables, 'period' | 'channel' | 'product' | 'tier'>;

/**
 * The records behind one tile's value, a page at a time (Next follows the API's cursor; Previous goes back to a cursor
 * already seen). Identifiers are the source system's, so a support lead can open the ticket there.
 */
export function RecordsPanel({
  field,
  label,
  variables,
  apiKey,
  timezone,
  onClose,
}: {
  field: MetricField;
  label: string;
  variables: TileVariables;
  apiKey: string;
  timezone: string;
  onClose: () => void;
}) {
  // Cursors of the pages read so far: cursors[i] is the `after` of page i (null for the first).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<RecordsPageFragment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const after = cursors[cursors.length - 1];

  useEffect(() => {
    let current = true;
    setPage(null);
    query(RecordsDoc, { ...variables, first: PAGE_SIZE, after, [field]: true }, apiKey)
      .then(({ data }) => current && setPage(data[field]?.records ?? null))
      .catch((err: unknown) => current && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      current = false;
    };
  }, [field, variables, apiKey, after]);

  const start = (cursors.length - 1) * PAGE_SIZE;
  return (
    <section className="records" data-records-for={field} data-total={page?.totalCount ?? ''} aria-busy={page === null}>
      <header>
        <h2>
          {label}: {page ? `${page.totalCount.toLocaleString('en-US')} records` : 'loading…'}
          {page && page.nodes.length > 0 && (
            <span>
              {' '}
              · {start + 1}–{start + page.nodes.length}
            </span>
          )}
        </h2>
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!page?.pageInfo.hasNextPage}
          onClick={() => page && setCursors([...cursors, page.pageInfo.endCursor ?? null])}
        >
          Next
        </button>
        <button type="button" className="quiet" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <table>
          <thead>
            <tr>
              <th>record</th>
              <th>ticket</th>
              <th>customer</th>
              <th>channel</th>
              <th>product</th>
              <th>tier</th>
              <th>priority</th>
              <th>agent</th>
              <th>at ({timezone})</th>
              <th>counted</th>
            </tr>
          </thead>
          <tbody>
            {page.nodes.map((r) => (
              <tr key={`${r.recordType}:${r.sourceId}`} data-source-id={r.sourceId}>
                <td>
                  {r.recordType.toLowerCase().replace('_', ' ')} {r.sourceId}
                </td>
                <td>{r.ticketId ?? ''}</td>
                <td>{r.customerId ?? ''}</td>
                <td>{r.channel ?? ''}</td>
                <td>{r.product ?? ''}</td>
                <td>{r.tier ?? ''}</td>
                <td>{r.priority ?? ''}</td>
                <td>{r.agent ?? ''}</td>
                <td>{formatInstant(r.eventAt, timezone)}</td>
                <td>{page.quantityUnit && r.quantity !== null && r.quantity !== undefined ? formatValue(r.quantity, page.quantityUnit) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
