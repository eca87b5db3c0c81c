/**
 * The audit API end to end, driven only through HTTP as the web app and scripts drive it: a state
 * administrator defines a two-jurisdiction comparison audit of the Arlo small election (Kendall Park and
 * Mount Olive), each county's administrator uploads its manifest and CVR export (streamed raw bodies),
 * creates audit boards and prints the retrieval list; the boards record what the paper shows (the CVRs'
 * marks, plus one injected two-vote overstatement that forces a second round) until the outcome is
 * confirmed; the report downloads, and the published record, fetched through the public routes into a
 * folder, passes the CLI's `verifyRecord` (hash chain + engine replay over the files).
 * Plus the scoping rules: another jurisdiction, another board's card, an upload over the limit (413,
 * nothing stored), a wrong media type (415), a bad manifest (located error, nothing stored).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardCvr, CardRef, ContestReading, RoundPlan } from '@openrla/audit';
import { verifyRecord } from '../../cli/src/commands/audit_record.js';
import { hc } from 'hono/client';
import type { App } from './app.js';
import type { Agent } from './auth/harness.js';
import { fixture, openAuditHarness, putFile, type AuditHarness } from './audit_routes.testlib.js';
import type { AuditProgress } from './audit_views.js';

const KP = 'Kendall Park';
const MO = 'Mount Olive';
const FARMING = 'Minister of Farming';
const MAGIC = 'Master of Magic';
const SEED = '32561984216549873215';

const DEFINITION = {
  name: 'Small Election (two counties)',
  riskLimit: 0.1,
  jurisdictions: [KP, MO],
  contests: [
    {
      name: FARMING,
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: [KP, MO],
      numWinners: 1,
    },
    {
      name: MAGIC,
      role: 'opportunistic',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: [KP],
      numWinners: 1,
    },
  ],
};

interface BoardList {
  readonly round: number;
  readonly contests: readonly { readonly name: string; readonly votesAllowed: number }[];
  readonly cards: readonly { readonly card: CardRef; readonly key: string; readonly recorded: boolean }[];
}
interface ApiError {
  readonly error: {
    readonly kind: string;
    readonly message: string;
    readonly field?: string;
    readonly line?: number;
  };
}

/** What an honest board reads for a contest on a card whose paper matches its CVR (as the round recorded it). */
function truthReading(options: {
  readonly cvr: CardCvr | undefined;
  readonly contest: string;
  readonly votesAllowed: number;
}): ContestReading {
  const marks = options.cvr?.[options.contest];
  if (marks === undefined) return { kind: 'not-on-card' };
  if (marks.length === 0) return { kind: 'blank' };
  if (marks.length > options.votesAllowed) return { kind: 'overvote' };
  return { kind: 'votes', choices: [...marks] };
}

function parseJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

