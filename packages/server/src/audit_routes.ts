/**
 * The audit API, mounted under /api (docs/decisions/0009-audit-api.md): the audit engine's workflow
 * over HTTP, each route guarded by role (`requireRole`), by CSRF on state-changing methods
 * (`csrfProtection`) and scoped to the caller's jurisdiction or board. A thin adapter: commands go to
 * the engine through the ingest package's audit session (`runCommand`, `uploadManifest`, `uploadCvrs`),
 * exactly as the CLI does; views come from the engine's queries (audit_views.ts).
 *
 * | who                 | routes |
 * |---------------------|--------|
 * | state admin         | `POST /audits`, `GET /audits`, `GET /audits/:id/uploads`, `GET /audits/:id/plan`, `POST /audits/:id/seed`, `POST /audits/:id/rounds`, `POST /audits/:id/rounds/finish`, `GET /audits/:id/report` (+ `report.csv`), `GET /audits/:id/events.jsonl` |
 * | state or jurisdiction admin | `GET /audits/:id/status` (a jurisdiction admin sees its own jurisdiction) |
 * | jurisdiction admin (own)    | `PUT /audits/:id/jurisdictions/:j/manifest`, `PUT …/cvrs` (raw body, streamed), `GET …/retrieval.csv`, `POST …/boards` |
 * | audit board (own cards)     | `GET /board/audits`, `GET /audits/:id/board/cards`, `POST /audits/:id/board/cards`, `POST /audits/:id/board/sign-off` (decision 0012) |
 * | public              | `GET /public/audits/:id/progress`, `GET /public/audits/:id/record` (+ `/events.jsonl`, `/files/:sha256`) |
 *
 * Errors are data: `{ error: { kind, message, field?, file?, line?, column? } }`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import type { Logger } from 'pino';
import {
  auditReport as fullAuditReport,
  canonicalJson,
  cardKey,
  emptyState,
  openRound,
  signOffKey,
  execute,
  planRound,
  reportCsv,
  roundRetrievalLists,
  type AuditData,
  type AuditDefinition,
  type AuditState,
  type CardReading,
  type CommandContext,
} from '@openrla/audit';
import {
  auditDataOf,
  auditEventOf,
  createAuditLog,
  loadAudit,
  readAuditMeta,
  runCommand,
  uploadCvrs,
  uploadManifest,
  type SessionError,
} from '@openrla/ingest';
import type { AuditStore } from '@openrla/store';
import { accountStoreOf } from './auth/account_store.js';
import type { Clock } from './auth/clock.js';
import type { AuthConfig } from './auth/config.js';
import { boardMemberSchema, jsonBody } from './auth/schemas.js';
import { authOf, createGuards } from './auth/middleware.js';
import type { AuthEnv } from './auth/middleware.js';
import { canActOnCard, canActOnJurisdiction } from './auth/roles.js';
import type { Principal } from './auth/roles.js';
import {
  auditProgress,
  auditReport,
  boardCards,
  boardOfCard,
  publicAuditView,
  retrievalCsv,
} from './audit_views.js';
import { spoolUpload } from './upload_spool.js';

/** Default limit of one uploaded file (manifest or CVR export): 2 GiB. */
export const DEFAULT_UPLOAD_LIMIT = 2 * 1024 * 1024 * 1024;

/** Audit ids: letters, digits, dot, dash, underscore (they appear in paths and file names). */
const AUDIT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** No files: what `audit.define` is checked against before the audit's log exists. */
const NO_FILES: AuditData = { manifest: () => null, cvrFile: () => null };

