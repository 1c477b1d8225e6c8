import { ESLint } from 'eslint';
import { projectRoot } from '../../src/config/project-root';

// The folder boundaries (eslint.config.mjs: no import cycles, the import direction between src/ folders, the
// forecasting library free of src/) are checked with the tests, so `npm test` stays the one command CI runs.
describe('lint', () => {
  it('finds no boundary, cycle or recommended-rule problems in src/ and forecasting/', async () => {
    const eslint = new ESLint({ cwd: projectRoot() });
    const results = await eslint.lintFiles(['src', 'forecasting']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(projectRoot().length + 1)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 180_000);
});
