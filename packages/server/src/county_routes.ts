/**
 * The jurisdiction administrator's additions to the audit API (mounted beside audit_routes.ts under
 * /api; decisions 0009 and 0013): the audits that include the jurisdiction, the retrieval list as PDF,
 * and the jurisdiction's sign-off of a round (engine `jurisdiction.sign-off`). Each route admits only a
 * jurisdiction administrator (`requireRole`), acts only on its own jurisdiction (`canActOnJurisdiction`)
 * and the sign-off carries CSRF protection, exactly as the routes in audit_routes.ts.
 *
 * | route | answer |
 * |-------|--------|
 * | `GET /jurisdictions/:j/audits` | `{ audits: [{ auditId, name, rounds, roundOpen, complete }] }` |
 * | `GET /audits/:id/jurisdictions/:j/files` | what was imported: the manifest's batches and cards, the CVR export's format, CVRs and contests |
 * | `GET /audits/:id/jurisdictions/:j/retrieval.pdf` | the last round's retrieval list (`application/pdf`) |
 * | `POST /audits/:id/jurisdictions/:j/sign-off` `{ round }` | `{ jurisdiction, round, signedOff: true }` |
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { cardKey, roundRetrievalLists, type AuditState, type CardRef } from '@openrla/audit';
import { auditDataOf, loadAudit, readAuditMeta, runCommand, type SessionError } from '@openrla/ingest';
import type { AuditStore } from '@openrla/store';
import { accountStoreOf } from './auth/account_store.js';
import { jsonBody } from './auth/schemas.js';
import { authOf, createGuards } from './auth/middleware.js';
import type { AuthEnv } from './auth/middleware.js';
import { canActOnJurisdiction } from './auth/roles.js';
import { authorOf, statusOf, type AuditApiError, type AuditRoutesDeps } from './audit_routes.js';
import { auditProgress, boardCards } from './audit_views.js';
import { retrievalPdfOffThread, retrievalTable } from './retrieval_pdf.js';

const signOffSchema = z.object({ round: z.number().int().positive() });

function apiErrorOf(e: SessionError): AuditApiError {
  return {
    kind: e.kind,
    message: e.message,
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  };
}

export function countyRoutes(deps: AuditRoutesDeps) {
  const { store, logger } = deps;
  const { requireRole, csrfProtection } = createGuards({
    accounts: store ? accountStoreOf(store) : null,
    clock: deps.clock,
    logger,
    config: deps.config,
  });
  const COUNTY = requireRole('jurisdiction-admin');

  function storeOf(): AuditStore {
    if (!store) throw new Error('county api: handler reached without a store');
    return store;
  }

  function log(c: Context<AuthEnv>, event: string, fields: Record<string, unknown>): void {
    const principal = authOf(c).principal;
    logger.info({ event, role: principal.role, author: authorOf(principal), ...fields }, event);
  }

  function fail(c: Context<AuthEnv>, event: string, error: AuditApiError) {
    logger.info({ event: `${event}.refused`, kind: error.kind, field: error.field }, error.message);
    return c.json({ error: error }, statusOf(error.kind));
  }

  /** 403 (as data) when the principal may not act on the jurisdiction. */
  function jurisdictionRefusal(c: Context<AuthEnv>, jurisdiction: string) {
    if (canActOnJurisdiction({ principal: authOf(c).principal, jurisdiction })) return null;
    logger.warn({ event: 'auth.other-jurisdiction', path: c.req.path }, 'another jurisdiction');
    const error: AuditApiError = {
      kind: 'auth.other-jurisdiction',
      message: 'You can act only on your own jurisdiction.',
      field: 'jurisdiction',
    };
    return c.json({ error }, 403);
  }

  async function stateOf(
    auditId: string,
  ): Promise<{ ok: true; state: AuditState } | { ok: false; error: AuditApiError }> {
    const loaded = await loadAudit({ store: storeOf(), auditId });
    if (loaded.ok) return { ok: true, state: loaded.value.state };
    const error = apiErrorOf(loaded.error);
    return {
      ok: false,
      error:
        error.kind === 'audit.not-found' ? { ...error, message: `There is no audit "${auditId}".` } : error,
    };
  }

  /** A jurisdiction's retrieval list of the last round, with each card's board and whether it is recorded. */
  async function retrievalOf(auditId: string, jurisdiction: string, state: AuditState) {
    const round = state.rounds.length;
    const m = state.manifests.get(jurisdiction);
    const manifest = m ? await auditDataOf({ store: storeOf(), auditId }).manifest(m.sha256) : null;
    const manifests = (manifest?.batches ?? []).map((b) => ({ ...b, jurisdiction }));
    const list = roundRetrievalLists({ state, round, manifests }).find(
      (l) => l.jurisdiction === jurisdiction,
    );
    const boards = new Map(boardCards({ state, jurisdiction }).map((b) => [b.key, b.board]));
    return {
      round,
      list,
      boardOf: (card: CardRef) => boards.get(cardKey(card)) ?? null,
      recorded: (card: CardRef) => state.readings.has(cardKey(card)),
    };
  }

  return new Hono<AuthEnv>()
    .get('/jurisdictions/:jurisdiction/audits', COUNTY, async (c) => {
      const jurisdiction = c.req.param('jurisdiction');
      const denied = jurisdictionRefusal(c, jurisdiction);
      if (denied) return denied;
      const audits: {
        auditId: string;
        name: string;
        rounds: number;
        roundOpen: boolean;
        complete: boolean;
      }[] = [];
      for (const head of await storeOf().listAudits()) {
        if (head.auditId.endsWith('~meta')) continue;
        const loaded = await stateOf(head.auditId);
        if (!loaded.ok || !loaded.state.definition?.jurisdictions.includes(jurisdiction)) continue;
        const { rounds, roundOpen, complete } = auditProgress(loaded.state).status;
        audits.push({
          auditId: head.auditId,
          name: loaded.state.definition.name,
          rounds,
          roundOpen,
          complete,
        });
      }
      audits.sort((a, b) => a.auditId.localeCompare(b.auditId, 'en', { numeric: true }));
      return c.json({ audits });
    })
    .get('/audits/:auditId/jurisdictions/:jurisdiction/files', COUNTY, async (c) => {
      const { auditId, jurisdiction } = c.req.param();
      const denied = jurisdictionRefusal(c, jurisdiction);
      if (denied) return denied;
      const loaded = await stateOf(auditId);
      if (!loaded.ok) return fail(c, 'audit.files', loaded.error);
      const { state } = loaded;
      const m = state.manifests.get(jurisdiction);
      const v = state.cvrFiles.get(jurisdiction);
      const file = m ? await auditDataOf({ store: storeOf(), auditId }).manifest(m.sha256) : null;
      const info = v
        ? (await readAuditMeta({ store: storeOf(), auditId })).cvrFiles.get(v.sha256)
        : undefined;
      return c.json({
        jurisdiction,
        /** Files can still be replaced (by uploading again) until the state administrator sets the seed. */
        replaceable: state.seed === null,
        manifest: m
          ? { fileName: m.fileName, sha256: m.sha256, cards: m.count, batches: file?.batches.length ?? null }
          : null,
        cvrs: v
          ? {
              fileName: v.fileName,
              sha256: v.sha256,
              cvrs: v.count,
              format: info?.format ?? null,
              contests: Object.entries(info?.summary.contests ?? {})
                .map(([name, k]) => ({ name, cards: k.cards }))
                .sort((a, b) => a.name.localeCompare(b.name)),
            }
          : null,
      });
    })
    .get('/audits/:auditId/jurisdictions/:jurisdiction/retrieval.pdf', COUNTY, async (c) => {
      const { auditId, jurisdiction } = c.req.param();
      const denied = jurisdictionRefusal(c, jurisdiction);
      if (denied) return denied;
      const loaded = await stateOf(auditId);
      if (!loaded.ok) return fail(c, 'audit.retrieval-list-pdf', loaded.error);
      const { round, ...retrieval } = await retrievalOf(auditId, jurisdiction, loaded.state);
      const pdf = await retrievalPdfOffThread({
        auditId,
        jurisdiction,
        round,
        printedAt: deps.clock.now().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        table: retrievalTable(retrieval),
      });
      const cards = retrieval.list?.rows.length ?? 0;
      log(c, 'audit.retrieval-list-pdf', { auditId, jurisdiction, round, cards });
      c.header('content-disposition', `attachment; filename="retrieval-round-${round}.pdf"`);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf' });
    })
    .post(
      '/audits/:auditId/jurisdictions/:jurisdiction/sign-off',
      COUNTY,
      csrfProtection(),
      jsonBody(signOffSchema),
      async (c) => {
        const { auditId, jurisdiction } = c.req.param();
        const denied = jurisdictionRefusal(c, jurisdiction);
        if (denied) return denied;
        const { round } = c.req.valid('json');
        const principal = authOf(c).principal;
        const ran = await runCommand({
          store: storeOf(),
          auditId,
          context: { author: authorOf(principal), now: () => deps.clock.now().toISOString() },
          command: { type: 'jurisdiction.sign-off', jurisdiction, round },
        });
        if (!ran.ok) return fail(c, 'audit.jurisdiction-sign-off', apiErrorOf(ran.error));
        log(c, 'audit.jurisdiction-sign-off', { auditId, jurisdiction, round });
        return c.json({ jurisdiction, round, signedOff: true as const });
      },
    );
}
