/**
 * The audit board in Chromium against the real server (decision 0012): the board opens its sign-in link
 * (passphrase in the fragment), names its members, and works through its cards one at a time — marks,
 * review, submit (by mouse and by keyboard shortcut); a card entered offline survives a reload while
 * offline and is sent when the connection returns; a card entered after the board's sign-in ended waits until the board
 * signs in again with a new link; an answer lost on the way back is retried without a second event; a refusal is shown beside its card
 * and the card entered again; a correction from the card list carries its reason; sign-off ends the round. The audit's
 * log then holds exactly one first reading per card. axe-core finds no serious or critical problem.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Command } from '@openrla/audit';
import { createAuditLog, runCommand, uploadCvrs, uploadManifest } from '@openrla/ingest';
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
const AUDIT = 'board-test';
const ARLO = new URL(
  '../../../../../../shared/fixtures/arlo-small-election-multijurisdiction/',
  import.meta.url,
);

async function eventTypes(store: AuditStore): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const out: { type: string; payload: Record<string, unknown> }[] = [];
  for await (const e of store.readEvents({ auditId: AUDIT }))
    out.push({ type: e.type, payload: e.payload as Record<string, unknown> });
  return out;
}

/** One county's comparison audit with one board, round 1 started (a small custom size). */
async function startAudit(store: AuditStore): Promise<void> {
  const context = { author: 'test', now: () => new Date().toISOString() };
  const run = async (command: Command) => {
    const ran = await runCommand({ store, auditId: AUDIT, context, command });
    if (!ran.ok) throw new Error(`${command.type}: ${ran.error.message}`);
  };
  const made = await createAuditLog({ store, auditId: AUDIT });
  if (!made.ok) throw new Error(made.error.message);
  await run({
    type: 'audit.define',
    definition: {
      name: 'Board page test',
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
  const file = (what: string) => fileURLToPath(new URL(`Kendall_Park__${what}`, ARLO));
  const m = await uploadManifest({
    store,
    auditId: AUDIT,
    jurisdiction: KP,
    file: file('ballot_manifest.csv'),
    context,
  });
  if (!m.ok) throw new Error(m.error.message);
  const v = await uploadCvrs({ store, auditId: AUDIT, jurisdiction: KP, files: [file('cvrs.csv')], context });
  if (!v.ok) throw new Error(v.error.message);
  await run({ type: 'board.create', jurisdiction: KP, board: 'kp-1', members: ['Ann Lee', 'Bob Ray'] });
  await run({ type: 'seed.set', seed: '32561984216549873215' });
  await run({ type: 'round.start', sizes: { [FARMING]: { custom: 8 } } });
}

describe.skipIf(!enabled)('the audit board in Chromium', () => {
  let app: AppInBrowser;
  let store: AuditStore;
  let link: string;
  let clerk: ApiPerson;
  beforeAll(async () => {
    store = createMemoryStore();
    app = await openAppInBrowser({ app: { store, auth: TEST_AUTH } });
    await startAudit(store);
    const admin = new ApiPerson(app.baseUrl);
    expect(
      (
        await admin.request('POST', '/api/setup', {
          email: 'sos@example.gov',
          name: 'State',
          password: 'state admin password',
        })
      ).status,
    ).toBe(201);
    const made = await admin.request('POST', '/api/users', {
      role: 'jurisdiction-admin',
      email: 'kp@example.gov',
      name: 'Clerk',
      password: 'county admin password',
      jurisdiction: KP,
    });
    expect(made.status).toBe(201);
    clerk = new ApiPerson(app.baseUrl);
    expect(
      (
        await clerk.request('POST', '/api/login', {
          email: 'kp@example.gov',
          password: 'county admin password',
        })
      ).status,
    ).toBe(200);
    const issued = await clerk.request<{ link: string }>('POST', '/api/audit-boards/kp-1/credentials', {
      round: 1,
    });
    expect(issued.status).toBe(201);
    link = issued.body.link;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  test('sign in, enter cards (offline too), correct one, sign off: one event per card', async () => {
    const { page, context } = app;
    const url = new URL(link);
    await app.goto(url.pathname + url.search + url.hash);
    await page.getByRole('heading', { name: 'Audit board sign-in' }).waitFor();
    // The link filled in the board and passphrase, and the passphrase left the address bar.
    expect(await page.getByLabel('Audit board ID').inputValue()).toBe('kp-1');
    expect(await page.getByLabel('Passphrase').inputValue()).toBe(decodeURIComponent(url.hash.slice(1)));
    expect(new URL(page.url()).hash).toBe('');
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Sign in as this audit board' }).click();
    await page.getByRole('link', { name: 'Enter member 1’s name.' }).waitFor();
    const member1 = page.getByRole('group', { name: 'Member 1' });
    await member1.getByLabel('Full name').fill('Ann Lee');
    await member1.getByLabel('Party affiliation').fill('Democratic');
    const member2 = page.getByRole('group', { name: /Member 2/ });
    await member2.getByLabel('Full name').fill('Bob Ray');
    await member2.getByLabel('Party affiliation').fill('Republican');
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Sign in as this audit board' }).click();

    await page.getByRole('heading', { name: 'Audit board kp-1', level: 1 }).waitFor();
    const first = page.getByRole('heading', { name: /^Card 1 of \d+$/ });
    await first.waitFor();
    const total = Number(/of (\d+)/.exec((await first.textContent())!)![1]);
    expect(total).toBeGreaterThanOrEqual(5);
    await page.getByText('Card number in the batch').first().waitFor();
    await page.getByText('Imprinted ID').first().waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('board-card');

    // Review with nothing marked: the problem is named beside the contest and in the summary.
    await page.getByRole('button', { name: 'Review this card' }).click();
    await page.getByRole('link', { name: /Minister of Farming: mark what the card shows/ }).waitFor();
    const farming = page.getByRole('group', { name: /Minister of Farming/ });
    const choices = farming.getByRole('checkbox');
    const firstChoice = (await choices.first().getAttribute('id'))!;
    await page.locator(`label[for="${firstChoice}"]`).click();
    // Keyboard: R reviews, S submits.
    await page.keyboard.press('r');
    await page.getByRole('heading', { name: 'Review card 1 of ' + total }).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('board-review');
    await page.keyboard.press('s');
    await page.getByRole('heading', { name: `Card 2 of ${total}` }).waitFor();

    // Offline: cards 2 and 3 are kept on this computer, through a reload, and sent once back online.
    await context.setOffline(true);
    await page.getByText(/Blank \(no vote\)/).click();
    await page.getByRole('button', { name: 'Review this card' }).click();
    await page.getByRole('button', { name: 'Submit this card' }).click();
    await page.getByRole('heading', { name: `Card 3 of ${total}` }).waitFor();
    await page.getByText(/waiting for the connection/).waitFor();
    await page.getByRole('button', { name: 'Card not found' }).click();
    await page.getByRole('heading', { name: 'Card not found' }).waitFor();
    await page.getByRole('button', { name: 'Submit this card' }).click();
    await page.getByRole('heading', { name: `Card 4 of ${total}` }).waitFor();
    await page.reload().catch(() => undefined); // the browser cannot load the page offline
    await context.setOffline(false);
    await app.goto('/board');
    await page.getByRole('heading', { name: `Card 4 of ${total}` }).waitFor();
    await expect
      .poll(async () => (await eventTypes(store)).filter((e) => e.type === 'card.recorded').length, {
        timeout: 15_000,
      })
      .toBe(3);

    // The jurisdiction issues a new link (which ends this sign-in): card 4 waits on this computer, and
    // is sent once the board signs in again with the new link.
    const reissued = await clerk.request<{ link: string }>('POST', '/api/audit-boards/kp-1/credentials', {
      round: 1,
    });
    expect(reissued.status).toBe(201);
    await page.getByText(/Blank \(no vote\)/).click();
    await page.getByRole('button', { name: 'Review this card' }).click();
    await page.getByRole('button', { name: 'Submit this card' }).click();
    await page.getByRole('heading', { name: 'Your sign-in has ended' }).waitFor();
    const again = new URL(reissued.body.link);
    await app.goto(again.pathname + again.search + again.hash);
    await page.getByRole('heading', { name: 'Audit board sign-in' }).waitFor();
    await page.getByRole('group', { name: 'Member 1' }).getByLabel('Full name').fill('Ann Lee');
    await page.getByRole('group', { name: 'Member 1' }).getByLabel('Party affiliation').fill('Democratic');
    await page.getByRole('button', { name: 'Sign in as this audit board' }).click();
    await page.getByRole('heading', { name: `Card 5 of ${total}` }).waitFor();
    await expect
      .poll(async () => (await eventTypes(store)).filter((e) => e.type === 'card.recorded').length, {
        timeout: 15_000,
      })
      .toBe(4);

    // An answer lost on its way back: the page sends again, the server appends nothing the second time.
    let lost = 0;
    let refused = 0;
    await page.route('**/api/audits/*/board/cards', async (route) => {
      const request = route.request();
      if (request.method() === 'POST' && lost === 0) {
        lost++;
        await route.fetch(); // the server records it …
        return route.abort('connectionreset'); // … but the page never hears back
      }
      // The last card ("not found") is refused once, as a server would refuse a reading it cannot take.
      if (request.method() === 'POST' && refused === 0 && request.postDataJSON().reading.found === false) {
        refused++;
        return route.fulfill({
          status: 422,
          json: { error: { kind: 'card.test-refusal', message: 'Refused for the test.' } },
        });
      }
      return route.continue();
    });
    for (let n = 5; n <= total; n++) {
      await page.getByRole('heading', { name: `Card ${n} of ${total}` }).waitFor();
      if (n === total) await page.getByRole('button', { name: 'Card not found' }).click();
      else if (n === 5) {
        // Keyboard only: with the choice focused, Space ticks it, R reviews, S submits.
        await page.locator('#contest-0-blank').focus();
        await page.keyboard.press('Space');
        expect(await page.locator('#contest-0-blank').isChecked()).toBe(true);
        await page.keyboard.press('r');
        await page.getByRole('heading', { name: `Review card 5 of ${total}` }).waitFor();
        await page.keyboard.press('s');
        continue;
      } else {
        await page.getByText(/Blank \(no vote\)/).click();
        await page.getByRole('button', { name: 'Review this card' }).click();
      }
      await page.getByRole('button', { name: 'Submit this card' }).click();
    }
    await page.getByRole('heading', { name: 'All cards on your list' }).waitFor();
    // The refusal is shown beside its card; the board enters the card again.
    await page.getByText('Refused for the test.').waitFor();
    await page.getByText(/The server refused 1 entry/).waitFor();
    await page.getByText(`${total - 1} of ${total} cards done`).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: `Enter card ${total} again` }).click();
    await page.getByRole('heading', { name: `Card ${total} of ${total}` }).waitFor();
    await page.getByRole('button', { name: 'Card not found' }).click();
    await page.getByRole('button', { name: 'Submit this card' }).click();
    await page.getByRole('heading', { name: 'All cards on your list' }).waitFor();
    await page.getByText(`${total} of ${total} cards done`).waitFor({ timeout: 15_000 });
    expect(lost).toBe(1);
    expect(refused).toBe(1);
    await page.unroute('**/api/audits/*/board/cards');

    let events = await eventTypes(store);
    const keys = events
      .filter((e) => e.type === 'card.recorded')
      .map((e) => JSON.stringify(e.payload['card']));
    expect(keys.length).toBe(total);
    expect(new Set(keys).size).toBe(total);

    // A correction from the list; letters typed into the reason are text, not shortcuts.
    await page.getByRole('button', { name: 'Correct card 1' }).click();
    await page.getByRole('heading', { name: `Correct card 1 of ${total}` }).waitFor();
    await page.getByLabel('Why are you correcting this card?').fill('');
    await page.getByLabel('Why are you correcting this card?').pressSequentially('re-read');
    expect(await page.getByRole('heading', { name: /Review card/ }).count()).toBe(0);
    // The correction starts from what was recorded (the first choice, ticked on card 1).
    expect(await page.locator(`#${firstChoice}`).isChecked()).toBe(true);
    await page.getByText('Overvote (more marks than allowed)').click();
    await page.getByRole('button', { name: 'Review this card' }).click();
    await page.getByText('Reason: re-read').waitFor();
    await page.getByRole('button', { name: 'Submit this card' }).click();
    await page.getByRole('heading', { name: 'All cards on your list' }).waitFor();
    await expect
      .poll(async () => (await eventTypes(store)).filter((e) => e.type === 'card.recorded').length)
      .toBe(total + 1);
    await page.getByText(`${total} of ${total} cards done`).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('board-cards');

    // Sign-off: the member from the last sign-in is filled in; the statement must be ticked.
    await page.getByRole('button', { name: 'Sign off round 1' }).click();
    await page.getByRole('link', { name: /Confirm that you read every card/ }).waitFor();
    await page.getByText('We read every card on our list and entered exactly what the paper shows.').click();
    await page.getByRole('button', { name: 'Sign off round 1' }).click();
    await page.getByRole('heading', { name: 'Round 1 signed off' }).waitFor();
    await page.getByText(/by Ann Lee \(Democratic\)\./).waitFor();
    events = await eventTypes(store);
    expect(events.filter((e) => e.type === 'board.signed-off')).toMatchObject([
      { payload: { board: 'kp-1', round: 1, members: [{ name: 'Ann Lee', party: 'Democratic' }] } },
    ]);
    const corrections = events.filter((e) => e.type === 'card.recorded' && e.payload['correction'] !== null);
    expect(corrections).toMatchObject([
      { payload: { correction: { reason: 're-read' }, reading: { found: true } } },
    ]);
    // Only the offline stretch and the cut answer may log network errors.
    expect(
      app.pageErrors.filter(
        (e) =>
          !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|Failed to load resource|Failed to fetch|401/.test(
            e,
          ),
      ),
    ).toEqual([]);
  }, 180_000);
});
