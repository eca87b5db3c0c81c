/**
 * `uploadCvrs` given one-shot byte streams (what an HTTP upload is): the bytes are stored first, then
 * read back from the store while the cards are imported. On PGlite (one connection) that read used to
 * wait for the import's own transaction to end, which waited for the read: the upload hung forever.
 * Each store must finish the upload (the timeout catches a hang) and keep the same cards and summary
 * as an upload of the same files from disk.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditDefinition, CommandContext } from '@openrla/audit';
import type { AuditStore } from '@openrla/store';
import { openTestPglite, openTestPostgres } from '@openrla/store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog, runCommand, uploadCvrs, uploadManifest } from './audit_session.js';
import type { FileInput } from './types.js';

const arlo = fileURLToPath(
  new URL('../../../../shared/fixtures/arlo-small-election-multijurisdiction/', import.meta.url),
);
const fileOf = (jurisdiction: string, suffix: string): string =>
  path.join(arlo, `${jurisdiction.replace(/ /g, '_')}__${suffix}`);
const JURISDICTIONS = ['Kendall Park', 'Mount Olive'];

const context: CommandContext = { author: 'test', now: () => '2026-11-22T00:00:00.000Z' };

const definition: AuditDefinition = {
  name: 'Streams',
  riskLimit: 0.1,
  jurisdictions: JURISDICTIONS,
  contests: [
    {
      name: 'Minister of Farming',
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: JURISDICTIONS,
      numWinners: 1,
    },
  ],
};

/** A one-shot stream of a file's bytes in small pieces, like a request body. */
async function* oneShot(file: string): AsyncGenerator<Uint8Array> {
  const bytes = readFileSync(file);
  for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
}

/** Fails (instead of hanging the suite) when `promise` takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (hung)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function uploadAll(store: AuditStore, auditId: string, streams: boolean) {
  const made = await createAuditLog({ store, auditId });
  if (!made.ok) throw new Error(made.error.message);
  const defined = await runCommand({
    store,
    auditId,
    context,
    command: { type: 'audit.define', definition },
  });
  if (!defined.ok) throw new Error(defined.error.message);
  const infos = [];
  for (const j of JURISDICTIONS) {
    const manifest = await uploadManifest({
      store,
      auditId,
      jurisdiction: j,
      context,
      file: fileOf(j, 'ballot_manifest.csv'),
    });
    if (!manifest.ok) throw new Error(manifest.error.message);
    const file: FileInput = streams
      ? { name: 'upload.csv', stream: oneShot(fileOf(j, 'cvrs.csv')) }
      : fileOf(j, 'cvrs.csv');
    const up = await within(
      uploadCvrs({ store, auditId, jurisdiction: j, context, files: [file] }),
      20_000,
      `uploadCvrs of ${j}`,
    );
    if (!up.ok) throw new Error(up.error.message);
    infos.push({ ...up.value.info, fileName: '', files: [] });
    expect(await store.countCvrs({ auditId, jurisdiction: j })).toBe(up.value.info.summary.cvrs);
  }
  return infos;
}

const implementations = [
  { name: 'pglite', open: openTestPglite },
  { name: 'postgres', open: openTestPostgres },
] as const;

describe.each(implementations)('uploadCvrs from one-shot streams into $name', ({ open }) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    // A hung store never closes: give up on it rather than hang the suite.
    await within(dispose?.() ?? Promise.resolve(), 20_000, 'closing the store').catch(() => {});
    dispose = undefined;
  }, 60_000);

  it('finishes, and stores what an upload of the same files from disk stores', async () => {
    const t = await open();
    dispose = t.dispose;
    const fromStreams = await uploadAll(t.store, 'streams', true);
    const fromDisk = await uploadAll(t.store, 'disk', false);
    expect(fromStreams).toEqual(fromDisk);
    expect(fromStreams[0]!.summary.cvrs).toBeGreaterThan(0);
  }, 60_000);
});
