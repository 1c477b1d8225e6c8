import type { DocumentNode } from 'graphql';

/** Operations (name and variables) remembered per document; beyond this a document's entries are dropped and rebuilt. */
const MAX_ENTRIES_PER_DOCUMENT = 64;

/**
 * Remembers the estimated cost of an operation by its parsed document, operation name, variables and variant. Apollo hands the
 * same DocumentNode to every request with the same query text (its parsed-document cache), so a dashboard sent again
 * is charged without walking its fields again; documents that are no longer cached by Apollo are released with them.
 */
export class CostCache {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, number>>();

  /**
   * The cached cost, or the one `estimate` computes (errors are thrown, not cached). `variant` holds whatever else the
   * estimate depends on (the caller's scope, which can send a read to the raw tables).
   */
  costOf(
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
    estimate: () => number,
    variant = '',
  ): number {
    const key = JSON.stringify([operationName ?? null, variables, variant]);
    let costs = this.byDocument.get(document);
    const known = costs?.get(key);
    if (known !== undefined) return known;
    const cost = estimate();
    if (!costs) this.byDocument.set(document, (costs = new Map()));
    else if (costs.size >= MAX_ENTRIES_PER_DOCUMENT) costs.clear();
    costs.set(key, cost);
    return cost;
  }
}
