/**
 * The jurisdiction administrator's pages in Chromium against the real server: sign in, pick the audit,
 * upload a manifest with a mistake (the reader's located error is shown beside the input and in the
 * error summary, nothing imported), then the right manifest and the CVR export (what was imported is
 * listed), create an audit board and print its one-time sign-in sheet; once the round is started (by
 * the engine, as the state administrator would), download the retrieval list as PDF, follow the board
 * as it records (its passphrase from the sheet signs it in), and sign off the round. The audit's log
 * then holds the sign-off. axe-core finds no serious or critical problem on either page.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Command } from '@openrla/audit';
import { runCommand } from '@openrla/ingest';
import { createMemoryStore, type AuditStore } from '@openrla/store';
import {
  browserTestsEnabled,
  openAppInBrowser,
  TEST_AUTH,
  type AppInBrowser,
} from '../../testing/browser.js';
import { ApiPerson } from '../../testing/api_person.js';

const enabled = browserTestsEnabled();
const KP = 'Kendall Park';
const FARMING = 'Minister of Farming';
const AUDIT = 'county-test';
const ARLO = new URL(
  '../../../../../../shared/fixtures/arlo-small-election-multijurisdiction/',
  import.meta.url,
);
const fixturePath = (what: string) => fileURLToPath(new URL(`Kendall_Park__${what}`, ARLO));

async function run(store: AuditStore, command: Command): Promise<void> {
  const context = { author: 'user:state', now: () => new Date().toISOString() };
  const ran = await runCommand({ store, auditId: AUDIT, context, command });
  if (!ran.ok) throw new Error(`${command.type}: ${ran.error.message}`);
}

describe.skipIf(!enabled)('the jurisdiction administrator in Chromium', () => {
  let app: AppInBrowser;
  let store: AuditStore;
  beforeAll(async () => {
    store = createMemoryStore();
    app = await openAppInBrowser({ app: { store, auth: TEST_AUTH } });
    const state = new ApiPerson(app.baseUrl);
    const setup = await state.request('POST', '/api/setup', {
      email: 'sos@example.gov',
      name: 'State',
      password: 'state admin password',
    });
    expect(setup.status).toBe(201);
    const created = await state.request('POST', '/api/audits', {
      auditId: AUDIT,
      definition: {
        name: 'County page test',
        riskLimit: 0.1,
        jurisdictions: [KP],
        contests: [
          {
            name: FARMING,
            role: 'targeted',
            type: 'plurality',
            method: 'kaplan-markov',
            jurisdictions: [KP],
            numWinners: 1,
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const elsewhere = await state.request('POST', '/api/audits', {
      auditId: 'elsewhere',
      definition: {
        name: 'Another county',
        riskLimit: 0.1,
        jurisdictions: ['Mount Olive'],
        contests: [
          {
            name: FARMING,
            role: 'targeted',
            type: 'plurality',
            method: 'kaplan-markov',
            jurisdictions: ['Mount Olive'],
            numWinners: 1,
          },
        ],
      },
    });
    expect(elsewhere.status).toBe(201);
    const clerk = await state.request('POST', '/api/users', {
      role: 'jurisdiction-admin',
      email: 'kp@example.gov',
      name: 'Clerk of Kendall Park',
      password: 'county admin password',
      jurisdiction: KP,
    });
    expect(clerk.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  test('files, boards, retrieval list, progress and sign-off', async () => {
    const { page } = app;
    await app.goto('/login');
    await page.getByLabel('Email address').fill('kp@example.gov');
    await page.getByLabel('Password').fill('county admin password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Kendall Park: audits' }).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('county-audits');

    await page.getByRole('link', { name: 'County page test' }).click();
    await page.getByRole('heading', { name: 'County page test: Kendall Park' }).waitFor();
    await page.getByText('Upload your ballot manifest').waitFor();

    // A manifest with a mistake on its third line: located error beside the input and in the summary.
    const good = readFileSync(fixturePath('ballot_manifest.csv'), 'utf8');
    const lines = good.split('\n');
    lines[2] = lines[2]!.replace(/,\d+\s*$/, ',twenty');
    await page.getByLabel('Ballot manifest (CSV)').setInputFiles({
      name: 'manifest-with-a-mistake.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await page.getByRole('button', { name: 'Upload the ballot manifest' }).click();
    const summary = page.locator('#error-summary');
    await summary.getByRole('link', { name: /line 3/ }).waitFor();
    await page
      .locator('#manifest-file-error')
      .getByText(/Nothing from this file was imported/)
      .waitFor();
    expect(await page.locator('#manifest-file-error').textContent()).toMatch(/line 3/);
    await page.getByText('Nothing yet.').waitFor();

    await page.getByLabel('Ballot manifest (CSV)').setInputFiles(fixturePath('ballot_manifest.csv'));
    await page.getByRole('button', { name: 'Upload the ballot manifest' }).click();
    await page.getByText('Kendall_Park__ballot_manifest.csv was imported.').waitFor();
    expect(await summary.count()).toBe(0);
    await page.getByLabel('CVR export (CSV, ZIP, JSON or XML)').setInputFiles(fixturePath('cvrs.csv'));
    await page.getByRole('button', { name: 'Upload the CVR export' }).click();
    await page.getByText('Kendall_Park__cvrs.csv was imported.').waitFor();
    const imported = page.getByRole('table', { name: 'Imported files' });
    await imported.getByText(/ballot cards in \d+ batches/).waitFor();
    await imported.getByText(`${FARMING}:`, { exact: false }).waitFor();

    // An audit board and its sign-in sheet (shown once).
    await page.getByText('Create at least one audit board').waitFor();
    expect(await page.getByLabel('Board name').inputValue()).toBe('kendall-park-1');
    await page.getByRole('button', { name: 'Create the audit board' }).click();
    await page.locator('#board-member-1-error').waitFor();
    await page.getByLabel('First member').fill('Ann Lee');
    await page.getByLabel('Second member').fill('Bob Ray');
    await page.getByRole('button', { name: 'Create the audit board' }).click();
    await page.getByText('Audit board kendall-park-1 was created.').waitFor();
    await page.getByRole('button', { name: 'Print a sign-in sheet for kendall-park-1' }).click();
    await page.getByRole('heading', { name: 'Shown only once' }).waitFor();
    const passphrase = (await page.getByTestId('board-passphrase').textContent())!.trim();
    expect(await page.getByTestId('board-link').textContent()).toContain(
      '/audit-board/login?board=kendall-park-1#',
    );
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('county-audit');
    await page.getByRole('button', { name: 'I have printed it: hide the passphrase' }).click();
    expect(await page.getByTestId('board-passphrase').count()).toBe(0);

    // The state administrator sets the seed and starts round 1.
    await run(store, { type: 'seed.set', seed: '32561984216549873215' });
    await run(store, { type: 'round.start', sizes: { [FARMING]: { custom: 5 } } });
    await app.goto(`/county/audits/${AUDIT}`);
    await page.getByText('Print the retrieval list, fetch the ballot cards').waitFor();
    await page.getByText('so your files can no longer change', { exact: false }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the retrieval list (PDF, to print)' }).click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toBe('retrieval-round-1.pdf');
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    await page.getByText(/still to record/).waitFor();

    // The board signs in with the sheet's passphrase and records its cards; the page follows it live.
    const board = new ApiPerson(app.baseUrl);
    const login = await board.request('POST', '/api/audit-boards/login', {
      boardId: 'kendall-park-1',
      passphrase,
      members: [
        { name: 'Ann Lee', party: 'A' },
        { name: 'Bob Ray', party: 'B' },
      ],
    });
    expect(login.status).toBe(200);
    const list = await board.request<{ cards: { card: unknown }[] }>(
      'GET',
      `/api/audits/${AUDIT}/board/cards`,
    );
    expect(list.body.cards.length).toBeGreaterThan(0);
    for (const { card } of list.body.cards)
      expect(
        (await board.request('POST', `/api/audits/${AUDIT}/board/cards`, { card, reading: { found: false } }))
          .status,
      ).toBe(200);
    const n = list.body.cards.length;
    await page.getByText(`${n} of ${n} ballot cards recorded.`).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Sign off round 1' }).click();
    await page.getByRole('heading', { name: 'Kendall Park signed off round 1' }).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('county-audit-signed-off');

    // An audit of other jurisdictions (typed into the address bar) says so instead of offering uploads.
    await app.goto('/county/audits/elsewhere');
    await page.getByRole('heading', { name: 'This audit does not include Kendall Park' }).waitFor();

    const events: string[] = [];
    for await (const e of store.readEvents({ auditId: AUDIT })) events.push(e.type);
    expect(events.filter((t) => t === 'jurisdiction.signed-off')).toHaveLength(1);
    // The only error the browser logged: the refused manifest's 422 (Chromium logs failed loads).
    expect(app.pageErrors).toEqual([expect.stringContaining('422')]);
  }, 120_000);
});
