import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { runImportCommand } from '../../src/import/import-command';
import { BASE_DATASET, withLine, writeDataset, removeDatasets } from './dataset-helpers';

afterAll(() => removeDatasets());

/** A stream that keeps what was written, standing in for stdout/stderr. */
function capture(): NodeJS.WriteStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') }) as unknown as NodeJS.WriteStream & { text(): string };
}

describe('deskmetrics import', () => {
  // PGlite in memory by default; on PostgreSQL a throwaway schema, dropped afterwards.
  const schema = process.env.DATABASE_URL ? `test_cmd_${process.pid}_${randomBytes(3).toString('hex')}` : undefined;
  const config = loadConfig({ ...process.env, DESKMETRICS_DATA_DIR: 'memory://' }, { DATABASE_SCHEMA: schema });
  afterAll(async () => {
    if (!schema) return;
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  (schema ? it : it.skip)('says that it waits while another import holds the database, then imports', async () => {
    const holder = new Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${schema}` });
    await holder.connect();
    try {
      // Make sure the schema exists and is migrated, then hold the lock an import takes (import-dataset.ts' IMPORT_LOCK).
      expect(
        await runImportCommand(
          config,
          join(__dirname, '..', 'fixtures', 'acceptance'),
          { skipInvalid: false },
          { stdout: capture(), stderr: capture() },
        ),
      ).toBe(0);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(42109, hashtext(current_schema()))');
      const [stdout, stderr] = [capture(), capture()];
      const running = runImportCommand(config, join(__dirname, '..', 'fixtures', 'acceptance'), { skipInvalid: false }, { stdout, stderr });
      for (let i = 0; !stderr.text().includes('waiting for another import'); i++) {
        if (i > 300) throw new Error(`no wait message: ${stderr.text()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await holder.query('COMMIT');
      expect(await running).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('prints a summary per file and exits 0', async () => {
    const [stdout, stderr] = [capture(), capture()];
    const code = await runImportCommand(config, join(__dirname, '..', 'fixtures', 'acceptance'), { skipInvalid: false }, { stdout, stderr });
    expect(stderr.text()).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/^file\s+read\s+inserted\s+updated\s+unchanged\s+rejected\s+rows\/s$/m);
    expect(stdout.text()).toMatch(/^tickets\.csv\s+400\s+\d/m);
    expect(stdout.text()).toMatch(/^total\s+3,827\s/m);
    expect(stdout.text()).toMatch(/Imported 3,827 rows in .* rows\/s\)/);
    // The steps after the files are announced as they start: on a large database they outlast the files.
    const steps = stderr
      .text()
      .split('\n')
      .filter((l) => /^(deriving first responses|rebuilding indexes|refreshing rollups)$/.test(l));
    expect(steps).toEqual(['deriving first responses', 'rebuilding indexes', 'refreshing rollups']);
  });

  it('prints each problem as file:line column — reason with a count, and exits 1', async () => {
    const dir = writeDataset(withLine('tickets.csv', 'T9,C1,email,,,2025-02-05T10:00:00,,,,,,'));
    const [stdout, stderr] = [capture(), capture()];
    const code = await runImportCommand(config, dir, { skipInvalid: false }, { stdout, stderr });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/^tickets\.csv:5 created_at — created_at: timestamp "2025-02-05T10:00:00" has no UTC offset/m);
    expect(stderr.text()).toMatch(/1 problem; nothing was imported/);
  });

  it('with --skip-invalid loads the rest and names the report', async () => {
    const dir = writeDataset(withLine('tickets.csv', 'T9,C1,fax,,,2025-02-05T10:00:00Z,,,,,,'));
    const [stdout, stderr] = [capture(), capture()];
    const code = await runImportCommand(config, dir, { skipInvalid: true, report: join(dir, 'rejected.csv') }, { stdout, stderr });
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/1 rejected rows are listed with their reasons in .*rejected\.csv/);
  });

  it('exits 1 for a folder without tickets, before touching the database', async () => {
    const [stdout, stderr] = [capture(), capture()];
    const code = await runImportCommand(
      config,
      writeDataset({ 'agents.csv': BASE_DATASET['agents.csv'] }),
      { skipInvalid: false },
      { stdout, stderr },
    );
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/tickets\.csv — required file is missing/);
  });
});
