/**
 * One complete two-jurisdiction audit of the shipped demo election, through the UI only, in Chromium
 * against the real server on the embedded database (PGlite, as `npm start` runs it). Five people, each
 * in their own browser context: the state administrator (first-run screen, create the audit from
 * audit.json, the counties' accounts, seed, rounds, report), the two county administrators (manifest and
 * CVR uploads, an audit board each, its sign-in sheet every round, sign-off) and the two audit boards
 * (sign in with the sheet's link, read every card off the demo's paper files, sign off). One board enters
 * one card differently from its paper (a one-vote overstatement in the Governor's race), which forces a
 * second round; round 2 confirms the outcome. The published record, downloaded from the public record
 * page, is then checked by `openrla audit verify`. Screenshots of each role's main page go to
 * test-artifacts/screenshots/; axe-core finds no serious or critical problem on those pages.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ContestReading } from '@openrla/audit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main as openrla } from '@openrla/cli';
import { DEMO_CEREMONY_SEED, demoElection, writeDemoElection } from '@openrla/ingest';
import { openStore, type AuditStore } from '@openrla/store';
import { pgliteTemplate } from '@openrla/store/testing';
import {
  browserTestsEnabled,
  openAppInBrowser,
  TEST_AUTH,
  type AppInBrowser,
  type PersonInBrowser,
} from '../testing/browser.js';
import { readPaperFiles, type DemoPaper } from './demo_paper.js';

const enabled = browserTestsEnabled();
const STATE = { name: 'Shirley Weber', email: 'sos@state.example.gov', password: 'state admin password' };
const COUNTY_PASSWORD = 'county admin password';
const GOVERNOR = 'Governor';

interface County {
  readonly name: string;
  readonly slug: string;
  readonly email: string;
  readonly members: readonly [string, string];
  admin: PersonInBrowser;
  board: PersonInBrowser;
  /** The board's sign-in link for the round at hand. */
  link: string;
  boardName: string;
}

/** What the page says about the card on screen: where to find it. */
async function cardOnScreen(
  page: Page,
): Promise<{ tabulator: string | null; batch: string; position: number }> {
  // One round trip: the pairs of the "Where to find the card" list.
  const pairs = await page
    .getByRole('definition')
    .first()
    .locator('xpath=ancestor::dl')
    .evaluate((dl) =>
      [...dl.querySelectorAll('dt')].map((dt) => [
        dt.textContent ?? '',
        dt.nextElementSibling?.textContent ?? '',
      ]),
    );
  const at = (term: string): string | undefined => pairs.find(([t]) => t === term)?.[1]?.trim();
  return {
    tabulator: at('Tabulator') ?? null,
    batch: at('Batch')!,
    position: Number(at('Card number in the batch')),
  };
}

