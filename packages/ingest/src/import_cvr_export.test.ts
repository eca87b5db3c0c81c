/**
 * importCvrExport keeps exactly what two passes keep (summarizeCvrExport, then ingestCvrs with its
 * numbering) — the summary, the numbering and the stored votes — while reading the export once when
 * the export describes its contests and choices before its cards (Dominion CSV), and falling back to
 * two passes when only the cards name the choices (ES&S).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditDefinition } from '@openrla/audit';
import { fileSource, readManifest, type ManifestBatch, type Source } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import { openTestPglite } from '@openrla/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeCvrExport } from './audit_data.js';
import { numberContests } from './card_votes.js';
import type { CvrFormat } from './cvr_export.js';
import { importCvrExport } from './import_cvr_export.js';
import { ingestCvrs } from './ingest_cvrs.js';
import { combinedSha256, storeInputs } from './stored_files.js';
import { storedCvrsAt } from './stored_cvrs.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const arlo = path.join(fixtures, 'arlo-small-election-multijurisdiction');
const ess = path.join(fixtures, 'vendor-format-samples-arlo');

interface Case {
  readonly name: string;
  readonly format: CvrFormat;
  readonly files: readonly string[];
  readonly manifest: string;
  readonly contests: readonly string[];
  /** Reads of the export by importCvrExport, in reads of summarizeCvrExport (ES&S: a partial read, then two). */
  readonly reads: readonly [number, number];
}

const cases: readonly Case[] = [
  {
    name: 'Dominion CSV (contests and choices in the header): one read',
    format: 'dominion-csv',
    files: [path.join(arlo, 'Kendall_Park__cvrs.csv')],
    manifest: path.join(arlo, 'Kendall_Park__ballot_manifest.csv'),
    contests: ['Minister of Farming', 'Master of Magic'],
    reads: [1, 1],
  },
  {
    name: 'ES&S (choices only on the cards): the first read stops at the first card, then two passes',
    format: 'ess',
    files: ['ESS_CVR.csv', 'ESS_BALLOTS_1.csv', 'ESS_BALLOTS_2.csv'].map((f) => path.join(ess, 'ess', f)),
    manifest: path.join(ess, 'manifests', 'ess_test_manifest.csv'),
    contests: ['Contest 1', 'Contest 2'],
    reads: [2, 3],
  },
];

/** A file source that counts how often it is opened. */
function counted(file: string): { source: Source; opens: () => number } {
  const inner = fileSource(file);
  let n = 0;
  return {
    source: {
      name: inner.name,
      size: inner.size,
      open() {
        n++;
        return inner.open();
      },
    },
    opens: () => n,
  };
}

function definitionOf(c: Case): AuditDefinition {
  return {
    name: c.name,
    riskLimit: 0.1,
    jurisdictions: ['J'],
    contests: c.contests.map((name) => ({
      name,
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: ['J'],
      numWinners: 1,
    })),
  };
}

async function manifestOf(file: string): Promise<ManifestBatch[]> {
  const batches: ManifestBatch[] = [];
  for await (const item of readManifest(fileSource(file), {}))
    if (item.type === 'batch') batches.push(item.batch);
  return batches;
}

describe('importCvrExport', () => {
  let store: AuditStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const t = await openTestPglite();
    store = t.store;
    dispose = t.dispose;
  }, 60_000);
  afterAll(async () => dispose?.(), 60_000);

  it.each(cases)('$name', async (c) => {
    const manifest = await manifestOf(c.manifest);
    const definition = definitionOf(c);
    const sha256 = combinedSha256(
      c.files.map((f) => ({ sha256: createHash('sha256').update(readFileSync(f)).digest('hex') })),
    );
    const sources = c.files.map(counted);
    // Stored first, as an upload stores them (ingest then knows them by hash and does not store them again).
    const stored = await storeInputs({ store, inputs: sources.map((s) => s.source) });
    if (!stored.ok) throw new Error(JSON.stringify(stored.error));
    const storing = sources.reduce((n, s) => n + s.opens(), 0);
    for (const auditId of [`${c.format}-once`, `${c.format}-twice`])
      expect((await store.createAudit({ auditId })).ok).toBe(true);

    const once = await importCvrExport({
      store,
      auditId: `${c.format}-once`,
      jurisdiction: 'J',
      sha256,
      sources: sources.map((s) => s.source),
      format: c.format,
      manifest,
      definition,
    });
    if (!once.ok) throw new Error(JSON.stringify(once.error));

    // Two passes, as uploads did before.
    const plain = c.files.map(counted);
    const read = await summarizeCvrExport({
      format: c.format,
      sources: plain.map((s) => s.source),
      jurisdiction: 'J',
      manifest,
      definition,
    });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    // Opening every file counts: a reader may open a file more than once per read.
    const opens = (list: typeof sources): number => list.reduce((n, s) => n + s.opens(), 0);
    expect(opens(sources) - storing).toBeGreaterThanOrEqual(c.reads[0] * opens(plain));
    expect(opens(sources) - storing).toBeLessThanOrEqual(c.reads[1] * opens(plain));
    const twice = await ingestCvrs({
      store,
      auditId: `${c.format}-twice`,
      jurisdiction: 'J',
      files: plain.map((s) => s.source),
      format: c.format,
      manifest,
      contests: read.value.numbering,
    });
    if (!twice.ok) throw new Error(JSON.stringify(twice.error));

    expect(once.value.summary).toEqual(read.value);
    expect(once.value.ingest.stored).toBe(twice.value.stored);
    expect(once.value.ingest.stored).toBeGreaterThan(0);
    // The same votes stored, card for card.
    const numbering = numberContests(read.value.numbering);
    if (!numbering.ok) throw new Error('numbering');
    const cards = manifest.flatMap((b) =>
      Array.from({ length: b.ballots }, (_, i) => ({
        jurisdiction: 'J',
        tabulator: b.tabulator,
        batch: b.batch,
        position: i + 1,
      })),
    );
    const a = await storedCvrsAt({ store, auditId: `${c.format}-once`, numbering: numbering.value, cards });
    const b = await storedCvrsAt({ store, auditId: `${c.format}-twice`, numbering: numbering.value, cards });
    expect(a).toEqual(b);
    expect(a.filter((x) => x !== null)).toHaveLength(twice.value.stored);
  });
});
