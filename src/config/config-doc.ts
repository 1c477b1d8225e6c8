import { CONFIG_VARIABLES } from './config';

const START = '<!-- configuration:start -->';
const END = '<!-- configuration:end -->';

/** docs/configuration.md's table, rendered from CONFIG_VARIABLES. */
export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_VARIABLES).map(([name, v]) => {
    const parsed = v.schema.safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '(unset)';
    return `| \`${name}\` | ${fallback} | ${v.description} |`;
  });
  return [START, '| variable | default | meaning |', '|---|---|---|', ...rows, END].join('\n');
}

/** The document with its configuration table replaced by the current one; throws when the markers are missing. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/configuration.md lacks the ${START} … ${END} markers`);
  return readme.slice(0, start) + renderConfigTable() + readme.slice(end + END.length);
}