async function text(
  agent: Agent | null,
  harness: AuditHarness,
  url: string,
): Promise<{ status: number; body: string; type: string | null }> {
  const headers: Record<string, string> = agent
    ? { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
    : {};
  const res = await harness.app.request(`http://localhost${url}`, { headers });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe.each(['pglite', 'postgres'] as const)(
  'a two-county comparison audit through the API (%s)',
  (kind) => {
    let h: AuditHarness;
    beforeAll(async () => {
      h = await openAuditHarness({ kind });
    }, 60_000);
    afterAll(async () => h?.dispose());

    test('define, upload, seed, plan, rounds until confirmed, report, and the published record verifies', async () => {
      const audit = '/api/audits/small';
      const created = await h.admin.request<{ auditId: string }>('POST', '/api/audits', {
        body: { auditId: 'small', definition: DEFINITION },
      });
      expect(created.status).toBe(201);
      expect(
        (await h.admin.request('POST', '/api/audits', { body: { auditId: 'small', definition: DEFINITION } }))
          .status,
      ).toBe(409);
      const listed = await h.admin.request<{ audits: { auditId: string }[] }>('GET', '/api/audits');
      expect(listed.body.audits.map((a) => a.auditId)).toEqual(['small']);

      const clerks: Record<string, Agent> = { [KP]: await h.clerk(KP), [MO]: await h.clerk(MO) };
      for (const j of [KP, MO]) {
        for (const what of ['ballot_manifest.csv', 'cvrs.csv'] as const) {
          const f = fixture(j, what);
          const route = what === 'cvrs.csv' ? 'cvrs' : 'manifest';
          const up = await putFile({
            agent: clerks[j]!,
            path: `${audit}/jurisdictions/${encodeURIComponent(j)}/${route}?name=${encodeURIComponent(f.name)}`,
            bytes: f.bytes,
            chunked: j === MO,
          });
          expect({ j, what, status: up.status, body: up.body }).toMatchObject({
            j,
            what,
            status: 200,
            body: { changed: true },
          });
          expect(up.body['sha256']).toEqual(
            what === 'cvrs.csv' ? expect.any(String) : createHash('sha256').update(f.bytes).digest('hex'),
          );
        }
      }
      // The same manifest again is a no-op (same hash, no event).
      const again = fixture(KP, 'ballot_manifest.csv');
      const repeat = await putFile({
        agent: clerks[KP]!,
        path: `${audit}/jurisdictions/${encodeURIComponent(KP)}/manifest`,
        bytes: again.bytes,
      });
      expect(repeat).toMatchObject({ status: 200, body: { changed: false } });

      const uploads = await h.admin.request<{ jurisdictions: AuditProgress['jurisdictions'] }>(
        'GET',
        `${audit}/uploads`,
      );
      expect(
        uploads.body.jurisdictions.map((j) => [j.jurisdiction, j.manifest !== null, j.cvrs !== null]),
      ).toEqual([
        [KP, true, true],
        [MO, true, true],
      ]);

      // Boards: two in Kendall Park (cards split by batch), one in Mount Olive.
      for (const [j, board] of [
        [KP, 'kp-1'],
        [KP, 'kp-2'],
        [MO, 'mo-1'],
      ] as const) {
        const made = await clerks[j]!.request(
          'POST',
          `${audit}/jurisdictions/${encodeURIComponent(j)}/boards`,
          { body: { board, members: ['Ann (A)', 'Bo (B)'] } },
        );
        expect(made.status).toBe(201);
      }

      // The sizes are reviewed before the seed is rolled (they do not depend on it).
      const plan = await h.admin.request<RoundPlan>('GET', `${audit}/plan`);
      expect((await h.admin.request('POST', `${audit}/seed`, { body: { seed: SEED } })).status).toBe(200);
      expect(plan.status).toBe(200);
      const farmingPlan = plan.body.contests.find((c) => c.contest === FARMING)!;
      expect(farmingPlan.options.length).toBeGreaterThan(1);
      expect(farmingPlan.options.map((o) => o.key)).toContain(farmingPlan.recommended);
      // Each option says its chance to finish in one round where the method gives one (Kaplan–Markov: none).
      expect(farmingPlan.options.map((o) => [o.key, o.probability])).toEqual([
        ['optimistic', null],
        ['estimated', null],
        ['full-hand-count', 1],
      ]);

      let injected: string | null = null;
      let rounds = 0;
      let progress: AuditProgress | null = null;
      for (let round = 1; round <= 5; round++) {
        const started = await h.admin.request<{ round: number }>('POST', `${audit}/rounds`, { body: {} });
        expect(started.status).toBe(201);
        expect(started.body.round).toBe(round);
        rounds = round;
        // The paper: the CVRs the round recorded (from the audit's own log, as a state admin downloads it).
        const log = await text(h.admin, h, `${audit}/events.jsonl`);
        expect(log.type).toMatch(/ndjson/);
        const cvrs = new Map<string, CardCvr>();
        for (const e of parseJsonl<{ type: string; payload: { cvrs?: Record<string, CardCvr> } }>(log.body))
          if (e.type === 'round.started')
            for (const [k, v] of Object.entries(e.payload.cvrs ?? {})) cvrs.set(k, v);

        const retrieval = await text(
          clerks[KP]!,
          h,
          `${audit}/jurisdictions/${encodeURIComponent(KP)}/retrieval.csv`,
        );
        expect(retrieval.status).toBe(200);
        expect(retrieval.body.split('\r\n')[0]).toBe(
          'Jurisdiction,Container,Tabulator,Batch,Card,Ticket Numbers,Times Drawn,Audit Board,Already Recorded',
        );

        let recordedThisRound = 0;
        for (const [j, boardId] of [
          [KP, 'kp-1'],
          [KP, 'kp-2'],
          [MO, 'mo-1'],
        ] as const) {
          const board = await h.board({ clerk: clerks[j]!, boardId, round });
          const list = await board.request<BoardList>('GET', `${audit}/board/cards`);
          expect(list.status).toBe(200);
          expect(list.body.round).toBe(round);
          for (const { card, key, recorded } of list.body.cards) {
            expect(card.jurisdiction).toBe(j);
            if (recorded) continue;
            const contests: Record<string, ContestReading> = {};
            for (const c of list.body.contests)
              contests[c.name] = truthReading({
                cvr: cvrs.get(key),
                contest: c.name,
                votesAllowed: c.votesAllowed,
              });
            const farming = contests[FARMING];
            // Round 1: one card whose CVR gives Farming to the winner shows the runner-up on paper (o2).
            if (
              round === 1 &&
              injected === null &&
              j === KP &&
              farming?.kind === 'votes' &&
              farming.choices[0] === 'Erin George'
            ) {
              injected = key;
              contests[FARMING] = { kind: 'votes', choices: ['Alex Hall'] };
            }
            const body = { card, reading: { found: true, contests } };
            const first = await board.request('POST', `${audit}/board/cards`, { body });
            expect({ key, status: first.status, body: first.body }).toEqual({
              key,
              status: 200,
              body: { round, card, recorded: true },
            });
            recordedThisRound++;
            if (recordedThisRound === 1) {
              // A retry of the exact same submission answers the same success; a different reading needs a correction.
              const retry = await board.request('POST', `${audit}/board/cards`, { body });
              expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: first.body });
              const other = await board.request<ApiError>('POST', `${audit}/board/cards`, {
                body: { card, reading: { found: false } },
              });
              expect(other.status).toBe(409);
              expect(other.body.error.kind).toBe('card.already-recorded');
              const fix = await board.request('POST', `${audit}/board/cards`, {
                body: { ...body, correction: { reason: 're-checked: same reading' } },
              });
              expect(fix.status).toBe(200);
            }
          }
          if (j === KP && boardId === 'kp-1') {
            // A board cannot record another board's card.
            const other = await h.board({ clerk: clerks[KP]!, boardId: 'kp-2', round });
            const theirs = (await other.request<BoardList>('GET', `${audit}/board/cards`)).body.cards.find(
              (c) => !c.recorded,
            );
            if (theirs) {
              const refused = await board.request<ApiError>('POST', `${audit}/board/cards`, {
                body: { card: theirs.card, reading: { found: false } },
              });
              expect(refused.status).toBe(403);
              expect(refused.body.error.kind).toBe('auth.other-board');
            }
          }
        }
        const status = await h.admin.request<AuditProgress>('GET', `${audit}/status`);
        for (const j of status.body.jurisdictions) expect(j.recorded).toBe(j.roundCards);
        const finished = await h.admin.request<{ progress: AuditProgress }>(
          'POST',
          `${audit}/rounds/finish`,
          { body: {} },
        );
        expect(finished.status).toBe(200);
        progress = finished.body.progress;
        if (round === 1) {
          const farming = progress.status.contests[FARMING]!;
          expect(farming.status).toBe('in-progress');
          expect(farming.discrepancies).toMatchObject({ o2: 1 });
        }
        if (progress.status.complete) break;
      }
      expect(injected).not.toBeNull();
      expect(rounds).toBeGreaterThan(1);
      expect(progress!.status.complete).toBe(true);
      expect(['confirmed', 'hand-counted']).toContain(progress!.status.contests[FARMING]!.status);

      // A clerk sees only its own jurisdiction's progress; the public sees the summary without a session.
      const own = await clerks[MO]!.request<AuditProgress>('GET', `${audit}/status`);
      expect(own.body.jurisdictions.map((j) => j.jurisdiction)).toEqual([MO]);
      const pub = await text(null, h, '/api/public/audits/small/progress');
      expect(pub.status).toBe(200);
      expect(JSON.parse(pub.body).status.complete).toBe(true);

      const report = await h.admin.request<{
        seed: string;
        cards: { card: CardRef; reading: unknown; corrections: number }[];
      }>('GET', `${audit}/report`);
      expect(report.status).toBe(200);
      expect(report.body.seed).toBe(SEED);
      expect(report.body.cards.filter((c) => c.corrections > 0)).toHaveLength(rounds);
      // The CSV report (the CLI's, from @openrla/audit): the injected misread is the one o2 card of Farming.
      const csv = await text(h.admin, h, `${audit}/report.csv`);
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/text\/csv/);
      expect(csv.body).toContain('######## SAMPLED CARDS ########');
      const o2Rows = csv.body.split('\n').filter((l) => l.includes(`,${FARMING},`) && l.endsWith(',o2'));
      const [ij, it, ib, ip] = JSON.parse(injected!) as [string, string | null, string, number];
      expect(o2Rows).toHaveLength(1);
      expect(o2Rows[0]).toContain(`,${ij},${it ?? ''},${ib},${ip},`);

      // The published record, fetched without a session, verifies offline with the CLI's verifier.
      const dir = mkdtempSync(path.join(tmpdir(), 'openrla-audit-api-'));
      mkdirSync(path.join(dir, 'files'));
      const record = await text(null, h, '/api/public/audits/small/record');
      expect(record.status).toBe(200);
      const manifest = JSON.parse(record.body) as { files: { sha256: string }[]; events: { count: number } };
      expect(manifest.files).toHaveLength(4);
      writeFileSync(path.join(dir, 'record.json'), record.body);
      const events = await text(null, h, '/api/public/audits/small/record/events.jsonl');
      expect(parseJsonl(events.body)).toHaveLength(manifest.events.count);
      writeFileSync(path.join(dir, 'events.jsonl'), events.body);
      for (const f of manifest.files) {
        const res = await h.app.request(`http://localhost/api/public/audits/small/record/files/${f.sha256}`);
        expect(res.status).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
        writeFileSync(path.join(dir, 'files', f.sha256), bytes);
      }
      expect(await verifyRecord(dir)).toMatchObject({ ok: true, problems: [] });
      expect(
        (await h.app.request(`http://localhost/api/public/audits/small/record/files/${'0'.repeat(64)}`))
          .status,
      ).toBe(404);

      const events_ = h.logs.map((l) => l.event);
      for (const e of [
        'audit.create',
        'audit.manifest-upload',
        'audit.cvrs-upload',
        'audit.seed',
        'audit.round-start',
        'audit.card-record',
        'audit.card-record.repeat',
        'audit.card-correct',
        'audit.round-finish',
      ])
        expect(events_).toContain(e);
    }, 120_000);
  },
);

