/**
 * Many audit boards recording at once, driven only through HTTP as browsers drive it: shared by the
 * concurrency test (boards_concurrency.test.ts, in-process `app.request`) and the load bench
 * (bench/server_boards.bench.ts, real sockets on 127.0.0.1). Test and bench support only.
 *
 * The election is generated from a seed: one jurisdiction, one plurality contest, a Dominion CSV export
 * and its ballot manifest (`batches` batches of `ballotsPerBatch` cards). The audit is set up as the web
 * app does it (first-run state admin, a jurisdiction admin, the definition, both uploads, the boards,
 * the seed, a round of a custom size without replacement), every board gets its one-time passphrase and
 * signs in, then every board records its own cards one after another while all boards run at once.
 */
import { performance } from 'node:perf_hooks';

/** What sends a request: `app.request` in tests, `fetch` against a listening server in the bench. */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** The answer to one request, with its wall time. */
export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly ms: number;
}

/** A browser-like client: a cookie jar and the CSRF token it was handed (decision 0008). */
export class Browser {
  private readonly cookies = new Map<string, string>();
  private csrfToken: string | null = null;

  constructor(
    private readonly fetcher: Fetcher,
    private readonly base: string,
  ) {}

  /** Fetches the pre-session CSRF cookie and token, as the web app does on load. */
  async start(): Promise<this> {
    await this.request('GET', '/api/csrf');
    return this;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { readonly json?: unknown; readonly raw?: string; readonly contentType?: string } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
      headers['content-type'] = options.contentType ?? 'text/csv';
      body = options.raw;
    }
    const t0 = performance.now();
    const res = await this.fetcher(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (CSV, JSON Lines)
    }
    const token = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return { status: res.status, body: parsed as T, ms };
  }
}

/** A seeded PRNG (mulberry32): the same seed, the same election and the same retries. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const JURISDICTION = 'Metro County';
export const CONTEST = 'Mayor';
const CHOICES = ['Alice Ames', 'Bo Banks', 'Cy Cole'] as const;
/** Cumulative shares of the choices (Alice 52%, Bo 36%, Cy 12%). */
const SHARES = [0.52, 0.88, 1];
const TABULATORS = 4;

export interface Election {
  readonly manifestCsv: string;
  readonly cvrCsv: string;
  readonly ballots: number;
  /** What each card's paper shows, by `tabulator|batch|position`. */
  readonly truth: ReadonlyMap<string, string>;
}

/** A Dominion CSV export and its manifest, with seeded random votes. */
export function generateElection(options: {
  readonly seed: number;
  readonly batches: number;
  readonly ballotsPerBatch: number;
}): Election {
  const random = prng(options.seed);
  const manifest = ['Tabulator,Batch Name,Number of Ballots'];
  const meta = ['CvrNumber', 'TabulatorNum', 'BatchId', 'RecordId', 'ImprintedId', 'CountingGroup'];
  const pad = (n: number) => Array<string>(n).fill('');
  const cvr = [
    ['Load Test Election', '5.10.50.85', ...pad(meta.length - 2 + CHOICES.length)].join(','),
    [...pad(meta.length), ...CHOICES.map(() => `${CONTEST} (Vote For=1)`)].join(','),
    [...pad(meta.length), ...CHOICES].join(','),
    [...meta, ...pad(CHOICES.length)].join(','),
  ];
  const truth = new Map<string, string>();
  let cvrNumber = 0;
  for (let b = 0; b < options.batches; b++) {
    const tabulator = String((b % TABULATORS) + 1);
    const batch = String(b + 1);
    manifest.push(`${tabulator},${batch},${options.ballotsPerBatch}`);
    for (let position = 1; position <= options.ballotsPerBatch; position++) {
      const u = random();
      const choice = SHARES.findIndex((s) => u < s);
      truth.set(`${tabulator}|${batch}|${position}`, CHOICES[choice]!);
      cvr.push(
        [
          ++cvrNumber,
          tabulator,
          batch,
          position,
          `${tabulator}-${batch}-${position}`,
          'Election Day',
          ...CHOICES.map((_, i) => (i === choice ? 1 : 0)),
        ].join(','),
      );
    }
  }
  return {
    manifestCsv: manifest.join('\n') + '\n',
    cvrCsv: cvr.join('\n') + '\n',
    ballots: options.batches * options.ballotsPerBatch,
    truth,
  };
}

interface CardRef {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
}

/** A signed-in audit board and the cards on its list. */
export interface BoardSession {
  readonly boardId: string;
  readonly browser: Browser;
  readonly cards: readonly CardRef[];
}

export interface BoardsAudit {
  readonly auditId: string;
  readonly admin: Browser;
  readonly clerk: Browser;
  readonly boards: readonly BoardSession[];
  readonly election: Election;
  /** Cards drawn in the round (all in the one jurisdiction). */
  readonly roundCards: number;
}