/** An error of the audit API as it crosses the HTTP boundary. */
export interface AuditApiError {
  readonly kind: string;
  readonly message: string;
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface AuditRoutesDeps {
  readonly store: AuditStore | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: AuthConfig;
  /** Largest accepted upload in bytes (default DEFAULT_UPLOAD_LIMIT). */
  readonly uploadLimit?: number;
}

const definitionSchema = z.object({
  auditId: z.string().regex(AUDIT_ID, 'letters, digits, ".", "-" or "_", at most 80'),
  // The engine checks the definition itself (audit.define) and answers its refusals as data.
  definition: z.record(z.string(), z.unknown()),
});
const seedSchema = z.object({ seed: z.string().min(1).max(200) });
const sizesSchema = z.object({
  sizes: z
    .record(
      z.string(),
      z.union([
        z.object({ option: z.string() }).strict(),
        z.object({ custom: z.number().int().positive() }).strict(),
      ]),
    )
    .optional(),
});
const boardSchema = z.object({
  board: z.string().min(1).max(80),
  members: z.array(z.string().min(1).max(200)).min(1).max(10),
});
const cardSchema = z.object({
  jurisdiction: z.string(),
  tabulator: z.string().nullable(),
  batch: z.string(),
  position: z.number().int().positive(),
});
const readingSchema = z.union([
  z.object({ found: z.literal(false) }).strict(),
  z
    .object({
      found: z.literal(true),
      contests: z.record(
        z.string(),
        z.union([
          z.object({ kind: z.literal('votes'), choices: z.array(z.string()) }).strict(),
          z.object({ kind: z.literal('blank') }).strict(),
          z.object({ kind: z.literal('overvote') }).strict(),
          z.object({ kind: z.literal('not-on-card') }).strict(),
        ]),
      ),
    })
    .strict(),
]);
const boardSignOffSchema = z.object({ members: z.array(boardMemberSchema).min(1).max(10) });
const recordSchema = z.object({
  card: cardSchema,
  reading: readingSchema,
  correction: z.object({ reason: z.string().min(1).max(1000) }).optional(),
});

/** Media types an upload may carry; anything else (a form, JSON for a manifest, …) is refused with 415. */
const MANIFEST_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel'];
const CVR_TYPES = [
  ...MANIFEST_TYPES,
  'application/zip',
  'application/x-zip-compressed',
  'application/json',
  'application/xml',
  'text/xml',
];

/** The statuses of errors a user caused (so the typed client can tell them from success). */
export type AuditErrorStatus = 400 | 404 | 409 | 413 | 415 | 422;

/** The HTTP status of an error a user caused. */
export function statusOf(kind: string): AuditErrorStatus {
  if (kind === 'audit.not-found' || kind === 'file.not-found') return 404;
  if (
    kind === 'audit.exists' ||
    kind === 'event.conflict' ||
    kind.endsWith('.already-recorded') ||
    kind.endsWith('.already-signed-off')
  )
    return 409;
  if (kind === 'upload.too-large') return 413;
  if (kind === 'upload.media-type') return 415;
  if (kind === 'request.invalid') return 400;
  return 422;
}

function fail(c: Context, error: AuditApiError) {
  return c.json({ error: error as AuditApiError }, statusOf(error.kind));
}

/** Who the audit's events name as author. */
export function authorOf(principal: Principal): string {
  switch (principal.role) {
    case 'state-admin':
    case 'jurisdiction-admin':
      return `user:${principal.userId}`;
    case 'audit-board':
      return `board:${principal.jurisdiction}/${principal.boardId}`;
    default: {
      const never: never = principal;
      throw new Error(`audit api: unknown principal ${JSON.stringify(never)}`);
    }
  }
}

function sessionErrorOf(e: SessionError): AuditApiError {
  return {
    kind: e.kind,
    message: e.message,
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  };
}

/** The published record's table of contents (the CLI's record.json, `openrla-audit-record/1`). */
export interface PublishedRecord {
  readonly format: 'openrla-audit-record/1';
  readonly auditId: string;
  readonly events: { readonly file: 'events.jsonl'; readonly count: number; readonly headHash: string };
  readonly files: readonly {
    readonly sha256: string;
    readonly name: string;
    readonly size: number;
    readonly role: 'manifest' | 'cvrs';
    readonly jurisdiction: string;
  }[];
  readonly cvrExports: readonly {
    readonly sha256: string;
    readonly jurisdiction: string;
    readonly format: string;
    readonly files: readonly { readonly name: string; readonly sha256: string; readonly size: number }[];
  }[];
}

export function auditRoutes(deps: AuditRoutesDeps) {
  const { store, logger } = deps;
  const uploadLimit = deps.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  const { requireRole, csrfProtection, storeRequired } = createGuards({
    accounts: store ? accountStoreOf(store) : null,
    clock: deps.clock,
    logger,
    config: deps.config,
  });
  const STATE = requireRole('state-admin');
  const ADMINS = requireRole('state-admin', 'jurisdiction-admin');
  const COUNTY = requireRole('jurisdiction-admin');
  const BOARD = requireRole('audit-board');

  /** The store (guards already answered 503 without one). */
  function storeOf(): AuditStore {
    if (!store) throw new Error('audit api: handler reached without a store');
    return store;
  }

  function contextOf(c: Context<AuthEnv>): CommandContext {
    const author = authorOf(authOf(c).principal);
    return { author, now: () => deps.clock.now().toISOString() };
  }

  function log(c: Context<AuthEnv>, event: string, fields: Record<string, unknown> = {}): void {
    const principal = c.get('auth')?.principal;
    logger.info(
      { event, role: principal?.role, author: principal ? authorOf(principal) : null, ...fields },
      event,
    );
  }

  function refused(c: Context<AuthEnv>, event: string, error: AuditApiError) {
    logger.info({ event: `${event}.refused`, kind: error.kind, field: error.field }, error.message);
    return fail(c, error);
  }

  async function stateOf(
    auditId: string,
  ): Promise<{ ok: true; state: AuditState } | { ok: false; error: AuditApiError }> {
    const loaded = await loadAudit({ store: storeOf(), auditId });
    if (!loaded.ok) {
      const error = sessionErrorOf(loaded.error);
      // The session's message names the CLI's command; over HTTP, say it plainly.
      return {
        ok: false,
        error:
          error.kind === 'audit.not-found' ? { ...error, message: `There is no audit "${auditId}".` } : error,
      };
    }
    return { ok: true, state: loaded.value.state };
  }

  /** 403 (as data) when the principal may not act on the jurisdiction. */
  function jurisdictionRefusal(c: Context<AuthEnv>, jurisdiction: string) {
    if (canActOnJurisdiction({ principal: authOf(c).principal, jurisdiction })) return null;
    logger.warn({ event: 'auth.other-jurisdiction', path: c.req.path }, 'another jurisdiction');
    return c.json(
      {
        error: {
          kind: 'auth.other-jurisdiction',
          message: 'You can act only on your own jurisdiction.',
          field: 'jurisdiction',
        } as AuditApiError,
      },
      403,
    );
  }

  async function upload(c: Context<AuthEnv>, what: 'manifest' | 'cvrs') {
    const auditId = c.req.param('auditId')!;
    const jurisdiction = c.req.param('jurisdiction')!;
    const denied = jurisdictionRefusal(c, jurisdiction);
    if (denied) return denied;
    const event = `audit.${what}-upload`;
    const mediaType = (c.req.header('content-type') ?? 'application/octet-stream')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (!(what === 'manifest' ? MANIFEST_TYPES : CVR_TYPES).includes(mediaType))
      return refused(c, event, {
        kind: 'upload.media-type',
        field: 'content-type',
        message: `A ${what === 'manifest' ? 'ballot manifest (CSV)' : 'CVR export (CSV, ZIP, JSON or XML)'} is sent as the raw request body, not as ${mediaType}.`,
      });
    const tooLarge: AuditApiError = {
      kind: 'upload.too-large',
      field: 'file',
      message: `The file is larger than the limit of ${uploadLimit} bytes.`,
    };
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > uploadLimit) return refused(c, event, tooLarge);
    const spooled = await spoolUpload({
      body: c.req.raw.body,
      name: c.req.query('name') ?? (what === 'manifest' ? 'manifest.csv' : 'cvrs.csv'),
      limit: uploadLimit,
    });
    if (!spooled.ok)
      return refused(
        c,
        event,
        spooled.tooLarge
          ? tooLarge
          : {
              kind: 'upload.interrupted',
              field: 'file',
              message: `The upload did not arrive whole: ${spooled.message}`,
            },
      );
    const options = { store: storeOf(), auditId, jurisdiction, context: contextOf(c) };
    let answer;
    try {
      answer =
        what === 'manifest'
          ? await uploadManifest({ ...options, file: spooled.path })
          : await uploadCvrs({ ...options, files: [spooled.path] });
    } finally {
      await spooled.dispose();
    }
    if (!answer.ok) return refused(c, event, sessionErrorOf(answer.error));
    const value = answer.value;
    const summary =
      'ballots' in value
        ? { sha256: value.sha256, ballots: value.ballots }
        : { sha256: value.info.sha256, format: value.info.format, unlinked: value.unlinked };
    log(c, event, { auditId, jurisdiction, ...summary, events: value.events.length });
    return c.json({ jurisdiction, ...summary, changed: value.events.length > 0 });
  }

