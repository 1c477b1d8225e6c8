import { readFileSync } from 'node:fs';
import { printApiSchema, SCHEMA_FILE } from '../../src/server/schema';

describe('schema/schema.graphql', () => {
  it('is the schema the server builds (run `npm run schema` and commit the file when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema());
  });
});
