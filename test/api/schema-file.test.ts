import { readFileSync } from 'node:fs';
import { renderMetricsDoc } from '../../src/metrics/metrics-doc';
import { withConfigTable } from '../../src/config/config-doc';
import { METRICS_DOC_FILE, printApiSchema, README_FILE, SCHEMA_FILE } from '../../src/server/schema';

describe('generated files (run `npm run schema` and commit them when these fail)', () => {
  it('schema/schema.graphql is the schema the server builds', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema());
  });

  it("README.md's configuration table lists every setting with its default", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    expect(readme).toBe(withConfigTable(readme));
  });

  it('docs/metrics.md is rendered from the current registry', () => {
    expect(readFileSync(METRICS_DOC_FILE, 'utf8')).toBe(renderMetricsDoc());
  });
});
