import type { TypedDocumentString } from './gql/graphql';

/** The API refused the key (401/403): the page asks for another. */
export class KeyRefused extends Error {}

interface Cached {
  etag: string;
  data: unknown;
}

// Last answer per URL: a refresh sends its ETag as If-None-Match, and the server answers 304 (no query run, no body)
// while the data has not changed (src/server/conditional-get.ts).
const answers = new Map<string, Cached>();

/** How the last request of a document was answered, for the page's "refreshed" line. */
export type Freshness = 'new' | 'unchanged';

/**
 * Runs a query as a GET request, so unchanged data costs a 304. The key goes only in the Authorization header;
 * `apollo-require-preflight` satisfies the API's CSRF protection for GET requests.
 */
export async function query<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  key: string,
): Promise<{ data: TResult; freshness: Freshness }> {
  const params = new URLSearchParams({ query: document.toString() });
  if (variables && Object.keys(variables).length > 0) params.set('variables', JSON.stringify(variables));
  const url = `/graphql?${params}`;
  const cached = answers.get(url);
  const headers: Record<string, string> = { Authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true', Accept: 'application/json' };
  if (cached) headers['If-None-Match'] = cached.etag;
  // no-store: the ETag bookkeeping is this module's, not the browser cache's.
  const res = await fetch(url, { headers, cache: 'no-store' });
  if (res.status === 304 && cached) return { data: cached.data as TResult, freshness: 'unchanged' };
  if (res.status === 401 || res.status === 403) throw new KeyRefused(await errorMessage(res));
  const body = (await res.json().catch(() => null)) as { data?: TResult; errors?: { message: string }[] } | null;
  if (!res.ok || !body || body.errors?.length || !body.data) {
    throw new Error(body?.errors?.map((e) => e.message).join('; ') || `HTTP ${res.status}`);
  }
  const etag = res.headers.get('ETag');
  if (etag) answers.set(url, { etag, data: body.data });
  return { data: body.data, freshness: 'new' };
}

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { errors?: { message: string }[] } | null;
  return body?.errors?.[0]?.message ?? `HTTP ${res.status}`;
}
