/**
 * Issue 6's load test: 200 audit boards recording 20 cards each at once against the PostgreSQL store,
 * over real sockets on 127.0.0.1 (bounded: 4,000 cards, loopback only). The real server
 * (`startServer`) runs on a fresh database of the test server (127.0.0.1:5432, dropped afterwards) with
 * the default account settings (argon2 as shipped). Set up through the HTTP API as the web app does it
 * (packages/server/src/boards_load.testlib.ts): first-run state admin, a jurisdiction admin, the audit,
 * a generated Dominion CSV export and manifest (20,000 cards in 200 batches, seeded votes), 200 boards,
 * the seed, a round of 4,000 cards drawn without replacement, 200 passphrases and board sign-ins. Then
 * every board records its cards one after another, all boards at once; 10% of submissions are sent
 * twice (half at once, half after the answer) to exercise idempotence. Reports entries/s, p50/p95/p99
 * latency and errors, then counts the readings in the store's events and the status API and fails
 * loudly unless exactly 4,000 exist, none doubled.
 */
import os from 'node:os';
import { pino } from 'pino';
import { startServer } from '@openrla/server';
import { openTestPostgres } from '@openrla/store/testing';
import {
  countReadings,
  quantile,
  recordAllBoards,
  setUpBoardsAudit,
} from '../packages/server/src/boards_load.testlib.js';
import { report, type BenchRow } from './lib.js';

/** `SERVER_BOARDS=50` runs a smaller load (for profiling); 20 cards a board either way. */
const BOARDS = Number(process.env['SERVER_BOARDS'] ?? 200);
const CARDS = BOARDS * 20;
const RETRY_SHARE = 0.1;
const SEED = 2026;

const { store, dispose } = await openTestPostgres();
const server = await startServer({
  port: 0,
  store,
  webDist: null,
  // The server's log lines are written as in production, to nowhere.
  logger: pino({ level: 'info' }, pino.destination('/dev/null')),
});
try {
  const base = server.url.replace(/\/$/, '');
  const setupStart = performance.now();
  const audit = await setUpBoardsAudit({
    fetcher: (url, init) => fetch(url, init),
    base,
    seed: SEED,
    boards: BOARDS,
    batches: BOARDS,
    ballotsPerBatch: 100,
    cards: CARDS,
  });
  const setupMs = performance.now() - setupStart;
  if (audit.roundCards !== CARDS) throw new Error(`the round drew ${audit.roundCards} cards, not ${CARDS}`);
  const perBoard = audit.boards.map((b) => b.cards.length);

  const load0 = os.loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const recorded = await recordAllBoards({ audit, seed: SEED, retryShare: RETRY_SHARE });
  const cpu = process.cpuUsage(cpu0);
  const load1 = os.loadavg()[0]!;

  // Count, from the store's own events and through the API.
  let storeEvents = 0;
  const perCard = new Map<string, number>();
  for await (const e of store.readEvents({ auditId: audit.auditId })) {
    if (e.type !== 'card.recorded') continue;
    storeEvents++;
    const key = JSON.stringify((e.payload as { card: unknown }).card);
    perCard.set(key, (perCard.get(key) ?? 0) + 1);
  }
  const counts = await countReadings(audit);
  const problems: string[] = [];
  if (storeEvents !== CARDS) problems.push(`store: ${storeEvents} card.recorded events, not ${CARDS}`);
  if (perCard.size !== CARDS) problems.push(`store: ${perCard.size} distinct cards recorded, not ${CARDS}`);
  const doubled = [...perCard.values()].filter((n) => n > 1).length;
  if (doubled > 0) problems.push(`store: ${doubled} cards recorded more than once`);
  if (counts.events !== CARDS || counts.distinctCards !== CARDS || counts.doubled !== 0)
    problems.push(`events.jsonl: ${JSON.stringify(counts)}`);
  if (counts.statusRecorded !== CARDS || counts.statusRoundCards !== CARDS)
    problems.push(`status API: ${counts.statusRecorded} of ${counts.statusRoundCards} recorded`);
  if (counts.boardsUnrecorded !== 0) problems.push(`boards' lists: ${counts.boardsUnrecorded} unrecorded`);
  if (problems.length > 0) {
    process.stderr.write(`server_boards: READINGS LOST OR DOUBLED\n  ${problems.join('\n  ')}\n`);
    process.exitCode = 1;
  }
  const errors = Object.values(recorded.errors).reduce((a, b) => a + b, 0);
  const lat = recorded.latencies;
  const row: BenchRow = {
    name: 'server.boards.record',
    detail: `${BOARDS} boards × ~${CARDS / BOARDS} cards (${Math.min(...perBoard)}–${Math.max(...perBoard)}) recorded at once over loopback, PostgreSQL store, ${Math.round(RETRY_SHARE * 100)}% of submissions retried`,
    ms: quantile(lat, 0.5),
    runs: lat.length,
    peakMB: Math.round(process.memoryUsage().rss / 1e5) / 10,
    extra: {
      'entries/s': Math.round((recorded.entries / recorded.ms) * 1000),
      'requests/s': Math.round((recorded.requests / recorded.ms) * 1000),
      'p50 ms': Number(quantile(lat, 0.5).toFixed(1)),
      'p95 ms': Number(quantile(lat, 0.95).toFixed(1)),
      'p99 ms': Number(quantile(lat, 0.99).toFixed(1)),
      'max ms': Number(lat[lat.length - 1]!.toFixed(1)),
      'wall s': Number((recorded.ms / 1000).toFixed(1)),
      'cpu s': Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      requests: recorded.requests,
      'retried at once': recorded.concurrentRetries,
      'retried after': recorded.laterRetries,
      errors,
      'error kinds': errors === 0 ? 'none' : JSON.stringify(recorded.errors),
      readings: counts.events,
      doubled: counts.doubled,
      'setup s': Number((setupMs / 1000).toFixed(1)),
      load: `${load0.toFixed(1)}→${load1.toFixed(1)}`,
    },
  };
  process.stderr.write(`server_boards: ${JSON.stringify(row)}\n`);
  report([row]);
} finally {
  await server.close();
  await dispose();
}
