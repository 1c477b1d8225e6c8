import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadConfig, type Config } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { loadDemoIfEmpty, runDemoCommand, tablesWithData } from '../../src/demo/demo-command';
import { demoSource } from '../../src/demo/demo-source';
import { DATASET_FILES } from '../../src/import/dataset-source';
import { folderSource, importDataset } from '../../src/import';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A stand-in for stdout/stderr that keeps what was written. */
function capture() {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

function outputs() {
  const stdout = capture();
  const stderr = capture();
  return { output: { stdout: stdout.stream, stderr: stderr.stream }, stdout: stdout.text, stderr: stderr.text };
}

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `deskmetrics-demo-${name}-`));
const config = loadConfig({ ...process.env, DESKMETRICS_DATA_DIR: 'memory://' });

/** Rows per table of a database. */
async function tableCounts(db: TestDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const file of DATASET_FILES) {
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM "${file}"`);
    out[file] = n;
  }
  return out;
}

/** Records per file of a demo dataset. */
function generatedCounts(options: { tickets: number; seed: number }): Record<string, number> {
  const source = demoSource(options);
  const out: Record<string, number> = {};
  for (const file of DATASET_FILES) {
    let n = 0;
    for (const _ of source.valuesSync(file)) n++;
    out[file] = n;
  }
  return out;
}

describe('deskmetrics demo --out', () => {
  const parent = tmp('out');
  const dir = join(parent, 'dataset');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('writes every contract file as CSV, the same records as the generator', async () => {
    const { output, stdout } = outputs();
    expect(await runDemoCommand(config, { tickets: 1000, seed: 5, out: dir }, output)).toBe(0);
    expect(stdout()).toMatch(/tickets\.csv\s+1,000 rows/);
    expect(stdout()).toMatch(/Wrote [\d,]+ rows/);
    const source = demoSource({ tickets: 1000, seed: 5 });
    for (const file of DATASET_FILES) {
      const text = readFileSync(join(dir, `${file}.csv`), 'utf8');
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      const expected = [...source.valuesSync(file)].map((v) =>
        Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? '' : String(x)])),
      );
      expect(rows).toEqual(expected);
    }
    // Booleans are written as the contract's true/false.
    expect(readFileSync(join(dir, 'tickets.csv'), 'utf8')).toMatch(/,(true|false),/);
  });

  it('refuses a folder that already holds a dataset, leaving it as it was', async () => {
    const before = readFileSync(join(dir, 'tickets.csv'), 'utf8');
    const { output, stderr } = outputs();
    expect(await runDemoCommand(config, { tickets: 50, seed: 6, out: dir }, output)).toBe(1);
    expect(stderr()).toMatch(/already holds customers\.csv/);
    expect(readFileSync(join(dir, 'tickets.csv'), 'utf8')).toBe(before);
  });

  it.each([
    [{ tickets: 0, seed: 1 }, /--tickets must be a whole number/],
    [{ tickets: 10, seed: 1, end: '2026-02-31' }, /--end must be a date YYYY-MM-DD/],
  ])('rejects bad options %j with a message naming the option', async (options, message) => {
    const { output, stderr } = outputs();
    const out = join(tmpdir(), `deskmetrics-demo-never-written-${randomBytes(4).toString('hex')}`);
    expect(await runDemoCommand(config, { ...options, out }, output)).toBe(1);
    expect(stderr()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe('loading the demo into a database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('loads 2,000 demo tickets into an empty database with no rejected row, then leaves it alone', async () => {
    const messages: string[] = [];
    const log = (m: string) => messages.push(m);
    expect(await loadDemoIfEmpty(db.dataSource, { tickets: 2000, seed: 42, log })).toBe(true);
    expect(messages[0]).toMatch(/^empty database: loading a demo dataset \(2,000 tickets, seed 42, 2024-11-01 to 2026-10-31\)/);
    expect(messages[1]).toMatch(/^demo data loaded: [\d,]+ records/);

    const [run] = await db.dataSource.query(`SELECT summary FROM import_runs`);
    expect(run.summary.total.rejected).toBe(0);
    expect(run.summary.derivedFirstResponses).toBeGreaterThan(100);
    expect(await tableCounts(db)).toEqual(generatedCounts({ tickets: 2000, seed: 42 }));
    const [derived] = await db.dataSource.query(`SELECT count(*)::int AS n FROM tickets WHERE first_response_derived`);
    expect(derived.n).toBeGreaterThan(100);

    expect(await loadDemoIfEmpty(db.dataSource, { tickets: 2000, seed: 43, log })).toBe(false);
    expect(messages[2]).toMatch(/database holds data: no demo data loaded/);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM import_runs`);
    expect(n).toBe(1);
  });
});

