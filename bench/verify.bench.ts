/**
 * Verifying a published audit record (`openrla audit verify DIR`, the same `verifyPublishedRecord` the
 * browser's verify page runs): the demo election's two-round audit (two counties, ~6,000 ballot cards,
 * Dominion CSV exports), recorded once, then verified from its folder. Wall time (median) and this
 * process's CPU time per verification.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyRecordFolder } from '../packages/ingest/src/index.js';
import { demoAuditRecord } from '../packages/web/src/routes/public/audits/demo_record.testlib.js';
import { report, time } from './lib.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'openrla-bench-verify-'));
try {
  const { store, record } = await demoAuditRecord(root);
  await store.dispose();
  const manifest = JSON.parse(readFileSync(path.join(record, 'record.json'), 'utf8')) as {
    events: { count: number };
    files: { sha256: string }[];
  };
  const bytes = manifest.files.reduce((s, f) => s + statSync(path.join(record, 'files', f.sha256)).size, 0);
  let cpu = 0;
  let runs = 0;
  const timed = await time(
    async () => {
      const before = process.cpuUsage();
      const v = await verifyRecordFolder(record);
      const used = process.cpuUsage(before);
      cpu += (used.user + used.system) / 1000;
      runs++;
      if (!v.ok) throw new Error(`the demo record does not verify: ${v.problems.join('; ')}`);
    },
    { runs: 5, warmup: 1 },
  );
  report([
    {
      name: 'verify.record.demo',
      detail: `demo audit record: ${manifest.events.count} events, ${manifest.files.length} files (${(bytes / 1e6).toFixed(1)} MB), 2 rounds`,
      ms: timed.ms,
      runs: timed.runs,
      peakMB: timed.peakMB,
      extra: { 'CPU ms (mean)': Math.round(cpu / runs) },
    },
  ]);
} finally {
  rmSync(root, { recursive: true, force: true });
}
