/**
 * What the public pages of one audit share: the audit id from the path, its progress from the server
 * (GET /api/public/audits/:auditId/progress, types from the server's App), the links between its
 * progress, record and verify pages, and the table of each contest's measurement.
 */
import { useQuery } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { Table } from '@trussworks/react-uswds';
import { NavLink, useParams } from 'react-router';
import type { ApiClient } from '../../../api/client.js';
import { useApi } from '../../../api/api_context.js';
import { answerOf } from '../../../api/request.js';
import { formatCount } from '../../../format/numbers.js';
import { PATHS } from '../../paths.js';
import { formatRisk, statusWord, type ContestStatus } from './public_words.js';

type ProgressCall = ApiClient['api']['public']['audits'][':auditId']['progress']['$get'];
export type PublicProgress = InferResponseType<ProgressCall, 200>;

/** The audit id of the page (`/audits/:auditId/...`). */
export function useAuditId(): string {
  return useParams()['auditId'] ?? '';
}

/** The audit's public progress; refreshed every 5 seconds while a round runs (`live`). */
export function usePublicProgress(auditId: string, options: { readonly live?: boolean } = {}) {
  const client = useApi();
  return useQuery({
    queryKey: ['public', 'progress', auditId],
    queryFn: async () => {
      const answer = await answerOf<PublicProgress>(
        client.api.public.audits[':auditId'].progress.$get({ param: { auditId } }),
      );
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value;
    },
    refetchInterval: (query) => (options.live && query.state.data?.roundOpen ? 5000 : false),
  });
}

/** Links between the audit's three public pages; the current one is marked for screen readers too. */
export function AuditPagesNav({ auditId }: { readonly auditId: string }) {
  const base = PATHS.publicAudit(auditId);
  const links = [
    { to: base, label: 'Progress', end: true },
    { to: `${base}/record`, label: 'Audit record', end: false },
    { to: `${base}/verify`, label: 'Verify', end: false },
  ];
  return (
    <nav aria-label="This audit" className="margin-bottom-3">
      <ul className="usa-button-group">
        {links.map((l) => (
          <li key={l.to} className="usa-button-group__item">
            <NavLink
              to={l.to}
              end={l.end}
              className={({ isActive }) => `usa-button ${isActive ? '' : 'usa-button--outline'}`}
            >
              {l.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface ContestRow {
  readonly contest: string;
  readonly status: ContestStatus | null;
  readonly risk: number | null;
  readonly sampled: number | null;
  readonly discrepancies: {
    readonly o1: number;
    readonly o2: number;
    readonly u1: number;
    readonly u2: number;
  } | null;
}

/** Each contest's measured risk, status, sample and discrepancies. */
export function ContestResultsTable({
  caption,
  rows,
}: {
  readonly caption: string;
  readonly rows: readonly ContestRow[];
}) {
  return (
    <Table bordered fullWidth>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Contest</th>
          <th scope="col">Status</th>
          <th scope="col">Measured risk</th>
          <th scope="col">Ballot cards in the sample</th>
          <th scope="col">Discrepancies (2-vote over, 1-vote over, 1-vote under, 2-vote under)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.contest}>
            <th scope="row">{r.contest}</th>
            <td>{statusWord(r.status)}</td>
            <td className="font-mono-xs">{r.risk === null ? '—' : formatRisk(r.risk)}</td>
            <td>{r.sampled === null ? '—' : formatCount(r.sampled)}</td>
            <td>
              {r.discrepancies === null
                ? '—'
                : [r.discrepancies.o2, r.discrepancies.o1, r.discrepancies.u1, r.discrepancies.u2]
                    .map(formatCount)
                    .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
