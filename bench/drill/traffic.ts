/** Requests the drill sends to a server on 127.0.0.1: one dashboard-like query, and bounded load by concurrent clients. */

/** A query that reads tickets and messages (a value, a daily series, a duration with its median). */
export const DASHBOARD_QUERY = `{
  ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { value series(granularity: DAY) { value } }
  firstResponseTime(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { value median }
}`;

/** How one request ended: an HTTP answer (status, error code, Retry-After) or no answer (a network error). */
export interface Outcome {
  status: number | null;
  code?: string;
  retryAfter?: string | null;
  error?: string;
  ms: number;
}

/** POSTs a GraphQL query; never throws. */
export async function graphql(url: string, key: string, query = DASHBOARD_QUERY, timeoutMs = 30_000): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => ({}))) as { errors?: { extensions?: { code?: string } }[] };
    return {
      status: res.status,
      code: body.errors?.[0]?.extensions?.code,
      retryAfter: res.headers.get('retry-after'),
      ms: performance.now() - started,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: null, error: e.cause?.code ?? e.name, ms: performance.now() - started };
  }
}

/** GET /healthz; never throws. */
export async function healthz(url: string, timeoutMs = 30_000): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
  } catch (err) {
    return { status: null, error: (err as Error).name, ms: performance.now() - started };
  }
}

/** Load from concurrent clients, each sending one request after the other until stopped (or its bounds are reached). */
export interface Load {
  /** Stops sending new requests; resolves with every request's outcome once the ones in flight have ended. */
  stop(): Promise<Outcome[]>;
  /** Requests sent so far. */
  sent(): number;
  /** Requests in flight now. */
  inFlight(): number;
}

export function startLoad(url: string, key: string, options: { clients: number; maxRequests: number; maxSeconds: number }): Load {
  let stopped = false;
  let sent = 0;
  let inFlight = 0;
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + options.maxSeconds * 1000;
  const client = async () => {
    while (!stopped && sent < options.maxRequests && Date.now() < deadline) {
      sent++;
      inFlight++;
      outcomes.push(await graphql(url, key));
      inFlight--;
    }
  };
  const clients = Promise.all(Array.from({ length: options.clients }, client));
  return {
    async stop() {
      stopped = true;
      await clients;
      return outcomes;
    },
    sent: () => sent,
    inFlight: () => inFlight,
  };
}

/** "412× 200, 3× 503 DATABASE_UNAVAILABLE, 8× ECONNREFUSED". */
export function summarize(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const label = o.status === null ? (o.error ?? 'no answer') : `${o.status}${o.code ? ` ${o.code}` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n}× ${label}`).join(', ') || 'none';
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
