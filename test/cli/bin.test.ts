import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');

// The installed command runs the compiled CLI (npm ci builds it); this is what `npx deskmetrics …` executes.
describe('bin/deskmetrics.js', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm ci does it) before the tests');
    }
  });

  it('runs the command line: help lists every command', async () => {
    const { stdout } = await run('node', [BIN, '--help']);
    for (const command of ['serve', 'import', 'sync', 'demo', 'schema', 'keys', 'forecast', 'staffing-plan']) expect(stdout).toContain(command);
  });

  it('runs the loading commands in a child process with a 64 MB young generation and no pretenuring, the others in its own', async () => {
    // Each process of the command reports its Node.js flags (NODE_OPTIONS reaches both the wrapper and its child).
    const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-bin-'));
    const probe = join(dir, 'probe.js');
    writeFileSync(probe, `require('fs').appendFileSync(${JSON.stringify(join(dir, 'flags'))}, JSON.stringify(process.execArgv) + '\\n')`);
    const env = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    const flags = () =>
      readFileSync(join(dir, 'flags'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[]);
    try {
      const { stdout } = await run(BIN, ['demo', '--tickets', '20', '--out', join(dir, 'demo')], { env });
      expect(stdout).toContain('Wrote');
      expect(flags()).toEqual([[], ['--max-semi-space-size=64', '--no-allocation-site-pretenuring']]);
      rmSync(join(dir, 'flags'));
      await run(BIN, ['schema', '--help'], { env });
      expect(flags()).toEqual([[]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad option with its name and a non-zero exit code', async () => {
    await expect(run('node', [BIN, 'demo', '--tickets', 'lots'])).rejects.toMatchObject({
      code: expect.any(Number),
      stderr: expect.stringContaining('--tickets'),
    });
  });

  it('imports a folder from the command line', async () => {
    const { stdout } = await run('node', [BIN, 'import', join(__dirname, '..', 'fixtures', 'acceptance')], {
      env: { ...process.env, DATABASE_URL: '', DESKMETRICS_DATA_DIR: 'memory://', NODE_OPTIONS: '' },
    });
    expect(stdout).toMatch(/tickets\.csv\s+400\s+400/);
  }, 60_000);

  it('prints a forecast as CSV from the command line, and names a bad option', async () => {
    const env = { ...process.env, DATABASE_URL: '', DESKMETRICS_DATA_DIR: 'memory://', NODE_OPTIONS: '', LOG_LEVEL: 'silent' };
    const history = ['--from', '2025-01-06T00:00:00Z', '--to', '2025-03-03T00:00:00Z'];
    // An empty database forecasts zeros: this is about the command, its options and its output.
    const { stdout } = await run('node', [BIN, 'forecast', ...history, '--horizon', '2', '--levels', '80', '--levels', '95', '--csv'], { env });
    expect(stdout.trim().split('\n')).toEqual([
      'start,local_start,forecast,lower_80,upper_80,lower_95,upper_95',
      '2025-03-03T00:00:00.000Z,2025-03-03T00:00:00,0,0,0,0,0',
      '2025-03-04T00:00:00.000Z,2025-03-04T00:00:00,0,0,0,0,0',
    ]);
    await expect(run('node', [BIN, 'forecast', ...history, '--horizon', 'soon'], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: --horizon: expected a whole number/m),
    });
  }, 60_000);
});