  async function recordOf(auditId: string): Promise<PublishedRecord | null> {
    const s = storeOf();
    const head = await s.getAudit(auditId);
    if (!head) return null;
    const meta = await readAuditMeta({ store: s, auditId });
    const files: PublishedRecord['files'][number][] = [];
    const cvrExports: PublishedRecord['cvrExports'][number][] = [];
    const seen = new Set<string>();
    let count = 0;
    let headHash = '0'.repeat(64);
    const add = async (entry: { sha256: string; role: 'manifest' | 'cvrs'; jurisdiction: string }) => {
      if (seen.has(entry.sha256)) return;
      seen.add(entry.sha256);
      const f = await s.getFile(entry.sha256);
      if (f) files.push({ ...entry, name: f.name, size: f.size });
    };
    for await (const stored of s.readEvents({ auditId })) {
      count++;
      headHash = stored.hash;
      const e = auditEventOf(stored);
      if (e.type === 'manifest.uploaded')
        await add({ sha256: e.payload.sha256, role: 'manifest', jurisdiction: e.payload.jurisdiction });
      else if (e.type === 'cvrs.uploaded') {
        const info = meta.cvrFiles.get(e.payload.sha256);
        if (!info) continue;
        for (const f of info.files)
          await add({ sha256: f.sha256, role: 'cvrs', jurisdiction: info.jurisdiction });
        cvrExports.push({
          sha256: info.sha256,
          jurisdiction: info.jurisdiction,
          format: info.format,
          files: info.files,
        });
      }
    }
    return {
      format: 'openrla-audit-record/1',
      auditId,
      events: { file: 'events.jsonl', count, headHash },
      files,
      cvrExports,
    };
  }

