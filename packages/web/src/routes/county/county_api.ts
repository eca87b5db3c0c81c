/**
 * The jurisdiction administrator's calls to the audit API (decisions 0009, 0013) and the account API
 * (decision 0008) as React Query hooks. Types come from the server's typed client (`InferResponseType`),
 * never copies. Reads poll while a round is open, so the boards' progress follows the boards.
 */
import { useQuery } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import type { ApiClient } from '../../api/client.js';
import { useApi } from '../../api/api_context.js';
import { answerOf, type ApiError } from '../../api/request.js';
import type { Result } from '../../lib/result.js';

type OneAudit = ApiClient['api']['audits'][':auditId'];
type OwnJurisdiction = OneAudit['jurisdictions'][':jurisdiction'];
type Jurisdiction = ApiClient['api']['jurisdictions'][':jurisdiction'];

export type CountyAudits = InferResponseType<Jurisdiction['audits']['$get'], 200>;
export type CountyAudit = CountyAudits['audits'][number];
export type AuditStatus = InferResponseType<OneAudit['status']['$get'], 200>;
export type JurisdictionProgress = AuditStatus['jurisdictions'][number];
export type ImportedFiles = InferResponseType<OwnJurisdiction['files']['$get'], 200>;
export type BoardCredentials = InferResponseType<Jurisdiction['audit-boards']['$get'], 200>;
export type IssuedCredentials = InferResponseType<
  ApiClient['api']['audit-boards'][':boardId']['credentials']['$post'],
  201
>;
export type ManifestUploaded = {
  readonly sha256: string;
  readonly ballots: number;
  readonly changed: boolean;
};
export type CvrsUploaded = {
  readonly sha256: string;
  readonly format: string;
  readonly unlinked: number;
  readonly changed: boolean;
};

/** How often the dashboard asks for progress while a round is open (ms). */
export const LIVE_POLL_MS = 3_000;

export const countyKeys = {
  audits: (jurisdiction: string) => ['county', jurisdiction, 'audits'] as const,
  audit: (auditId: string) => ['county', 'audit', auditId] as const,
  status: (auditId: string) => ['county', 'audit', auditId, 'status'] as const,
  files: (auditId: string) => ['county', 'audit', auditId, 'files'] as const,
  credentials: (jurisdiction: string) => ['county', jurisdiction, 'credentials'] as const,
};

function valueOf<T>(answer: Result<T, ApiError>): T {
  if (answer.ok) return answer.value;
  throw new Error(answer.error.message);
}

/** The audits that include the jurisdiction. */
export function useCountyAudits(jurisdiction: string) {
  const client = useApi();
  return useQuery({
    queryKey: countyKeys.audits(jurisdiction),
    queryFn: async () =>
      valueOf(
        await answerOf<CountyAudits>(
          client.api.jurisdictions[':jurisdiction'].audits.$get({ param: { jurisdiction } }),
        ),
      ),
  });
}

/** The audit's status as the jurisdiction sees it (its own row only); polls while a round is open. */
export function useCountyStatus(auditId: string) {
  const client = useApi();
  return useQuery({
    queryKey: countyKeys.status(auditId),
    queryFn: async () =>
      valueOf(await answerOf<AuditStatus>(client.api.audits[':auditId'].status.$get({ param: { auditId } }))),
    refetchInterval: (query) => (query.state.data?.status.roundOpen ? LIVE_POLL_MS : false),
  });
}

/** What the jurisdiction's files hold (batches, cards, CVR format, contests found). */
export function useImportedFiles(auditId: string, jurisdiction: string) {
  const client = useApi();
  return useQuery({
    queryKey: countyKeys.files(auditId),
    queryFn: async () =>
      valueOf(
        await answerOf<ImportedFiles>(
          client.api.audits[':auditId'].jurisdictions[':jurisdiction'].files.$get({
            param: { auditId, jurisdiction },
          }),
        ),
      ),
  });
}

/** The jurisdiction's audit-board sign-ins (issued for which round, used or not). */
export function useBoardCredentials(jurisdiction: string) {
  const client = useApi();
  return useQuery({
    queryKey: countyKeys.credentials(jurisdiction),
    queryFn: async () =>
      valueOf(
        await answerOf<BoardCredentials>(
          client.api.jurisdictions[':jurisdiction']['audit-boards'].$get({ param: { jurisdiction } }),
        ),
      ),
    refetchInterval: LIVE_POLL_MS * 2,
  });
}

/** Paths of the jurisdiction's downloads and uploads (same origin: the session cookie goes along). */
export function jurisdictionPath(auditId: string, jurisdiction: string, what: string): string {
  return `/api/audits/${encodeURIComponent(auditId)}/jurisdictions/${encodeURIComponent(jurisdiction)}/${what}`;
}
