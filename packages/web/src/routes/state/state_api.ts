/**
 * The state administrator's calls to the audit API (decision 0009) and the account API (decision 0008),
 * as React Query hooks and plain functions. Types come from the server (`InferResponseType` over the
 * typed client), never copies. Reads answer a `Result` when the server may refuse for a reason the page
 * shows (an audit still waiting for its files has no plan yet); everything else that fails throws for
 * React Query's error state.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import type { ApiClient } from '../../api/client.js';
import { useApi } from '../../api/api_context.js';
import { answerOf, type ApiError } from '../../api/request.js';
import type { Result } from '../../lib/result.js';

type Audits = ApiClient['api']['audits'];
type OneAudit = Audits[':auditId'];

export type AuditList = InferResponseType<Audits['$get'], 200>;
export type Uploads = InferResponseType<OneAudit['uploads']['$get'], 200>;
export type RoundPlan = InferResponseType<OneAudit['plan']['$get'], 200>;
export type ContestPlan = RoundPlan['contests'][number];
export type AuditStatus = InferResponseType<OneAudit['status']['$get'], 200>;
export type JurisdictionProgress = AuditStatus['jurisdictions'][number];
export type AuditReport = InferResponseType<OneAudit['report']['$get'], 200>;
export type UserList = InferResponseType<ApiClient['api']['users']['$get'], 200>;
export type UserView = UserList['users'][number];
export type SeedAnswer = InferResponseType<OneAudit['seed']['$post'], 200>;

/** React Query keys of the state pages (invalidate `stateKeys.audit(id)` after a change to that audit). */
export const stateKeys = {
  audits: ['state', 'audits'] as const,
  users: ['state', 'users'] as const,
  audit: (auditId: string) => ['state', 'audit', auditId] as const,
  status: (auditId: string) => ['state', 'audit', auditId, 'status'] as const,
  plan: (auditId: string) => ['state', 'audit', auditId, 'plan'] as const,
  report: (auditId: string) => ['state', 'audit', auditId, 'report'] as const,
};

/** A refusal the page cannot explain becomes a thrown error (React Query's error state shows it). */
function valueOf<T>(answer: Result<T, ApiError>): T {
  if (answer.ok) return answer.value;
  throw new Error(answer.error.message);
}

export function useAuditList() {
  const client = useApi();
  return useQuery({
    queryKey: stateKeys.audits,
    queryFn: async () => valueOf(await answerOf<AuditList>(client.api.audits.$get())),
  });
}

export function useUsers() {
  const client = useApi();
  return useQuery({
    queryKey: stateKeys.users,
    queryFn: async () => valueOf(await answerOf<UserList>(client.api.users.$get())),
  });
}

/** How often the dashboard asks for progress while a round is open (ms). */
export const LIVE_POLL_MS = 3_000;
/** How often it asks otherwise (files arriving), until the audit is complete (ms). */
export const IDLE_POLL_MS = 10_000;

/**
 * The audit's status: files, round progress, each contest's last measurement. Polls every few seconds
 * while a round is open, less often while waiting for files, and not at all once the audit is complete.
 */
export function useAuditStatus(auditId: string) {
  const client = useApi();
  return useQuery({
    queryKey: stateKeys.status(auditId),
    queryFn: async () =>
      answerOf<AuditStatus>(client.api.audits[':auditId'].status.$get({ param: { auditId } })),
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data?.ok || data.value.status.complete) return false;
      return data.value.status.roundOpen ? LIVE_POLL_MS : IDLE_POLL_MS;
    },
  });
}

/** The next round's sample-size options per contest, or why there are none yet. */
export function useRoundPlan(auditId: string, enabled: boolean) {
  const client = useApi();
  return useQuery({
    queryKey: stateKeys.plan(auditId),
    queryFn: async () => answerOf<RoundPlan>(client.api.audits[':auditId'].plan.$get({ param: { auditId } })),
    enabled,
    // Sizes are simulated for some methods: do not recompute them on every focus.
    staleTime: 60_000,
  });
}

/**
 * The audit's report (rounds with each contest's measurement): the risk chart's data. `version`
 * changes with the rounds, so a new round refetches it.
 */
export function useAuditReport(auditId: string, version: number) {
  const client = useApi();
  return useQuery({
    queryKey: [...stateKeys.report(auditId), version],
    queryFn: async () =>
      valueOf(await answerOf<AuditReport>(client.api.audits[':auditId'].report.$get({ param: { auditId } }))),
    // A new round refetches the report; the page keeps showing the last one meanwhile (no flash of loading).
    placeholderData: keepPreviousData,
  });
}

/** Download links of the state administrator's files (same origin; the session cookie goes along). */
export function downloadPaths(auditId: string) {
  const base = `/api/audits/${encodeURIComponent(auditId)}`;
  return {
    reportJson: `${base}/report`,
    reportCsv: `${base}/report.csv`,
    events: `${base}/events.jsonl`,
    publicRecord: `/api/public/audits/${encodeURIComponent(auditId)}/record`,
  };
}
