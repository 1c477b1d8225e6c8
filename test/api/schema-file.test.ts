import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config/config';
import { projectRoot } from '../../src/config/project-root';
import { renderMetricsDoc } from '../../src/metrics/metrics-doc';
import { withConfigTable } from '../../src/config/config-doc';
import { withRollupsTables } from '../../src/metrics/rollups/rollups-doc';
import { METRICS_DOC_FILE, printApiSchema, CONFIG_DOC_FILE, ROLLUPS_DOC_FILE, SCHEMA_FILE } from '../../src/server/schema';

describe('generated files (run `npm run schema` and commit them when these fail)', () => {
  it('schema/schema.graphql is the schema the server builds', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema());
  });

  it("docs/configuration.md's table lists every setting with its default", () => {
    const doc = readFileSync(CONFIG_DOC_FILE, 'utf8');
    expect(doc).toBe(withConfigTable(doc));
  });

  it("the README's short list of settings names only settings that exist", () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Using PostgreSQL'));
    const named = [...section.matchAll(/`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !(name in CONFIG_VARIABLES))).toEqual([]);
  });

  it("docs/rollups.md's tables of rollups, measure columns and raw-only metrics follow the registry", () => {
    const doc = readFileSync(ROLLUPS_DOC_FILE, 'utf8');
    expect(doc).toBe(withRollupsTables(doc));
  });

  it('docs/metrics.md is rendered from the current registry', () => {
    expect(readFileSync(METRICS_DOC_FILE, 'utf8')).toBe(renderMetricsDoc());
  });
});