function expectStatus(what: string, answer: Answer, ...statuses: number[]): void {
  if (!statuses.includes(answer.status))
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Sets the audit up through the HTTP API, exactly as the web app would, and signs every board in.
 * `cards` draws without replacement (ALPHA comparison), so the round has exactly `cards` cards.
 */
export async function setUpBoardsAudit(options: {
  readonly fetcher: Fetcher;
  readonly base: string;
  readonly seed: number;
  readonly boards: number;
  readonly batches: number;
  readonly ballotsPerBatch: number;
  readonly cards: number;
  /** Parallel board sign-ins (argon2 per sign-in and per passphrase issued). */
  readonly signInConcurrency?: number;
}): Promise<BoardsAudit> {
  const { fetcher, base } = options;
  const auditId = 'load-test';
  const api = `/api/audits/${auditId}`;
  const j = encodeURIComponent(JURISDICTION);
  const election = generateElection(options);

  const admin = await new Browser(fetcher, base).start();
  expectStatus(
    'setup',
    await admin.request('POST', '/api/setup', {
      json: { email: 'sos@state.example.gov', name: 'State Admin', password: 'state admin password' },
    }),
    201,
  );
  const clerkAccount = { email: 'clerk@metro.example.gov', password: 'metro county clerk password' };
  expectStatus(
    'jurisdiction admin',
    await admin.request('POST', '/api/users', {
      json: { role: 'jurisdiction-admin', name: 'Metro Clerk', jurisdiction: JURISDICTION, ...clerkAccount },
    }),
    201,
  );
  const clerk = await new Browser(fetcher, base).start();
  expectStatus('clerk login', await clerk.request('POST', '/api/login', { json: clerkAccount }), 200);

  expectStatus(
    'define',
    await admin.request('POST', '/api/audits', {
      json: {
        auditId,
        definition: {
          name: 'Load test',
          riskLimit: 0.05,
          replacement: false,
          jurisdictions: [JURISDICTION],
          contests: [
            {
              name: CONTEST,
              role: 'targeted',
              type: 'plurality',
              method: 'alpha-comparison',
              jurisdictions: [JURISDICTION],
              numWinners: 1,
            },
          ],
        },
      },
    }),
    201,
  );
  expectStatus(
    'manifest',
    await clerk.request('PUT', `${api}/jurisdictions/${j}/manifest?name=manifest.csv`, {
      raw: election.manifestCsv,
    }),
    200,
  );
  expectStatus(
    'cvrs',
    await clerk.request('PUT', `${api}/jurisdictions/${j}/cvrs?name=CVR_Export.csv`, {
      raw: election.cvrCsv,
    }),
    200,
  );
  const boardIds = Array.from(
    { length: options.boards },
    (_, i) => `metro-${String(i + 1).padStart(3, '0')}`,
  );
  for (const board of boardIds)
    expectStatus(
      `board ${board}`,
      await clerk.request('POST', `${api}/jurisdictions/${j}/boards`, {
        json: { board, members: ['Ann Adams (A)', 'Ben Brown (B)'] },
      }),
      201,
    );
  expectStatus(
    'seed',
    await admin.request('POST', `${api}/seed`, { json: { seed: '84120963157402698135' } }),
    200,
  );
  const started = await admin.request<{ round: number }>('POST', `${api}/rounds`, {
    json: { sizes: { [CONTEST]: { custom: options.cards } } },
  });
  expectStatus('round', started, 201);

  const boards: BoardSession[] = [];
  await pool(boardIds, options.signInConcurrency ?? 4, async (boardId) => {
    const issued = await clerk.request<{ passphrase: string }>(
      'POST',
      `/api/audit-boards/${boardId}/credentials`,
      { json: { round: started.body.round } },
    );
    expectStatus(`credentials ${boardId}`, issued, 201);
    const browser = await new Browser(fetcher, base).start();
    expectStatus(
      `board login ${boardId}`,
      await browser.request('POST', '/api/audit-boards/login', {
        json: {
          boardId,
          passphrase: issued.body.passphrase,
          members: [
            { name: 'Ann Adams', party: 'A' },
            { name: 'Ben Brown', party: 'B' },
          ],
        },
      }),
      200,
    );
    const list = await browser.request<{ cards: { card: CardRef }[] }>('GET', `${api}/board/cards`);
    expectStatus(`board list ${boardId}`, list, 200);
    boards.push({ boardId, browser, cards: list.body.cards.map((c) => c.card) });
  });
  boards.sort((a, b) => a.boardId.localeCompare(b.boardId));
  const roundCards = boards.reduce((n, b) => n + b.cards.length, 0);
  return { auditId, admin, clerk, boards, election, roundCards };
}

/** What the boards' recording did. */
export interface Recorded {
  /** Wall time of the whole recording phase. */
  readonly ms: number;
  /** Distinct submissions (one per card). */
  readonly entries: number;
  /** Every POST sent, retries included. */
  readonly requests: number;
  /** Submissions sent twice at once (a browser re-sending while the first was in flight). */
  readonly concurrentRetries: number;
  /** Submissions sent again after their answer (a lost answer). */
  readonly laterRetries: number;
  /** Latency of every POST in ms, sorted. */
  readonly latencies: readonly number[];
  /** Non-200 answers by `status kind`. */
  readonly errors: Readonly<Record<string, number>>;
}

/**
 * Every board records its cards one after another (its paper agrees with its CVR), all boards at once.
 * A share of submissions is retried: half of them twice at once, half again after the answer. A
 * refused submission is retried (up to 5 times, as the web app's queue does) and counted as an error.
 */
export async function recordAllBoards(options: {
  readonly audit: BoardsAudit;
  readonly seed: number;
  readonly retryShare: number;
}): Promise<Recorded> {
  const { audit } = options;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let requests = 0;
  let concurrentRetries = 0;
  let laterRetries = 0;
  const path = `/api/audits/${audit.auditId}/board/cards`;

  async function post(board: BoardSession, body: unknown): Promise<boolean> {
    requests++;
    const answer = await board.browser.request<{ error?: { kind: string } }>('POST', path, { json: body });
    latencies.push(answer.ms);
    if (answer.status === 200) return true;
    const key = `${answer.status} ${answer.body?.error?.kind ?? ''}`.trim();
    errors[key] = (errors[key] ?? 0) + 1;
    return false;
  }

  async function runBoard(board: BoardSession, index: number): Promise<void> {
    const random = prng(options.seed * 1000 + index);
    for (const card of board.cards) {
      const choice = audit.election.truth.get(`${card.tabulator}|${card.batch}|${card.position}`);
      if (choice === undefined) throw new Error(`no truth for ${JSON.stringify(card)}`);
      const body = {
        card,
        reading: { found: true, contests: { [CONTEST]: { kind: 'votes', choices: [choice] } } },
      };
      const u = random();
      let done: boolean;
      if (u < options.retryShare / 2) {
        concurrentRetries++;
        const both = await Promise.all([post(board, body), post(board, body)]);
        done = both.every(Boolean);
      } else {
        done = await post(board, body);
        if (done && u < options.retryShare) {
          laterRetries++;
          done = await post(board, body);
        }
      }
      for (let attempt = 0; !done && attempt < 5; attempt++) done = await post(board, body);
      if (!done) throw new Error(`board ${board.boardId}: ${JSON.stringify(card)} refused 6 times`);
    }
  }

  const t0 = performance.now();
  await Promise.all(audit.boards.map(runBoard));
  const ms = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return {
    ms,
    entries: audit.roundCards,
    requests,
    concurrentRetries,
    laterRetries,
    latencies,
    errors,
  };
}

/** The q-quantile of sorted numbers (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** The readings counted three ways: the log's events, the status API and the boards' own lists. */
export interface ReadingCounts {
  /** `card.recorded` events in the log. */
  readonly events: number;
  /** Distinct cards among them. */
  readonly distinctCards: number;
  /** Cards with more than one `card.recorded` event. */
  readonly doubled: number;
  /** `recorded` of the jurisdiction in `GET /audits/:id/status`. */
  readonly statusRecorded: number;
  readonly statusRoundCards: number;
  /** Cards the boards' lists still show unrecorded. */
  readonly boardsUnrecorded: number;
}

/** Counts the readings through the API (the state admin's events download and status). */
export async function countReadings(audit: BoardsAudit): Promise<ReadingCounts> {
  const api = `/api/audits/${audit.auditId}`;
  const log = await audit.admin.request<string>('GET', `${api}/events.jsonl`);
  expectStatus('events', log, 200);
  const perCard = new Map<string, number>();
  let events = 0;
  for (const line of String(log.body).split('\n')) {
    if (line === '') continue;
    const e = JSON.parse(line) as { type: string; payload: { card?: CardRef } };
    if (e.type !== 'card.recorded') continue;
    events++;
    const key = JSON.stringify(e.payload.card);
    perCard.set(key, (perCard.get(key) ?? 0) + 1);
  }
  const status = await audit.admin.request<{
    jurisdictions: { jurisdiction: string; recorded: number; roundCards: number }[];
  }>('GET', `${api}/status`);
  expectStatus('status', status, 200);
  const mine = status.body.jurisdictions.find((x) => x.jurisdiction === JURISDICTION);
  let boardsUnrecorded = 0;
  for (const board of audit.boards) {
    const list = await board.browser.request<{ cards: { recorded: boolean }[] }>('GET', `${api}/board/cards`);
    expectStatus(`board list ${board.boardId}`, list, 200);
    boardsUnrecorded += list.body.cards.filter((c) => !c.recorded).length;
  }
  return {
    events,
    distinctCards: perCard.size,
    doubled: [...perCard.values()].filter((n) => n > 1).length,
    statusRecorded: mine?.recorded ?? -1,
    statusRoundCards: mine?.roundCards ?? -1,
    boardsUnrecorded,
  };
}
