import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';

// Every source file is as Prettier formats it (.prettierrc.json); `npm run format` rewrites the ones that are not.
describe('format', () => {
  it('every TypeScript and script file is formatted by Prettier', () => {
    const root = projectRoot();
    let unformatted = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--list-different', '.'], {
        cwd: root,
        encoding: 'utf8',
      });
    } catch (err) {
      unformatted = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(unformatted.split('\n').filter(Boolean)).toEqual([]);
  }, 120_000);
});