describe.skipIf(!enabled)('a whole audit of the demo election in Chromium', () => {
  let app: AppInBrowser;
  let store: AuditStore;
  let dir: string;
  let paper: DemoPaper;
  const election = demoElection();
  const demo = (p: string) => path.join(dir, 'demo', ...p.split('/'));
  /** The audit's contests on a county's cards (the board's page shows each of them on every card). */
  const contestsOf = (jurisdiction: string) =>
    election.definition.contests.filter((c) => c.jurisdictions.includes(jurisdiction)).map((c) => c.name);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'openrla-e2e-'));
    const written = writeDemoElection({ dir: path.join(dir, 'demo'), election });
    if (!written.ok) throw new Error(written.error.message);
    paper = await readPaperFiles({
      demoDir: path.join(dir, 'demo'),
      jurisdictions: election.jurisdictions.map((j) => j.name),
    });
    store = await openStore({
      kind: 'pglite',
      dataDir: path.join(dir, 'data'),
      loadDataDir: await pgliteTemplate(),
    });
    app = await openAppInBrowser({ app: { store, auth: TEST_AUTH } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('state, two counties and two boards: a discrepancy, a second round, confirmed, verified', async () => {
    const state = app;
    const sp = state.page;
    // Wall-clock seconds at the end of each part, printed once (never asserted: the machine is shared).
    const t0 = performance.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const a11y = async (person: PersonInBrowser, screenshot: string) => {
      expect(await person.seriousAccessibilityViolations(), screenshot).toEqual([]);
      await person.screenshot(`e2e-${screenshot}`);
    };

    // ---- The state administrator: first run, the audit from audit.json, the counties' accounts.
    await state.goto('/login'); // nobody has an account yet: the first-run screen
    await sp.getByRole('heading', { name: 'Set up OpenRLA' }).waitFor();
    await sp.getByLabel('Your name').fill(STATE.name);
    await sp.getByLabel('Email address').fill(STATE.email);
    await sp.getByLabel('Password').fill(STATE.password);
    await sp.getByRole('button', { name: /Create the administrator/ }).click();
    await sp.getByRole('heading', { name: 'State audit administration' }).waitFor();

    await sp.getByRole('link', { name: 'Create an audit' }).click();
    await sp.getByLabel('Audit definition file (JSON, optional)').setInputFiles(demo('audit.json'));
    await sp.getByText('Loaded audit.json', { exact: false }).waitFor();
    const auditId = await sp.getByLabel('Audit id').inputValue();
    await sp.getByRole('button', { name: 'Create the audit' }).click();
    await sp.getByRole('heading', { name: election.definition.name, level: 1 }).waitFor();

    const counties: County[] = [];
    await sp.getByRole('link', { name: 'Create their accounts' }).click();
    await sp.getByRole('heading', { name: 'Jurisdiction administrators’ accounts' }).waitFor();
    for (const [i, j] of election.jurisdictions.entries()) {
      const email = `clerk@${j.slug}.example.gov`;
      await sp.getByLabel('Name', { exact: true }).fill(`Clerk of ${j.name}`);
      await sp.getByLabel('Email address').fill(email);
      await sp.getByLabel('Jurisdiction').fill(j.name);
      await sp.getByLabel('First password').fill(COUNTY_PASSWORD);
      await sp.getByRole('button', { name: 'Create the account' }).click();
      await sp.getByText(`Clerk of ${j.name} (${j.name}) can now sign in.`).waitFor();
      counties.push({
        name: j.name,
        slug: j.slug,
        email,
        members: i === 0 ? ['Ann Lee', 'Bob Ray'] : ['Cy Diaz', 'Di Fox'],
        admin: await state.newPerson(),
        board: await state.newPerson({ width: 1024, height: 900 }),
        link: '',
        boardName: '',
      });
    }

    phase('accounts');
    // ---- The county administrators, side by side: files, an audit board, its sign-in sheet.
    await Promise.all(
      counties.map(async (county) => {
        const { admin } = county;
        const p = admin.page;
        await admin.goto('/login');
        await p.getByLabel('Email address').fill(county.email);
        await p.getByLabel('Password').fill(COUNTY_PASSWORD);
        await p.getByRole('button', { name: 'Sign in' }).click();
        await p.getByRole('heading', { name: `${county.name}: audits` }).waitFor();
        await p.getByRole('link', { name: election.definition.name }).click();
        await p.getByRole('heading', { name: `${election.definition.name}: ${county.name}` }).waitFor();
        await p.getByLabel('Ballot manifest (CSV)').setInputFiles(demo(`manifests/${county.slug}.csv`));
        await p.getByRole('button', { name: 'Upload the ballot manifest' }).click();
        await p.getByText(`${county.slug}.csv was imported.`).waitFor();
        await p
          .getByLabel('CVR export (CSV, ZIP, JSON or XML)')
          .setInputFiles(demo(`cvrs/${county.slug}-CVR_Export.csv`));
        await p.getByRole('button', { name: 'Upload the CVR export' }).click();
        await p.getByText(`${county.slug}-CVR_Export.csv was imported.`).waitFor({ timeout: 30_000 });

        county.boardName = await p.getByLabel('Board name').inputValue();
        await p.getByLabel('First member').fill(county.members[0]);
        await p.getByLabel('Second member').fill(county.members[1]);
        await p.getByRole('button', { name: 'Create the audit board' }).click();
        await p.getByText(`Audit board ${county.boardName} was created.`, { exact: false }).waitFor();
        county.link = await printSignInSheet(county);
      }),
    );
    await a11y(counties[0]!.admin, 'county-audit');

    phase('counties');
    // ---- The state administrator: every file is in; the seed; round 1.
    await state.goto(`/state/audits/${auditId}`);
    await sp.getByText('Every file is in.', { exact: false }).waitFor({ timeout: 20_000 });
    await sp.getByText('(suggested)').first().waitFor();
    await sp.getByLabel('Seed from the public dice ceremony').fill(DEMO_CEREMONY_SEED);
    await sp.getByRole('button', { name: 'Record the seed' }).click();
    await sp.getByTestId('seed').getByText(DEMO_CEREMONY_SEED).waitFor();
    await sp.getByRole('button', { name: 'Start round 1' }).click();
    await sp
      .getByTestId('next-step')
      .getByText(/Round 1 is under way: the audit boards have recorded 0 of/)
      .waitFor();
    await a11y(state, 'state-dashboard-round-1');

    phase('round1-start');
    // ---- The audit boards, side by side. Alder County's board misreads its first card with a vote
    // for the Governor's reported winner as blank.
    const winner = Object.entries(election.tallies[GOVERNOR]!.votes).sort((a, b) => b[1] - a[1])[0]![0];
    let misread: string | null = null;
    const counted = await Promise.all(
      counties.map((county, i) =>
        boardRound({
          county,
          round: 1,
          misread:
            i === 0
              ? (card, reading) => {
                  if (misread !== null) return false;
                  const governor = reading[GOVERNOR];
                  if (governor?.kind !== 'votes' || governor.choices[0] !== winner) return false;
                  misread = JSON.stringify(card);
                  return true;
                }
              : () => false,
          screenshot: i === 0,
        }),
      ),
    );
    expect(misread, 'a card of Alder County for the winner to misread').not.toBeNull();
    const round1Cards = counted.reduce((s, n) => s + n, 0);
    expect(round1Cards).toBeGreaterThan(5);
    expect(round1Cards).toBeLessThan(60);
    await Promise.all(counties.map((county) => countySignOff(county, 1)));

    phase('round1-boards');
    // ---- The state administrator finishes round 1: the discrepancy leaves the risk above the limit.
    await sp.getByText('Every card of round 1 is recorded. Finish round 1.').waitFor({ timeout: 20_000 });
    await sp.getByRole('button', { name: 'Finish round 1' }).click();
    await sp.getByRole('button', { name: 'Start round 2' }).waitFor();
    expect(await sp.getByText('The audit is complete.', { exact: false }).count()).toBe(0);
    // The Governor's row: not confirmed, one 1-vote overstatement (2-over, 1-over, 1-under, 2-under).
    const contests = sp.getByRole('table', { name: 'Contests after the last finished round' });
    const governorRow = contests
      .getByRole('row')
      .filter({ has: sp.getByRole('rowheader', { name: GOVERNOR, exact: true }) });
    await governorRow.getByRole('cell', { name: '0, 1, 0, 0', exact: true }).waitFor();
    expect(await governorRow.getByText('Confirmed', { exact: false }).count()).toBe(0);
    await sp.getByRole('button', { name: 'Start round 2' }).click();
    await sp
      .getByTestId('next-step')
      .getByText(/Round 2 is under way/)
      .waitFor();

    phase('round2-start');
    // ---- Round 2: new sign-in sheets, honest boards, sign-off.
    await Promise.all(
      counties.map(async (county) => {
        await county.admin.goto(`/county/audits/${auditId}`);
        await county.admin.page.getByText('round 2', { exact: false }).first().waitFor();
        county.link = await printSignInSheet(county);
      }),
    );
    const counted2 = await Promise.all(
      counties.map((county) => boardRound({ county, round: 2, misread: () => false, screenshot: false })),
    );
    expect(counted2.reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    await Promise.all(counties.map((county) => countySignOff(county, 2)));

    await sp.getByText('Every card of round 2 is recorded. Finish round 2.').waitFor({ timeout: 20_000 });
    await sp.getByRole('button', { name: 'Finish round 2' }).click();
    await sp.getByText('The audit is complete. Download the report and publish the audit record.').waitFor();
    await governorRow.getByRole('cell', { name: 'Confirmed: the risk is within the limit' }).waitFor();
    await governorRow.getByRole('cell', { name: '0, 1, 0, 0', exact: true }).waitFor();
    await a11y(state, 'state-dashboard');

    phase('round2-done');
    // The report, as the state administrator downloads it.
    const [report] = await Promise.all([
      sp.waitForEvent('download'),
      sp.getByRole('link', { name: 'Download the report (CSV)' }).click(),
    ]);
    const csv = readFileSync((await report.path())!, 'utf8');
    expect(csv).toContain(DEMO_CEREMONY_SEED);
    expect(csv).toContain(GOVERNOR);

    // ---- The public: the audit's progress; the record, downloaded part by part from its page and
    // verified by the CLI. (The verify page's recomputation in the browser has its own test:
    // routes/public/audits/public_audit.browser.test.ts.)
    const visitor = await app.newPerson();
    await visitor.goto(`/audits/${encodeURIComponent(auditId)}`);
    await visitor.page.getByRole('heading', { name: election.definition.name, level: 1 }).waitFor();
    await a11y(visitor, 'public-progress');
    await visitor.goto(`/audits/${encodeURIComponent(auditId)}/record`);
    const record = path.join(dir, 'record');
    mkdirSync(path.join(record, 'files'), { recursive: true });
    const links = visitor.page.locator('main a[download]');
    await links.first().waitFor();
    await a11y(visitor, 'public-record');
    const n = await links.count();
    let files = 0;
    for (let i = 0; i < n; i++) {
      const [download] = await Promise.all([visitor.page.waitForEvent('download'), links.nth(i).click()]);
      const name = download.suggestedFilename();
      const isFile = /^[0-9a-f]{64}$/.test(name);
      files += isFile ? 1 : 0;
      const saveAs = isFile ? path.join('files', name) : name;
      await download.saveAs(path.join(record, saveAs));
    }
    expect(files).toBe(4); // two manifests and two CVR exports
    // Saved under the names the browser suggests: the record's layout, as `verify` reads it.
    expect(readdirSync(record).sort()).toEqual(['events.jsonl', 'files', 'record.json']);
    const verified = await cli(['audit', 'verify', record]);
    expect(verified.stderr).toBe('');

    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^OK: \d+ events replayed/);

    phase('verified');
    console.info(`full audit in Chromium: ${phases.join(', ')}`);
    for (const person of [state, visitor, ...counties.flatMap((c) => [c.admin, c.board])])
      expect(
        person.pageErrors.filter((e) => !/Failed to load resource: .*40[19]/.test(e)),
        'errors in the pages',
      ).toEqual([]);
  }, 300_000);

  /** The county administrator prints the board's sign-in sheet for the round at hand; its link. */
  async function printSignInSheet(county: County): Promise<string> {
    const p = county.admin.page;
    await p.getByRole('button', { name: `Print a sign-in sheet for ${county.boardName}` }).click();
    await p.getByRole('heading', { name: 'Shown only once' }).waitFor();
    const link = (await p.getByTestId('board-link').textContent())!.trim();
    await p.getByRole('button', { name: 'I have printed it: hide the passphrase' }).click();
    return link;
  }

  /** The county administrator signs the round off once its board is done. */
  async function countySignOff(county: County, round: number): Promise<void> {
    const p = county.admin.page;
    await county.admin.goto(p.url());
    await p.getByRole('button', { name: `Sign off round ${round}` }).click();
    await p.getByRole('heading', { name: `${county.name} signed off round ${round}` }).waitFor();
  }

  /**
   * One board's round: sign in with the sheet's link, then every card on its list as its paper shows it
   * (but `misread` cards: their Governor vote is entered as blank), then sign off. The number of cards.
   */
  async function boardRound(options: {
    readonly county: County;
    readonly round: number;
    readonly misread: (
      card: { tabulator: string | null; batch: string; position: number },
      reading: Readonly<Record<string, ContestReading>>,
    ) => boolean;
    readonly screenshot: boolean;
  }): Promise<number> {
    const { county, round } = options;
    const board = county.board;
    const p = board.page;
    const url = new URL(county.link);
    await board.goto(url.pathname + url.search + url.hash);
    await p.getByRole('heading', { name: 'Audit board sign-in' }).waitFor();
    for (const [i, name] of county.members.entries()) {
      const member = p.getByRole('group', { name: new RegExp(`^Member ${i + 1}`) });
      await member.getByLabel('Full name').fill(name);
      await member.getByLabel('Party affiliation').fill(i === 0 ? 'Democratic' : 'Republican');
    }
    await p.getByRole('button', { name: 'Sign in as this audit board' }).click();
    await p.getByRole('heading', { name: `Audit board ${county.boardName}`, level: 1 }).waitFor();

    const first = p.getByRole('heading', { name: /^Card 1 of \d+$|^All cards on your list$/ });
    await first.waitFor();
    const heading = (await first.textContent())!;
    const total = heading.startsWith('Card') ? Number(/of (\d+)/.exec(heading)![1]) : 0;
    for (let n = 1; n <= total; n++) {
      await p.getByRole('heading', { name: `Card ${n} of ${total}` }).waitFor();
      const where = await cardOnScreen(p);
      const truth = paper.card({ jurisdiction: county.name, ...where });
      expect(truth, `${county.name} ${JSON.stringify(where)} is in the paper files`).toBeDefined();
      const misread = options.misread(where, truth!.contests);
      for (const contest of contestsOf(county.name)) {
        const reading = truth!.contests[contest]!;
        const group = p.getByRole('group', { name: `${contest} (vote for 1)` });
        const labels =
          contest === GOVERNOR && misread
            ? ['Blank (no vote)']
            : reading.kind === 'votes'
              ? reading.choices
              : [
                  {
                    blank: 'Blank (no vote)',
                    overvote: 'Overvote (more marks than allowed)',
                    'not-on-card': 'Contest not on this card',
                  }[reading.kind],
                ];
        for (const label of labels) await group.getByText(label, { exact: true }).click();
      }
      if (n === 1 && options.screenshot) await board.screenshot('e2e-board-card');
      if (n === 1 && options.screenshot)
        expect(await board.seriousAccessibilityViolations(), 'board card').toEqual([]);
      await p.getByRole('button', { name: 'Review this card' }).click();
      await p.getByRole('heading', { name: `Review card ${n} of ${total}` }).waitFor();
      await p.getByRole('button', { name: 'Submit this card' }).click();
    }
    await p.getByRole('heading', { name: 'All cards on your list' }).waitFor();
    await p.getByText(`${total} of ${total} cards done`).waitFor({ timeout: 15_000 });
    await p.getByRole('button', { name: `Sign off round ${round}` }).click();
    await p.getByText('We read every card on our list and entered exactly what the paper shows.').click();
    await p.getByRole('button', { name: `Sign off round ${round}` }).click();
    await p.getByRole('heading', { name: `Round ${round} signed off` }).waitFor();
    return total;
  }
});

/** Runs `openrla <args>` in this process (the CLI's own code), capturing its output. */
async function cli(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  process.stdout.write = ((chunk: string | Uint8Array) => (
    out.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    err.push(String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    const status = await openrla(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}
