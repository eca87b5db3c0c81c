/**
 * The public audit pages in Chromium against the real server, over a whole audit: the shipped demo
 * election run from the command line (defined, both counties' files uploaded, seed, round 1 read from
 * the paper, one card misread so a second round is needed, confirmed) on a PGlite store the server then
 * serves. The list, progress and record pages show it; the verify page recomputes the record in the
 * browser and says OK. Then the browser verifies tampered records (served in place of the real one) and
 * must name the very events `openrla audit verify` names for the same folder: an edited reading (chain
 * broken; with the chain recomputed, the round it changes), a changed county file and a reordered log.
 * axe-core finds no serious or critical problem; screenshots public-*.png.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_CEREMONY_SEED } from '@openrla/ingest';
import { eventHash, GENESIS_HASH, type StoredEvent } from '@openrla/store';
import { verifyRecord } from '../../../../../cli/src/commands/audit_record.js';
import { demoAuditRecord } from './demo_record.testlib.js';
import type { TestStore } from '../../../../../cli/src/commands/audit_e2e.testlib.js';
import {
  browserTestsEnabled,
  openAppInBrowser,
  TEST_AUTH,
  type AppInBrowser,
} from '../../../testing/browser.js';

const enabled = browserTestsEnabled();
const AUDIT = 'audit';

function readEvents(dir: string): StoredEvent[] {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StoredEvent);
}

/** Writes events.jsonl; with `rehash`, the chain is recomputed (a forger who knows the format) and record.json follows. */
function writeEvents(dir: string, events: readonly StoredEvent[], rehash: boolean): void {
  let out = events;
  if (rehash) {
    let prev = GENESIS_HASH;
    out = events.map((e) => {
      const { hash: _old, ...rest } = { ...e, prevHash: prev };
      const hash = eventHash(rest);
      prev = hash;
      return { ...rest, hash };
    });
    const record = JSON.parse(readFileSync(path.join(dir, 'record.json'), 'utf8')) as {
      events: { headHash: string };
    };
    record.events.headHash = prev;
    writeFileSync(path.join(dir, 'record.json'), JSON.stringify(record));
  }
  writeFileSync(path.join(dir, 'events.jsonl'), out.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

describe.skipIf(!enabled)('the public audit pages and verification in Chromium', () => {
  let root: string;
  let store: TestStore;
  let record: string;
  let app: AppInBrowser;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'openrla-public-'));
    ({ store, record } = await demoAuditRecord(root));
    app = await openAppInBrowser({ app: { store: store.store, auth: TEST_AUTH } });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await store?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the list, progress and record pages show the audit', async () => {
    const { page } = app;
    await app.goto('/audits');
    const link = page.getByRole('link', { name: /Demo/ });
    await link.waitFor();
    expect(await page.getByRole('row', { name: /Complete/ }).count()).toBe(1);
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('public-audits');

    await link.click();
    await page.getByRole('heading', { name: 'Contests' }).waitFor();
    const governor = page.getByRole('row', { name: /^Governor/ });
    await expect.poll(() => governor.textContent()).toMatch(/Outcome confirmed/);
    expect(await page.getByRole('row', { name: /Round 2/ }).textContent()).toMatch(/Finished/);
    expect(await page.getByRole('row', { name: /^Alder County/ }).textContent()).toMatch(/Uploaded/);
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('public-progress');

    await page.getByRole('link', { name: 'Audit record' }).click();
    await page.getByRole('heading', { name: 'What the record holds' }).waitFor();
    const files = JSON.parse(readFileSync(path.join(record, 'record.json'), 'utf8')) as {
      files: { sha256: string; name: string }[];
    };
    for (const f of files.files) {
      const a = page.getByRole('link', { name: f.name, exact: true });
      expect(await a.getAttribute('href')).toBe(`/api/public/audits/${AUDIT}/record/files/${f.sha256}`);
    }
    expect(await page.locator('pre').textContent()).toContain(`npx openrla audit verify record`);
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('public-record');
  });

  test('the verify page recomputes the whole record in the browser: OK, with what it checked', async () => {
    const { page } = app;
    await app.goto(`/audits/${AUDIT}/verify`);
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Verify this record' }).click();
    await page.getByRole('heading', { name: 'The record checks out' }).waitFor({ timeout: 60_000 });
    const cli = await verifyRecord(record);
    expect(cli.ok).toBe(true);
    const text = await page.locator('main').textContent();
    expect(text).toContain(`Every one of the ${cli.events} events was recomputed`);
    expect(text).toContain(`from the seed ${DEMO_CEREMONY_SEED}`);
    // Both rounds' samples and risks, as the CLI's verification recomputed them.
    for (const r of cli.checked!.rounds) {
      const row = page.getByRole('row', { name: new RegExp(`^Round ${r.round} `) });
      expect(await row.textContent()).toBe(`Round ${r.round}${r.draws}${r.cards}`);
      const table = page.getByRole('table', { name: `Risks after round ${r.round}, as recomputed` });
      const governor = r.contests!.find((c) => c.contest === 'Governor')!;
      expect(await table.getByRole('row', { name: /^Governor/ }).textContent()).toContain(
        governor.status === 'confirmed' ? 'Outcome confirmed' : 'Still being audited',
      );
    }
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('public-verify');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  /** Serves `dir` as the audit's published record to the page, verifies there, and returns the problems shown. */
  async function verifyServed(dir: string): Promise<string> {
    const { page } = app;
    await page.route(`**/api/public/audits/${AUDIT}/record**`, async (route) => {
      const url = new URL(route.request().url());
      const rest = url.pathname.replace(`/api/public/audits/${AUDIT}/record`, '');
      const file = rest === '' ? 'record.json' : rest.slice(1);
      await route.fulfill({ body: readFileSync(path.join(dir, file)) });
    });
    try {
      await app.goto(`/audits/${AUDIT}/verify`);
      await page.getByRole('button', { name: 'Verify this record' }).click();
      await page.getByRole('heading', { name: 'The record does not check out' }).waitFor({ timeout: 60_000 });
      return (await page.getByRole('list').filter({ hasText: 'events.jsonl' }).last().textContent()) ?? '';
    } finally {
      await page.unroute(`**/api/public/audits/${AUDIT}/record**`);
    }
  }

  function copy(name: string): string {
    const to = path.join(root, name);
    cpSync(record, to, { recursive: true });
    return to;
  }

  test('tampered records fail in the browser at the events the command line names', async () => {
    const events = readEvents(record);
    const seqOf = (i: number): number => events[i]!.seq;
    const reading = events.findIndex((e) => e.type === 'card.recorded');
    const edited = events.map((e, k) =>
      k === reading ? { ...e, payload: { ...(e.payload as object), reading: { found: false } } } : e,
    ) as StoredEvent[];

    // An edited reading: the chain names the event.
    const plain = copy('edited');
    writeEvents(plain, edited, false);
    const cliPlain = await verifyRecord(plain);
    expect(cliPlain.failures[0]).toMatchObject({ kind: 'chain.bad-hash', seq: seqOf(reading) });
    const shownPlain = await verifyServed(plain);
    expect(shownPlain).toContain(
      `Event ${seqOf(reading)} (card.recorded), line ${reading + 1} of events.jsonl`,
    );
    expect(shownPlain).toContain('[chain.bad-hash]');

    // The same edit with the chain recomputed: replay names the round.finished whose readings it changes.
    const forged = copy('forged');
    writeEvents(forged, edited, true);
    const finished = events.findIndex((e, k) => k > reading && e.type === 'round.finished');
    const cliForged = await verifyRecord(forged);
    expect(cliForged.failures.map((f) => [f.kind, f.seq])).toEqual([['replay.mismatch', seqOf(finished)]]);
    const shownForged = await verifyServed(forged);
    expect(shownForged).toContain(
      `Event ${seqOf(finished)} (round.finished), line ${finished + 1} of events.jsonl`,
    );
    expect(shownForged).toContain('[replay.mismatch]');
    expect(shownForged).not.toContain('chain.');

    // A changed county file: the upload that references it.
    const changed = copy('changed-file');
    const upload = events.findIndex((e) => e.type === 'manifest.uploaded');
    const sha = (events[upload]!.payload as { sha256: string }).sha256;
    const file = path.join(changed, 'files', sha);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /\d(\s*)$/,
        (d, tail: string) => `${(Number(d[0]) + 1) % 10}${tail}`,
      ),
    );
    const cliChanged = await verifyRecord(changed);
    expect(cliChanged.failures.map((f) => [f.kind, f.seq])).toEqual([['data.file-changed', seqOf(upload)]]);
    const shownChanged = await verifyServed(changed);
    expect(shownChanged).toContain(
      `Event ${seqOf(upload)} (manifest.uploaded), line ${upload + 1} of events.jsonl`,
    );
    expect(shownChanged).toContain('[data.file-changed]');
    // The same folder chosen from this computer instead of served: the same event; the real one is OK.
    await app.page.locator('#record-folder').setInputFiles(changed);
    await app.page.getByRole('heading', { name: 'The record does not check out' }).waitFor();
    expect(await app.page.locator('main').textContent()).toContain(
      `Event ${seqOf(upload)} (manifest.uploaded), line ${upload + 1} of events.jsonl`,
    );
    await app.page.locator('#record-folder').setInputFiles(record);
    await app.page.getByRole('heading', { name: 'The record checks out' }).waitFor({ timeout: 60_000 });

    // A reordered log: the first event out of place, by the chain and by the replay.
    const reordered = copy('reordered');
    const swapped = [...events];
    [swapped[reading], swapped[reading + 1]] = [swapped[reading + 1]!, swapped[reading]!];
    writeEvents(reordered, swapped, false);
    const cliReordered = await verifyRecord(reordered);
    expect(cliReordered.failures.map((f) => [f.kind, f.seq, f.line])).toEqual([
      ['chain.bad-seq', seqOf(reading + 1), reading + 1],
      ['replay.out-of-order', seqOf(reading + 1), reading + 1],
    ]);
    const shownReordered = await verifyServed(reordered);
    expect(shownReordered).toContain(
      `Event ${seqOf(reading + 1)} (card.recorded), line ${reading + 1} of events.jsonl`,
    );
    expect(shownReordered).toContain('[chain.bad-seq]');
    expect(shownReordered).toContain('[replay.out-of-order]');
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('public-verify-failed');
  }, 180_000);
});
