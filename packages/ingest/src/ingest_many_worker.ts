/**
 * The worker process of `ingestMany`: opens its own PostgreSQL store, then ingests the counties it is
 * sent one at a time (manifest, then CVR export, each exactly as `ingestManifest` and `ingestCvrs`).
 */
import { openStore } from '@openrla/store';
import { ingestCvrs } from './ingest_cvrs.js';
import type { CountyIngest, CountyJob, WorkerReply } from './ingest_many.js';
import { ingestManifest } from './ingest_manifest.js';

const connectionString = process.env['OPENRLA_INGEST_DATABASE_URL'];
if (!process.send || !connectionString) throw new Error('ingest_many_worker: not started by ingestMany');
const send = process.send.bind(process);
// The import's transaction, and the files stored a few at once before it (stored_files.ts).
const store = await openStore({ kind: 'postgres', connectionString, maxConnections: 6 });

/** One county: manifest first; its CVRs only when the manifest was accepted. */
async function ingestCounty(job: CountyJob): Promise<CountyIngest> {
  const { county, auditId } = job;
  const manifest = await ingestManifest({
    store,
    auditId,
    jurisdiction: county.jurisdiction,
    file: county.manifest,
  });
  if (!manifest.ok) return { jurisdiction: county.jurisdiction, manifest, cvrs: null };
  const cvrs = await ingestCvrs({
    store,
    auditId,
    jurisdiction: county.jurisdiction,
    files: county.cvrs,
    contests: job.contests,
    manifest: manifest.value.batches,
    ...(county.format ? { format: county.format } : {}),
  });
  return { jurisdiction: county.jurisdiction, manifest, cvrs };
}

/** This process's CPU time and peak memory, sent when it closes. */
function usage(): { readonly cpuMs: number; readonly peakMB: number } {
  const r = process.resourceUsage();
  return {
    cpuMs: Math.round((r.userCPUTime + r.systemCPUTime) / 1000),
    peakMB: Math.round(r.maxRSS / 102.4) / 10,
  };
}

process.on(
  'message',
  (message: { readonly type: 'job'; readonly job: CountyJob } | { readonly type: 'close' }) => {
    if (message.type === 'close') {
      void store.close().then(() => send({ type: 'closed', ...usage() }, () => process.exit(0)));
      return;
    }
    const { job } = message;
    ingestCounty(job).then(
      (result) => send({ type: 'done', index: job.index, result } satisfies WorkerReply),
      (error: unknown) =>
        send({
          type: 'crash',
          index: job.index,
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies WorkerReply),
    );
  },
);
send({ type: 'ready' });
