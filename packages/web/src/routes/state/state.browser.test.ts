/**
 * The state administrator's pages in Chromium against the real server, on the shipped demo election:
 * sign in, create the audit by loading audit.json, create a county administrator's account, watch the
 * counties' files arrive (uploaded through the engine as the county pages would), review the sample
 * sizes, see the weak-seed warning and record the ceremony's seed, start round 1, watch the boards'
 * progress arrive by polling (readings recorded through the engine, as the paper shows: the CVRs), finish
 * the round (confirmed), see the chart's table, and download the CSV report. axe-core finds no serious
 * or critical problem on the pages, and the pages log no errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cardKey, type CardReading, type ContestReading } from '@openrla/audit';
import {
  DEMO_CEREMONY_SEED,
  demoElection,
  loadAudit,
  runCommand,
  uploadCvrs,
  uploadManifest,
  writeDemoElection,
} from '@openrla/ingest';
import { createMemoryStore, type AuditStore } from '@openrla/store';
import {
  browserTestsEnabled,
  openAppInBrowser,
  TEST_AUTH,
  type AppInBrowser,
} from '../../testing/browser.js';

const enabled = browserTestsEnabled();
const EMAIL = 'sos@state.example.gov';
const PASSWORD = 'state admin password';

describe.skipIf(!enabled)('the state administrator in Chromium', () => {
  let app: AppInBrowser;
  let store: AuditStore;
  let dir: string;
  const election = demoElection();
  const context = { author: 'test', now: () => new Date().toISOString() };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'openrla-state-test-'));
    const written = writeDemoElection({ dir: path.join(dir, 'demo'), election });
    if (!written.ok) throw new Error(written.error.message);
    store = createMemoryStore();
    app = await openAppInBrowser({ app: { store, auth: TEST_AUTH } });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('create the demo audit, accounts, seed, round 1, progress, finish, reports', async () => {
    const { page } = app;
    const demo = path.join(dir, 'demo');

    // First run, then the state home page.
    await app.goto('/setup');
    await page.getByLabel('Your name').fill('Shirley Weber');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /Create the administrator/ }).click();
    await page.getByRole('heading', { name: 'State audit administration' }).waitFor();
    await page.getByText('There are no audits yet.').waitFor();

    // Create the audit from the demo's audit.json; a form error first (nothing loaded).
    await page.getByRole('link', { name: 'Create an audit' }).click();
    await page.getByRole('heading', { name: 'Create an audit' }).waitFor();
    await page.getByRole('button', { name: 'Create the audit' }).click();
    await page.getByRole('link', { name: 'Enter the audit’s name.' }).waitFor();
    await page
      .getByLabel('Audit definition file (JSON, optional)')
      .setInputFiles(path.join(demo, 'audit.json'));
    await page.getByText('Loaded audit.json: check the settings below, then create the audit.').waitFor();
    expect(await page.getByLabel('Audit name').inputValue()).toBe(election.definition.name);
    expect(await page.getByLabel('Risk limit (%)').inputValue()).toBe(
      String(election.definition.riskLimit * 100),
    );
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('state-create-audit');
    const auditId = await page.getByLabel('Audit id').inputValue();
    await page.getByRole('button', { name: 'Create the audit' }).click();
    await page.getByRole('heading', { name: election.definition.name, level: 1 }).waitFor();
    const jurisdictions = election.jurisdictions.map((j) => j.name);
    await page.getByText(`Waiting for the ballot manifest of ${jurisdictions.join(' and ')}`).waitFor();
    expect(await page.getByRole('link', { name: new RegExp(`/audits/${auditId}$`) }).count()).toBe(1);

    // A county administrator's account.
    await page.getByRole('link', { name: 'Create their accounts' }).click();
    await page.getByRole('heading', { name: 'Jurisdiction administrators’ accounts' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Alex Alder');
    await page.getByLabel('Email address').fill('clerk@alder.example.gov');
    await page.getByLabel('Jurisdiction').fill(jurisdictions[0]!);
    await page.getByLabel('First password').fill('county admin password');
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.getByText(`Alex Alder (${jurisdictions[0]}) can now sign in.`).waitFor();
    await page.getByRole('cell', { name: 'clerk@alder.example.gov' }).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);

    // The counties upload (as their pages do, through the engine).
    for (const j of election.jurisdictions) {
      const m = await uploadManifest({
        store,
        auditId,
        jurisdiction: j.name,
        file: path.join(demo, 'manifests', `${j.slug}.csv`),
        context,
      });
      if (!m.ok) throw new Error(m.error.message);
      const v = await uploadCvrs({
        store,
        auditId,
        jurisdiction: j.name,
        files: [path.join(demo, 'cvrs', `${j.slug}-CVR_Export.csv`)],
        context,
      });
      if (!v.ok) throw new Error(v.error.message);
    }
    await app.goto(`/state/audits/${auditId}`);
    await page.getByText('Every file is in.', { exact: false }).waitFor();

    // Sample sizes with their chance to finish; the suggested option is chosen.
    await page.getByRole('heading', { name: '2. Sample sizes for round 1' }).waitFor();
    const optionRows = page.locator('section[aria-labelledby="step-plan"] tbody tr');
    await page.getByText('(suggested)').first().waitFor();
    expect(await optionRows.count()).toBeGreaterThan(1);
    await page.getByRole('cell', { name: '100%' }).first().waitFor(); // a full hand count always finishes
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('state-plan');

    // The seed: a short one is warned about as it is typed; the ceremony's is recorded.
    await page.getByLabel('Seed from the public dice ceremony').fill('12345');
    await page.getByText('A dice seed needs at least 20 digits; this one has 5.').waitFor();
    await page.getByLabel('Seed from the public dice ceremony').fill(DEMO_CEREMONY_SEED);
    await page.getByRole('button', { name: 'Record the seed' }).click();
    await page.getByTestId('seed').getByText(DEMO_CEREMONY_SEED).waitFor();

    // Round 1: a custom size beyond the contest is refused beside its input; the suggested size is used.
    // (USWDS draws the radio on its label: a person clicks the label.)
    await page.getByText('A custom size', { exact: true }).click();
    expect(await page.getByLabel('A custom size').isChecked()).toBe(true);
    await page.getByLabel(/^Custom size for .* \(cards in all\)$/).fill('5,000,000');
    await page.getByRole('button', { name: 'Start round 1' }).click();
    await page.getByRole('link', { name: /the custom size counts every card drawn so far/ }).waitFor();
    await page.getByText(/cards \(suggested\)$/).click();
    expect(await page.getByLabel(/cards \(suggested\)$/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Start round 1' }).click();
    await page.getByText(/Round 1 is under way: the audit boards have recorded 0 of/).waitFor();
    // The button is gone with the round started: focus is on what to do next.
    expect(await page.locator(':focus').textContent()).toMatch(/^What to do next/);

    // The boards record every card as its paper shows (here: as its CVR says); the page polls.
    const loaded = await loadAudit({ store, auditId });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const state = loaded.value.state;
    const round = state.rounds[0]!;
    const contestsOf = (j: string) =>
      election.definition.contests.filter((c) => c.jurisdictions.includes(j)).map((c) => c.name);
    for (const d of round.draws) {
      if (d.phantom || state.readings.has(cardKey(d.card))) continue;
      const cvr = state.cvrs.get(cardKey(d.card));
      const contests: Record<string, ContestReading> = {};
      for (const c of contestsOf(d.card.jurisdiction)) {
        const marks = cvr?.[c];
        contests[c] =
          marks === undefined
            ? { kind: 'not-on-card' }
            : marks.length === 0
              ? { kind: 'blank' }
              : { kind: 'votes', choices: [...marks] };
      }
      const reading: CardReading = { found: true, contests };
      const ran = await runCommand({
        store,
        auditId,
        context,
        command: { type: 'card.record', card: d.card, reading },
      });
      if (!ran.ok && ran.error.kind !== 'card.already-recorded') throw new Error(ran.error.message);
    }
    await page.getByText('Every card of round 1 is recorded. Finish round 1.').waitFor({ timeout: 20_000 });

    await page.getByRole('button', { name: 'Finish round 1' }).click();
    await page
      .getByText('The audit is complete. Download the report and publish the audit record.')
      .waitFor();
    await page.getByRole('cell', { name: 'Confirmed: the risk is within the limit' }).first().waitFor();
    await page
      .getByRole('cell', { name: /^Not confirmed \(opportunistic/ })
      .first()
      .waitFor();
    const riskTable = page.getByRole('table', { name: 'Measured risk after each round' });
    expect(await riskTable.locator('tbody tr').count()).toBe(election.definition.contests.length);
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('state-dashboard');

    // The CSV report is the CLI's.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the report (CSV)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('######## SAMPLED CARDS ########');
    expect(csv).toContain(DEMO_CEREMONY_SEED);

    await app.goto('/state');
    await page.getByRole('link', { name: auditId }).waitFor();
    await app.screenshot('state-home');
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
