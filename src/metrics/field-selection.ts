import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** True when the field being resolved selects any of the given sub-fields (directly, or through fragments). */
export function selectsAny(info: GraphQLResolveInfo, names: readonly string[]): boolean {
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const s of set.selections) {
      if (s.kind === 'Field' && names.includes(s.name.value)) return true;
      if (s.kind === 'InlineFragment' && walk(s.selectionSet)) return true;
      if (s.kind === 'FragmentSpread' && !visited.has(s.name.value)) {
        visited.add(s.name.value);
        if (walk(info.fragments[s.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}

/** Sub-fields that need a duration's exact percentiles (read from the raw rows rather than a rollup). */
export const PERCENTILE_FIELDS = ['median', 'p90'] as const;