describe('scoping and uploads (memory store)', () => {
  let h: AuditHarness;
  const audit = '/api/audits/scoped';
  const manifestPath = (j: string) => `${audit}/jurisdictions/${encodeURIComponent(j)}/manifest`;
  beforeAll(async () => {
    h = await openAuditHarness({ kind: 'memory', uploadLimit: 2000 });
    expect(
      (await h.admin.request('POST', '/api/audits', { body: { auditId: 'scoped', definition: DEFINITION } }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => h?.dispose());

  test('a jurisdiction admin cannot upload to, read or set up another jurisdiction', async () => {
    const kp = await h.clerk(KP);
    const f = fixture(MO, 'ballot_manifest.csv');
    const up = await putFile({ agent: kp, path: manifestPath(MO), bytes: f.bytes });
    expect(up.status).toBe(403);
    expect(up.body.error?.kind).toBe('auth.other-jurisdiction');
    expect((await text(kp, h, `${audit}/jurisdictions/${encodeURIComponent(MO)}/retrieval.csv`)).status).toBe(
      403,
    );
    expect(
      (
        await kp.request('POST', `${audit}/jurisdictions/${encodeURIComponent(MO)}/boards`, {
          body: { board: 'x', members: ['A'] },
        })
      ).status,
    ).toBe(403);
    const uploads = await h.admin.request<{ jurisdictions: AuditProgress['jurisdictions'] }>(
      'GET',
      `${audit}/uploads`,
    );
    expect(uploads.body.jurisdictions.every((j) => j.manifest === null)).toBe(true);
  });

  test('an upload over the limit is refused with 413 and stores nothing (with and without Content-Length)', async () => {
    const kp = await h.clerk(KP);
    const big = fixture(KP, 'cvrs.csv').bytes; // 57 kB > the 2000-byte limit
    for (const chunked of [false, true]) {
      const up = await putFile({ agent: kp, path: manifestPath(KP), bytes: big, chunked });
      expect({ chunked, status: up.status, kind: up.body.error?.kind }).toEqual({
        chunked,
        status: 413,
        kind: 'upload.too-large',
      });
    }
    expect(await h.store.getFile(createHash('sha256').update(big).digest('hex'))).toBeNull();
    const uploads = await h.admin.request<{ jurisdictions: AuditProgress['jurisdictions'] }>(
      'GET',
      `${audit}/uploads`,
    );
    expect(uploads.body.jurisdictions.every((j) => j.manifest === null)).toBe(true);
    expect(
      h.logs.some((l) => l.event === 'audit.manifest-upload.refused' && l['kind'] === 'upload.too-large'),
    ).toBe(true);
  });

  test('a wrong media type is refused with 415; a bad manifest answers a located error and stores nothing', async () => {
    const kp = await h.clerk(KP);
    const f = fixture(KP, 'ballot_manifest.csv');
    const wrong = await putFile({
      agent: kp,
      path: manifestPath(KP),
      bytes: f.bytes,
      contentType: 'multipart/form-data; boundary=x',
    });
    expect({ status: wrong.status, kind: wrong.body.error?.kind }).toEqual({
      status: 415,
      kind: 'upload.media-type',
    });
    const bad = new TextEncoder().encode('Tabulator,Batch Name,Number of Ballots\nA,1,12\nA,2,many\n');
    const refused = await putFile({ agent: kp, path: `${manifestPath(KP)}?name=bad.csv`, bytes: bad });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.line).toBe(3);
    const uploads = await h.admin.request<{ jurisdictions: AuditProgress['jurisdictions'] }>(
      'GET',
      `${audit}/uploads`,
    );
    expect(uploads.body.jurisdictions.every((j) => j.manifest === null)).toBe(true);
    const ok = await putFile({ agent: kp, path: manifestPath(KP), bytes: f.bytes });
    expect(ok.status).toBe(200);
  });

  test('the typed client (hc<App>) reaches the audit routes with typed answers', async () => {
    const client = hc<App>('http://localhost', {
      fetch: (input: string | URL | Request, init?: RequestInit) => h.app.request(input, init),
      headers: () => ({
        cookie: [...h.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': h.admin.csrfToken ?? '',
      }),
    });
    const listed = await client.api.audits.$get();
    expect(listed.status).toBe(200);
    if (listed.status === 200) expect((await listed.json()).audits.map((a) => a.auditId)).toContain('scoped');
    const progress = await client.api.public.audits[':auditId'].progress.$get({
      param: { auditId: 'scoped' },
    });
    expect(progress.status).toBe(200);
    if (progress.status === 200) expect((await progress.json()).seedSet).toBe(false);
  });

  test('without a CSRF token a state-changing audit request is refused', async () => {
    const res = await h.admin.request<ApiError>('POST', `${audit}/seed`, {
      body: { seed: SEED },
      csrf: false,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.kind).toBe('auth.csrf');
  });

  test('errors are data: an unknown audit is 404, an invalid body 400 with its field', async () => {
    const missing = await h.admin.request<ApiError>('GET', '/api/audits/nope/plan');
    expect(missing.status).toBe(404);
    expect(missing.body.error.kind).toBe('audit.not-found');
    const invalid = await h.admin.request<ApiError>('POST', '/api/audits', {
      body: { auditId: 'a b', definition: {} },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.field).toBe('auditId');
    const refused = await h.admin.request<ApiError>('POST', '/api/audits', {
      body: { auditId: 'empty', definition: { name: 'x' } },
    });
    expect(refused.status).toBe(422);
    expect(typeof refused.body.error.message).toBe('string');
    expect((await text(null, h, '/api/public/audits/nope/progress')).status).toBe(404);
  });
});
