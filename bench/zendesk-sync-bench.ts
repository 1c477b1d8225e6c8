/**
 * Zendesk sync throughput (issue #20): a backfill of N tickets from the fake Zendesk of the tests (on loopback, pages
 * of 1,000 as Zendesk serves them, no per-minute spacing), end to end — every stream, validation, upserts, first
 * responses, rollups, cursors — then an incremental sync of 1,000 changed tickets into that database.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node dist/bench/zendesk-sync-bench.js --tickets 100000
 *
 * Each ticket has a customer's first comment and an agent's reply; one in five has a rating. Runs in a fresh schema
 * it drops at the end.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfig } from '../src/config/config';
import { openMigratedDatabase } from '../src/metrics/rollups/migrated-database';
import { runSync, type SyncSummary } from '../src/sync/sync-engine';
import { parseZendeskConfig } from '../src/sync/zendesk/zendesk-config';
import { zendeskAccountFromEnv, zendeskConnector } from '../src/sync/zendesk/zendesk-source';
import type { ZdTicket, ZdTicketEvent } from '../src/sync/zendesk/zendesk-types';
import { FakeZendesk, type FakeData } from '../test/sync/fake-zendesk';

const CHANNELS = ['email', 'web', 'chat', 'voice', 'native_messaging', 'api'];
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function generate(tickets: number, startMs: number, spanMs: number): FakeData {
  const data: FakeData = { groups: [], organizations: [], users: [], tickets: [], metricSets: [], ticketEvents: [], ratings: [] };
  for (let g = 1; g <= 10; g++) data.groups.push({ id: g, name: `Team ${g}` });
  const orgs = Math.max(1, Math.floor(tickets / 50));
  for (let o = 1; o <= orgs; o++) {
    data.organizations.push({
      id: 100_000 + o,
      name: `Org ${o}`,
      created_at: iso(startMs - 86_400_000),
      updated_at: iso(startMs),
      tags: [`tier_${['free', 'pro', 'enterprise'][o % 3]}`],
    });
  }
  for (let u = 1; u <= 200; u++)
    data.users.push({ id: 1_000 + u, name: `Agent ${u}`, role: 'agent', default_group_id: 1 + (u % 10), updated_at: iso(startMs) });
  for (let u = 1; u <= 1000; u++) data.users.push({ id: 10_000 + u, name: `Customer ${u}`, role: 'end-user', updated_at: iso(startMs) });
  let eventId = 1;
  for (let i = 0; i < tickets; i++) {
    const id = 1_000_000 + i;
    const created = startMs + Math.floor((i / tickets) * spanMs);
    const replied = created + 600_000 + (i % 7) * 60_000;
    const solved = replied + 3_600_000;
    const agent = 1_001 + (i % 200);
    const ticket: ZdTicket = {
      id,
      created_at: iso(created),
      updated_at: iso(solved),
      generated_timestamp: Math.floor(solved / 1000),
      status: i % 4 === 0 ? 'open' : 'solved',
      priority: ['low', 'normal', 'high', 'urgent'][i % 4],
      via: { channel: CHANNELS[i % CHANNELS.length] },
      organization_id: 100_001 + (i % orgs),
      assignee_id: agent,
      tags: [`product_p${i % 5}`],
      custom_fields: [],
    };
    data.tickets.push(ticket);
    data.metricSets.push({
      ticket_id: id,
      solved_at: ticket.status === 'solved' ? iso(solved) : null,
      reopens: i % 13 === 0 ? 1 : 0,
      reply_time_in_minutes: { calendar: 10, business: 10 },
    });
    const comment = (at: number, author: number, create: boolean): ZdTicketEvent => ({
      id: eventId++,
      ticket_id: id,
      timestamp: Math.floor(at / 1000),
      created_at: iso(at),
      via: 'Web form',
      event_type: 'Audit',
      child_events: [
        ...(create ? [{ id: eventId++, event_type: 'Create' }] : []),
        { id: eventId++, event_type: 'Comment', author_id: author, public: true, created_at: iso(at) },
      ],
    });
    data.ticketEvents.push(comment(created, 10_001 + (i % 1000), true), comment(replied, agent, false));
    if (i % 5 === 0)
      data.ratings.push({ id: 5_000_000 + i, ticket_id: id, score: i % 10 === 0 ? 'bad' : 'good', created_at: iso(solved), updated_at: iso(solved) });
  }
  return data;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--tickets <n>', 'tickets in the backfill', '100000')
    .option('--changed <n>', 'tickets changed for the incremental sync', '1000')
    .option('--records-per-transaction <n>', 'records gathered per transaction (default: the sync default, 10,000)')
    .parse()
    .opts();
  const tickets = Number(opts.tickets);
  const changed = Math.min(Number(opts.changed), tickets);
  const recordsPerTransaction = opts.recordsPerTransaction ? Number(opts.recordsPerTransaction) : undefined;
  const startMs = Date.parse('2025-01-01T00:00:00Z');
  const spanMs = 300 * 86_400_000;
  const fake = new FakeZendesk(generate(tickets, startMs, spanMs));
  fake.pageSize = 1000;
  fake.frozen = true;
  await fake.start();
  const schema = `bench_sync_${process.pid}`;
  const config = loadConfig({ ...process.env, DATABASE_SCHEMA: process.env.DATABASE_URL ? schema : undefined, LOG_LEVEL: 'silent' });
  const db = await openMigratedDatabase(config, { command: 'bench' });
  // No spacing of the incremental requests (the config's fastest, 1,000 a minute, would add 60 ms to each page).
  const connector = () =>
    zendeskConnector(zendeskAccountFromEnv(fake.env), parseZendeskConfig({ tier: { tagPrefix: 'tier_' }, product: { tagPrefix: 'product_' } }), {
      limitedPerMinute: 0,
    });
  // Time from one page's commit to the next page's fetch (HTTP + mapping) and from fetch to commit (the write).
  const phases = { fetch: 0, write: 0, last: performance.now() };
  const onCheckpoint = (point: string) => {
    const now = performance.now();
    if (point === 'page-fetched') phases.fetch += now - phases.last;
    if (point === 'page-committed') phases.write += now - phases.last;
    if (point === 'page-fetched' || point === 'page-committed' || point === 'stream-done') phases.last = now;
  };
  const report = (label: string, summary: SyncSummary, n: number) => {
    // After the last stream: the rollups' rebuild a bulk-loaded backfill leaves to the end of the run.
    const after = (performance.now() - phases.last) / 1000;
    const pages = summary.streams.reduce((k, s) => k + s.pages, 0);
    console.log(
      `${label}: ${n.toLocaleString('en-US')} tickets in ${summary.seconds.toFixed(1)} s = ${Math.round(n / summary.seconds).toLocaleString('en-US')} tickets/s (${pages} pages; ${summary.streams.map((s) => `${s.stream} ${s.seconds.toFixed(1)} s`).join(', ')}; fetching and mapping ${(phases.fetch / 1000).toFixed(1)} s, writing ${(phases.write / 1000).toFixed(1)} s, after the streams ${after.toFixed(1)} s)`,
    );
    phases.fetch = phases.write = 0;
  };
  try {
    console.log(
      `${db.description}: backfill of ${tickets.toLocaleString('en-US')} tickets (${fake.data.ticketEvents.length.toLocaleString('en-US')} ticket events, ${fake.data.ratings.length.toLocaleString('en-US')} ratings)`,
    );
    phases.last = performance.now();
    report(
      'backfill',
      await runSync(db.dataSource, connector(), {
        since: new Date(startMs - 86_400_000),
        batchSize: config.IMPORT_BATCH_SIZE,
        onCheckpoint,
        recordsPerTransaction,
      }),
      tickets,
    );

    // The latest tickets change: a new agent reply each, re-solved an hour later.
    fake.frozen = false;
    const nowMs = startMs + spanMs + 86_400_000;
    let eventId = 900_000_000;
    const metricSets = new Map(fake.data.metricSets.map((m) => [m.ticket_id, m]));
    for (const ticket of fake.data.tickets.slice(-changed)) {
      const reply = nowMs + (ticket.id % 1000) * 1000;
      ticket.updated_at = iso(reply + 3_600_000);
      ticket.generated_timestamp = Math.floor((reply + 3_600_000) / 1000);
      ticket.status = 'solved';
      const m = metricSets.get(ticket.id)!;
      m.solved_at = ticket.updated_at;
      fake.data.ticketEvents.push({
        id: eventId++,
        ticket_id: ticket.id,
        timestamp: Math.floor(reply / 1000),
        created_at: iso(reply),
        via: 'Web form',
        event_type: 'Audit',
        child_events: [{ id: eventId++, event_type: 'Comment', author_id: ticket.assignee_id, public: true, created_at: iso(reply) }],
      });
    }
    fake.data = { ...fake.data, tickets: [...fake.data.tickets], ticketEvents: [...fake.data.ticketEvents] };
    fake.frozen = true;
    phases.last = performance.now();
    report(
      `incremental (into ${tickets.toLocaleString('en-US')})`,
      await runSync(db.dataSource, connector(), { batchSize: config.IMPORT_BATCH_SIZE, onCheckpoint, recordsPerTransaction }),
      changed,
    );
  } finally {
    if (process.env.DATABASE_URL) await db.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
    await fake.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
