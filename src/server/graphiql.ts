import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# deskmetrics: ticket volume per month for a quarter, by channel filter
query TicketVolume {
  ticketVolume(period: { from: "2026-07-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }) {
    value
    sampleSize
    series(granularity: MONTH) { localStart value }
  }
}
`;

let page: string | undefined;

/** The GraphiQL explorer page; its scripts and styles are inlined from npm, so it works with no internet access. */
export function graphiqlPage(endpoint: string): string {
  page ??= renderGraphiQL({ endpoint, title: 'deskmetrics GraphQL explorer', defaultQuery: DEFAULT_QUERY } as Parameters<typeof renderGraphiQL>[0]);
  return page;
}
