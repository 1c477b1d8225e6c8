/**
 * Import benchmark: writes N synthetic tickets with about three messages each as contract CSV files, then imports them
 * into the configured database (DATABASE_URL / DATABASE_SCHEMA) and prints rows/s and peak memory.
 * Usage: node dist/bench/import-bench.js <tickets> [folder] [--keep]
 */
import 'reflect-metadata';
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config';
import { openMigratedDatabase } from '../src/metrics/rollups/migrated-database';
import { folderSource } from '../src/import/folder-source';
import { importDataset } from '../src/import/import-dataset';
import { formatSummary, progressPrinter } from '../src/import/import-output';

const CHANNELS = ['email', 'chat', 'phone', 'social', 'web', 'messaging'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

async function writeLines(path: string, header: string, rows: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  for (const row of rows) if (!out.write(`${row}\n`)) await once(out, 'drain');
  await new Promise<void>((resolve) => out.end(resolve));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function generate(dir: string, tickets: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const customers = Math.max(10, Math.floor(tickets / 20));
  const start = Date.parse('2024-01-01T00:00:00Z');
  await writeLines(
    join(dir, 'customers.csv'),
    'customer_id,tier,product,signed_up_at,churned_at',
    (function* () {
      for (let i = 0; i < customers; i++) yield `C${i},${['free', 'pro', 'enterprise'][i % 3]},p${i % 5},2023-06-01T00:00:00Z,`;
    })(),
  );
  await writeLines(
    join(dir, 'agents.csv'),
    'agent_id,name,team',
    (function* () {
      for (let i = 0; i < 50; i++) yield `A${i},Agent ${i},team${i % 4}`;
    })(),
  );
  await writeLines(
    join(dir, 'tickets.csv'),
    'ticket_id,customer_id,channel,product,priority,created_at,first_response_at,resolved_at,abandoned_at,escalated,reopened_count,assignee_id',
    (function* () {
      for (let i = 0; i < tickets; i++) {
        const created = start + i * 60_000;
        const given = i % 2 === 0 ? iso(created + 1_800_000) : '';
        yield `T${i},C${i % customers},${CHANNELS[i % 6]},p${i % 5},${PRIORITIES[i % 4]},${iso(created)},${given},${iso(created + 7_200_000)},,false,0,A${i % 50}`;
      }
    })(),
  );
  await writeLines(
    join(dir, 'messages.csv'),
    'message_id,ticket_id,author,agent_id,sent_at,handle_seconds',
    (function* () {
      let m = 0;
      for (let i = 0; i < tickets; i++) {
        const created = start + i * 60_000;
        yield `M${m++},T${i},customer,,${iso(created)},`;
        yield `M${m++},T${i},agent,A${i % 50},${iso(created + 1_800_000)},120`;
        if (i % 3 !== 0) yield `M${m++},T${i},agent,A${i % 50},${iso(created + 3_600_000)},60.5`;
        else yield `M${m++},T${i},bot,,${iso(created + 60_000)},`;
      }
    })(),
  );
}

async function main(): Promise<void> {
  const tickets = Number(process.argv[2] ?? 200_000);
  const dir = process.argv[3] ?? `/tmp/deskmetrics-bench-${tickets}`;
  const t0 = performance.now();
  await generate(dir, tickets);
  console.error(`generated ${tickets} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${dir}`);
  const db = await openMigratedDatabase(loadConfig());
  try {
    for (const pass of ['first import', 're-import (unchanged)']) {
      const summary = await importDataset(db.dataSource, folderSource(dir), { sourceName: dir, onProgress: progressPrinter(process.stderr) });
      const ticketsFile = summary.files.find((f) => f.file === 'tickets.csv');
      const messagesFile = summary.files.find((f) => f.file === 'messages.csv');
      const ticketSeconds = (ticketsFile?.seconds ?? 0) + (messagesFile?.seconds ?? 0);
      console.log(`\n== ${pass} on ${db.description}\n${formatSummary(summary)}`);
      console.log(
        `tickets with messages: ${Math.round(tickets / ticketSeconds).toLocaleString('en-US')} tickets/s on their two files, ` +
          `${Math.round(tickets / summary.total.seconds).toLocaleString('en-US')} tickets/s over the whole run (rollup refresh included); ` +
          `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
      );
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