describe('a database with any data is never touched', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('sees a single settings row as data, and the CSV files of --out import without rejections', async () => {
    expect(await tablesWithData(db.dataSource)).toEqual([]);
    await db.dataSource.query(`INSERT INTO sla_policies (priority, channel, first_response_minutes) VALUES ('normal', NULL, 60)`);
    expect(await tablesWithData(db.dataSource)).toEqual(['sla_policies']);
    expect(await loadDemoIfEmpty(db.dataSource, { tickets: 100, seed: 1, log: () => undefined })).toBe(false);
    expect((await tableCounts(db)).tickets).toBe(0);
    await db.dataSource.query(`DELETE FROM sla_policies`);

    const parent = tmp('csv');
    const dir = join(parent, 'dataset');
    const { output } = outputs();
    expect(await runDemoCommand(config, { tickets: 1500, seed: 9, out: dir }, output)).toBe(0);
    const summary = await importDataset(db.dataSource, folderSource(dir));
    expect(summary.total.rejected).toBe(0);
    expect(summary.files.find((f) => f.file === 'tickets.csv')?.inserted).toBe(1500);
    rmSync(parent, { recursive: true, force: true });
  });
});

describe('deskmetrics demo (into the configured database)', () => {
  let settings: Config;
  let dataDir: string | undefined;
  beforeAll(() => {
    if (process.env.DATABASE_URL) {
      settings = loadConfig(process.env, { DATABASE_SCHEMA: `test_demo_${process.pid}_${randomBytes(4).toString('hex')}`, DATABASE_POOL_SIZE: 2 });
    } else {
      dataDir = tmp('pglite');
      settings = loadConfig({ ...process.env, DESKMETRICS_DATA_DIR: dataDir });
    }
  });
  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    else if (settings?.DATABASE_SCHEMA) {
      const db = await openDatabase(settings);
      await db.dataSource.query(`DROP SCHEMA "${settings.DATABASE_SCHEMA}" CASCADE`);
      await db.close();
    }
  });

  it('loads an empty database, then refuses it because it holds data', async () => {
    const first = outputs();
    expect(await runDemoCommand(settings, { tickets: 300, seed: 2 }, first.output)).toBe(0);
    expect(first.stderr()).toMatch(/loading the demo dataset \(300 tickets, seed 2/);
    expect(first.stdout()).toMatch(/demo:tickets\s+300\s+300/);

    const second = outputs();
    expect(await runDemoCommand(settings, { tickets: 300, seed: 3 }, second.output)).toBe(1);
    expect(second.stderr()).toMatch(/already holds data \(in customers, agents, tickets/);
    expect(second.stderr()).toMatch(/only loads into an empty database/);
  });
});

// Only dataset files block --out: other files in the folder are left as they are.
it('writes into a folder holding unrelated files', async () => {
  const dir = tmp('unrelated');
  writeFileSync(join(dir, 'notes.txt'), 'hello');
  const { output } = outputs();
  expect(await runDemoCommand(config, { tickets: 20, seed: 1, out: dir }, output)).toBe(0);
  expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('hello');
  rmSync(dir, { recursive: true, force: true });
});
