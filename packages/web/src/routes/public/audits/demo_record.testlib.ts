/**
 * A whole audit's published record, for tests and benchmarks of verification: the shipped demo election
 * run from the command line on a PGlite store (defined from audit.json, both counties' manifests and CVR
 * exports uploaded, the demo ceremony's seed, round 1 read from the paper files with one Governor card
 * misread as blank so that a second round is needed, round 2 read honestly, confirmed), then exported
 * with `openrla audit export-record`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_CEREMONY_SEED } from '@openrla/ingest';
import { main } from '../../../../../cli/src/main.js';
import { ok, testStore, type TestStore } from '../../../../../cli/src/commands/audit_e2e.testlib.js';

/** Runs `openrla <args>` in this process, quietly. */
async function openrla(args: readonly string[]): Promise<void> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const status = await main(args);
    if (status !== 0) throw new Error(`openrla ${args.join(' ')}: exit ${status}`);
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
}

/** Runs the demo audit under `root` (see the module comment): its store (open) and the record's folder. */
export async function demoAuditRecord(
  root: string,
): Promise<{ readonly store: TestStore; readonly record: string }> {
  const demo = path.join(root, 'demo');
  await openrla(['demo', demo]);
  const store = await testStore('pglite');
  const at = (p: string): string => path.join(demo, p);
  await ok(store, ['init']);
  await ok(store, ['define', at('audit.json')]);
  for (const [slug, name] of [
    ['alder-county', 'Alder County'],
    ['birch-county', 'Birch County'],
  ] as const) {
    await ok(store, ['upload-manifest', '--jurisdiction', name, at(`manifests/${slug}.csv`)]);
    await ok(store, ['upload-cvrs', '--jurisdiction', name, at(`cvrs/${slug}-CVR_Export.csv`)]);
  }
  await ok(store, ['set-seed', DEMO_CEREMONY_SEED]);
  for (const round of [1, 2]) {
    await ok(store, ['start-round', '--out', at(`lists/round-${round}`)]);
    const readings = at(`readings-${round}.csv`);
    await openrla(['demo-readings', at(`lists/round-${round}`), '--demo', demo, '--out', readings]);
    if (round === 1) {
      const lines = readFileSync(readings, 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes(',Governor,votes,'));
      lines[i] = lines[i]!.replace(/,Governor,votes,[^,]*,/, ',Governor,blank,,');
      writeFileSync(readings, lines.join('\n'));
    }
    await ok(store, ['record', readings]);
    await ok(store, ['finish-round']);
  }
  const record = path.join(root, 'record');
  await ok(store, ['export-record', record]);
  return { store, record };
}