  /**
   * The audit's log as JSON Lines (the store's events with their hash chain), streamed, saved as
   * `filename` (the published record's part must keep the name `verify` looks for: events.jsonl).
   */
  function eventsJsonl(c: Context<AuthEnv>, auditId: string, filename: string) {
    c.header('content-type', 'application/x-ndjson; charset=utf-8');
    c.header('content-disposition', `attachment; filename="${filename}"`);
    return stream(c, async (out) => {
      for await (const e of storeOf().readEvents({ auditId })) await out.write(JSON.stringify(e) + '\n');
    });
  }

  async function audited(c: Context<AuthEnv>): Promise<AuditApiError | null> {
    const auditId = c.req.param('auditId')!;
    return (await storeOf().getAudit(auditId))
      ? null
      : { kind: 'audit.not-found', field: 'audit', message: `There is no audit "${auditId}".` };
  }

  return (
    new Hono<AuthEnv>()
      // ---- state administrator ------------------------------------------------------------------
      .post('/audits', STATE, csrfProtection(), jsonBody(definitionSchema), async (c) => {
        const { auditId, definition } = c.req.valid('json');
        const command = {
          type: 'audit.define',
          definition: definition as unknown as AuditDefinition,
        } as const;
        // The engine checks the definition first, so a refused one leaves no empty audit behind.
        const checked = await execute({
          state: emptyState(),
          command,
          context: contextOf(c),
          data: NO_FILES,
        });
        if (!checked.ok) return refused(c, 'audit.create', checked.error);
        const made = await createAuditLog({ store: storeOf(), auditId });
        if (!made.ok) return refused(c, 'audit.create', sessionErrorOf(made.error));
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: contextOf(c),
          command,
        });
        if (!ran.ok) return refused(c, 'audit.create', sessionErrorOf(ran.error));
        log(c, 'audit.create', { auditId });
        return c.json({ auditId, progress: auditProgress(ran.value.state) }, 201);
      })
      .get('/audits', STATE, async (c) => {
        const heads = await storeOf().listAudits();
        return c.json({
          audits: heads
            .filter((h) => !h.auditId.endsWith('~meta'))
            .map((h) => ({ auditId: h.auditId, events: h.headSeq })),
        });
      })
      .get('/audits/:auditId/uploads', STATE, async (c) => {
        const loaded = await stateOf(c.req.param('auditId'));
        if (!loaded.ok) return fail(c, loaded.error);
        return c.json({ jurisdictions: auditProgress(loaded.state).jurisdictions });
      })
      .get('/audits/:auditId/plan', STATE, async (c) => {
        const auditId = c.req.param('auditId');
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        const plan = await planRound({
          state: loaded.state,
          data: auditDataOf({ store: storeOf(), auditId }),
        });
        if (!plan.ok) return fail(c, plan.error);
        return c.json(plan.value);
      })
      .post('/audits/:auditId/seed', STATE, csrfProtection(), jsonBody(seedSchema), async (c) => {
        const auditId = c.req.param('auditId');
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: contextOf(c),
          command: { type: 'seed.set', seed: c.req.valid('json').seed },
        });
        if (!ran.ok) return refused(c, 'audit.seed', sessionErrorOf(ran.error));
        const warning = ran.value.events.find((e) => e.type === 'seed.set');
        log(c, 'audit.seed', { auditId });
        return c.json({
          seed: ran.value.state.seed,
          warning: warning?.type === 'seed.set' ? warning.payload.warning : null,
        });
      })
      .post('/audits/:auditId/rounds', STATE, csrfProtection(), jsonBody(sizesSchema), async (c) => {
        const auditId = c.req.param('auditId');
        const { sizes } = c.req.valid('json');
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: contextOf(c),
          command: { type: 'round.start', ...(sizes ? { sizes } : {}) },
        });
        if (!ran.ok) return refused(c, 'audit.round-start', sessionErrorOf(ran.error));
        const round = ran.value.state.rounds.length;
        log(c, 'audit.round-start', { auditId, round });
        return c.json({ round, progress: auditProgress(ran.value.state) }, 201);
      })
      .post('/audits/:auditId/rounds/finish', STATE, csrfProtection(), async (c) => {
        const auditId = c.req.param('auditId');
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: contextOf(c),
          command: { type: 'round.finish' },
        });
        if (!ran.ok) return refused(c, 'audit.round-finish', sessionErrorOf(ran.error));
        const progress = auditProgress(ran.value.state);
        log(c, 'audit.round-finish', {
          auditId,
          round: progress.status.rounds,
          complete: progress.status.complete,
        });
        return c.json({ round: progress.status.rounds, progress });
      })
      .get('/audits/:auditId/report', STATE, async (c) => {
        const auditId = c.req.param('auditId');
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        log(c, 'audit.report', { auditId });
        return c.json(auditReport({ auditId, state: loaded.state }));
      })
      .get('/audits/:auditId/report.csv', STATE, async (c) => {
        const auditId = c.req.param('auditId');
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        if (loaded.state.definition === null)
          return fail(c, {
            kind: 'audit.not-defined',
            field: 'audit',
            message: 'The audit is not defined yet.',
          });
        // The CLI's report (`openrla audit report`): one implementation in @openrla/audit.
        const csv = reportCsv(fullAuditReport(loaded.state), loaded.state);
        log(c, 'audit.report-csv', { auditId });
        c.header('content-disposition', `attachment; filename="${auditId}-report.csv"`);
        return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8' });
      })
      .get('/audits/:auditId/events.jsonl', STATE, async (c) => {
        const missing = await audited(c);
        if (missing) return fail(c, missing);
        log(c, 'audit.events-download', { auditId: c.req.param('auditId') });
        return eventsJsonl(c, c.req.param('auditId'), `${c.req.param('auditId')}-events.jsonl`);
      })
      // ---- state or jurisdiction administrator -----------------------------------------------
      .get('/audits/:auditId/status', ADMINS, async (c) => {
        const loaded = await stateOf(c.req.param('auditId'));
        if (!loaded.ok) return fail(c, loaded.error);
        const progress = auditProgress(loaded.state);
        const principal = authOf(c).principal;
        return c.json({
          ...progress,
          jurisdictions: progress.jurisdictions.filter((j) =>
            canActOnJurisdiction({ principal, jurisdiction: j.jurisdiction }),
          ),
        });
      })
      // ---- jurisdiction administrator (own jurisdiction) -----------------------------------------
      .put('/audits/:auditId/jurisdictions/:jurisdiction/manifest', COUNTY, csrfProtection(), (c) =>
        upload(c, 'manifest'),
      )
      .put('/audits/:auditId/jurisdictions/:jurisdiction/cvrs', COUNTY, csrfProtection(), (c) =>
        upload(c, 'cvrs'),
      )
      .get('/audits/:auditId/jurisdictions/:jurisdiction/retrieval.csv', COUNTY, async (c) => {
        const { auditId, jurisdiction } = c.req.param();
        const denied = jurisdictionRefusal(c, jurisdiction);
        if (denied) return denied;
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        const state = loaded.state;
        const round = state.rounds.length;
        const m = state.manifests.get(jurisdiction);
        const manifest = m ? await auditDataOf({ store: storeOf(), auditId }).manifest(m.sha256) : null;
        const manifests = (manifest?.batches ?? []).map((b) => ({ ...b, jurisdiction }));
        const list = roundRetrievalLists({ state, round, manifests }).find(
          (l) => l.jurisdiction === jurisdiction,
        );
        const boards = new Map(boardCards({ state, jurisdiction }).map((b) => [b.key, b.board]));
        const csv = retrievalCsv({
          list,
          boardOf: (card) => boards.get(cardKey(card)) ?? null,
          recorded: (card) => state.readings.has(cardKey(card)),
        });
        log(c, 'audit.retrieval-list', { auditId, jurisdiction, round, cards: list?.rows.length ?? 0 });
        c.header('content-disposition', `attachment; filename="retrieval-round-${round}.csv"`);
        return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8' });
      })
      .post(
        '/audits/:auditId/jurisdictions/:jurisdiction/boards',
        COUNTY,
        csrfProtection(),
        jsonBody(boardSchema),
        async (c) => {
          const { auditId, jurisdiction } = c.req.param();
          const denied = jurisdictionRefusal(c, jurisdiction);
          if (denied) return denied;
          const { board, members } = c.req.valid('json');
          const ran = await runCommand({
            store: storeOf(),
            auditId,
            context: contextOf(c),
            command: { type: 'board.create', jurisdiction, board, members },
          });
          if (!ran.ok) return refused(c, 'audit.board-create', sessionErrorOf(ran.error));
          log(c, 'audit.board-create', { auditId, jurisdiction, board });
          return c.json({ jurisdiction, board, members }, 201);
        },
      )
      // ---- audit board (own cards) ------------------------------------------------------------
      .get('/audits/:auditId/board/cards', BOARD, async (c) => {
        const auditId = c.req.param('auditId');
        const principal = authOf(c).principal;
        if (principal.role !== 'audit-board') throw new Error('audit api: BOARD guard let another role in');
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        const state = loaded.state;
        const round = state.rounds.length;
        const contests = (state.definition?.contests ?? [])
          .filter((k) => k.jurisdictions.includes(principal.jurisdiction))
          .map((k) => ({
            name: k.name,
            choices: k.choices ?? Object.keys(state.universes?.[k.name]?.tallies ?? {}),
            votesAllowed: k.votesAllowed ?? state.universes?.[k.name]?.votesAllowed ?? k.numWinners,
          }));
        const cards = boardCards({ state, jurisdiction: principal.jurisdiction }).filter((b) =>
          canActOnCard({
            principal,
            card: { jurisdiction: b.card.jurisdiction, boardId: b.board, round },
            action: 'read',
          }),
        );
        // The imprinted id helps find a card in its batch: read from the county's CVR export (never its votes).
        let imprinted: readonly (string | null)[] = [];
        const cvrSha = state.cvrFiles.get(principal.jurisdiction)?.sha256;
        if (cvrSha !== undefined && cards.length > 0) {
          const file = await auditDataOf({ store: storeOf(), auditId }).cvrFile(cvrSha);
          if (file)
            imprinted = (await file.cvrsAt(cards.map((b) => b.card))).map((cvr) => cvr?.imprintedId ?? null);
        }
        const signedOff =
          state.boardSignOffs.get(
            signOffKey({ round, jurisdiction: principal.jurisdiction, board: principal.boardId }),
          ) ?? null;
        return c.json({
          round,
          /** The round the board's sign-in is for; its cards are listed only while that round is open. */
          boardRound: principal.round,
          roundOpen: openRound(state)?.round === principal.round,
          board: principal.boardId,
          jurisdiction: principal.jurisdiction,
          contests,
          cards: cards.map((b, i) => ({
            card: b.card,
            key: b.key,
            recorded: b.recorded,
            imprintedId: imprinted[i] ?? null,
            // What the audit boards recorded (the paper's reading, never the CVR), so a correction starts from it.
            reading: state.readings.get(b.key)?.reading ?? null,
          })),
          signedOff: signedOff && { at: signedOff.at, members: signedOff.members },
        });
      })
      .post(
        '/audits/:auditId/board/sign-off',
        BOARD,
        csrfProtection(),
        jsonBody(boardSignOffSchema),
        async (c) => {
          const auditId = c.req.param('auditId');
          const principal = authOf(c).principal;
          if (principal.role !== 'audit-board') throw new Error('audit api: BOARD guard let another role in');
          const { members } = c.req.valid('json');
          const round = principal.round;
          const key = signOffKey({ round, jurisdiction: principal.jurisdiction, board: principal.boardId });
          // A retry of the same sign-off (a lost answer) answers the same success and appends nothing.
          const isRepeat = (state: AuditState): boolean => {
            const before = state.boardSignOffs.get(key);
            return before !== undefined && canonicalJson(before.members) === canonicalJson(members);
          };
          const loaded = await stateOf(auditId);
          if (!loaded.ok) return fail(c, loaded.error);
          if (isRepeat(loaded.state)) {
            log(c, 'audit.board-sign-off.repeat', { auditId, round });
            return c.json({ round, board: principal.boardId, signedOff: true as const });
          }
          const ran = await runCommand({
            store: storeOf(),
            auditId,
            context: contextOf(c),
            command: {
              type: 'board.sign-off',
              jurisdiction: principal.jurisdiction,
              board: principal.boardId,
              round,
              members,
            },
          });
          if (!ran.ok) {
            const now = ran.error.kind === 'board.already-signed-off' ? await stateOf(auditId) : null;
            if (now?.ok && isRepeat(now.state)) {
              log(c, 'audit.board-sign-off.repeat', { auditId, round });
              return c.json({ round, board: principal.boardId, signedOff: true as const });
            }
            return refused(c, 'audit.board-sign-off', sessionErrorOf(ran.error));
          }
          log(c, 'audit.board-sign-off', { auditId, round, members: members.length });
          return c.json({ round, board: principal.boardId, signedOff: true as const });
        },
      )
      /** The audits in which the signed-in board is an audit board (a board's sign-in names no audit). */
      .get('/board/audits', BOARD, async (c) => {
        const principal = authOf(c).principal;
        if (principal.role !== 'audit-board') throw new Error('audit api: BOARD guard let another role in');
        const audits: { auditId: string; name: string }[] = [];
        for (const head of await storeOf().listAudits()) {
          if (head.auditId.endsWith('~meta')) continue;
          const loaded = await stateOf(head.auditId);
          if (!loaded.ok) continue;
          if (!loaded.state.boards.get(principal.jurisdiction)?.has(principal.boardId)) continue;
          audits.push({ auditId: head.auditId, name: loaded.state.definition?.name ?? head.auditId });
        }
        return c.json({ audits });
      })
      .post('/audits/:auditId/board/cards', BOARD, csrfProtection(), jsonBody(recordSchema), async (c) => {
        const auditId = c.req.param('auditId');
        const principal = authOf(c).principal;
        if (principal.role !== 'audit-board') throw new Error('audit api: BOARD guard let another role in');
        const { card, reading, correction } = c.req.valid('json');
        const loaded = await stateOf(auditId);
        if (!loaded.ok) return fail(c, loaded.error);
        const state = loaded.state;
        const round = state.rounds.length;
        const board = boardOfCard({ state, card });
        if (
          board === null ||
          !canActOnCard({
            principal,
            card: { jurisdiction: card.jurisdiction, boardId: board, round },
            action: 'record',
          })
        ) {
          logger.warn({ event: 'audit.card-record.other-board', path: c.req.path }, 'card of another board');
          return c.json(
            {
              error: {
                kind: 'auth.other-board',
                message: 'This card is not on your board’s list for this round.',
                field: 'card',
              } as AuditApiError,
            },
            403,
          );
        }
        // Idempotent retry: the same reading of a card already recorded this round answers the same
        // success (compared in canonical JSON with the recorded reading); a different one needs a correction.
        const isRepeat = (now: AuditState): boolean => {
          const before = now.readings.get(cardKey(card));
          return (
            correction === undefined &&
            before !== undefined &&
            before.round === round &&
            canonicalJson(before.reading) === canonicalJson(reading)
          );
        };
        if (isRepeat(state)) {
          log(c, 'audit.card-record.repeat', { auditId, round });
          return c.json({ round, card, recorded: true });
        }
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: contextOf(c),
          command: {
            type: 'card.record',
            card,
            reading: reading as CardReading,
            board,
            ...(correction ? { correction } : {}),
          },
        });
        if (!ran.ok) {
          // A retry sent while the first submission was still in flight: the first one recorded it meanwhile.
          const now = ran.error.kind === 'card.already-recorded' ? await stateOf(auditId) : null;
          if (now?.ok && isRepeat(now.state)) {
            log(c, 'audit.card-record.repeat', { auditId, round });
            return c.json({ round, card, recorded: true });
          }
          return refused(c, 'audit.card-record', sessionErrorOf(ran.error));
        }
        log(c, correction ? 'audit.card-correct' : 'audit.card-record', { auditId, round });
        return c.json({ round, card, recorded: true });
      })
      // ---- public ---------------------------------------------------------------------------
      .get('/public/audits', storeRequired(), async (c) => {
        const heads = (await storeOf().listAudits()).filter((h) => !h.auditId.endsWith('~meta'));
        const audits = [];
        for (const h of heads) {
          const loaded = await stateOf(h.auditId);
          if (!loaded.ok) continue;
          const v = publicAuditView(loaded.state);
          audits.push({
            auditId: h.auditId,
            name: v.name,
            riskLimit: v.riskLimit,
            rounds: v.rounds,
            roundOpen: v.roundOpen,
            complete: v.complete,
            contests: v.contests.length,
          });
        }
        return c.json({ audits });
      })
      .get('/public/audits/:auditId/progress', storeRequired(), async (c) => {
        const loaded = await stateOf(c.req.param('auditId'));
        if (!loaded.ok) return fail(c, loaded.error);
        const p = auditProgress(loaded.state);
        return c.json({
          ...publicAuditView(loaded.state),
          status: p.status,
          seedSet: p.seedSet,
          jurisdictions: p.jurisdictions.map((j) => ({
            jurisdiction: j.jurisdiction,
            manifest: j.manifest !== null,
            cvrs: j.cvrs !== null,
            roundCards: j.roundCards,
            recorded: j.recorded,
            signedOff: j.signedOff,
          })),
        });
      })
      .get('/public/audits/:auditId/record', storeRequired(), async (c) => {
        const record = await recordOf(c.req.param('auditId'));
        if (!record)
          return fail(c, {
            kind: 'audit.not-found',
            field: 'audit',
            message: `There is no audit "${c.req.param('auditId')}".`,
          });
        return c.json(record);
      })
      .get('/public/audits/:auditId/record/events.jsonl', storeRequired(), async (c) => {
        const missing = await audited(c);
        if (missing) return fail(c, missing);
        return eventsJsonl(c, c.req.param('auditId'), 'events.jsonl');
      })
      .get('/public/audits/:auditId/record/files/:sha256', storeRequired(), async (c) => {
        const { auditId, sha256 } = c.req.param();
        const record = await recordOf(auditId);
        // Only files the record references: the store may hold other audits' files.
        if (!record || !record.files.some((f) => f.sha256 === sha256))
          return fail(c, {
            kind: 'file.not-found',
            field: 'sha256',
            message: `The audit record has no file ${sha256}.`,
          });
        const file = await storeOf().getFile(sha256);
        if (!file)
          return fail(c, {
            kind: 'file.not-found',
            field: 'sha256',
            message: `The file ${sha256} is not in the store.`,
          });
        c.header('content-type', 'application/octet-stream');
        c.header('content-length', String(file.size));
        return stream(c, async (out) => {
          for await (const chunk of file.chunks) await out.write(chunk);
        });
      })
  );
}

export type AuditRoutes = ReturnType<typeof auditRoutes>;

export type {
  AuditProgress,
  AuditReport,
  BoardCard,
  JurisdictionProgress,
  PublicAuditView,
  PublicContestResult,
} from './audit_views.js';
