/**
 * The audit report (`openrla audit report` and the server's `GET /api/audits/:id/report.csv`): the audit's settings, each contest's universe, reported
 * results and measured risk per round, and every sampled card with its tickets, its CVR, what the audit
 * board read and the discrepancy it makes — as JSON and as a sectioned CSV (Arlo's layout). Everything is
 * read from the folded state; a card's discrepancy is Colorado's per-card rule as the calculator applies
 * it (`calc` on that one pair), so the report and the risk agree.
 */
import { calc, isCalcError } from '../calc/index.js';
import { cardKey, cvrBallot, paperBallot } from '../engine/index.js';
import type {
  AuditState,
  CardCvr,
  CardReading,
  CardRef,
  ContestDefinition,
  ContestRoundResult,
  ContestUniverse,
} from '../engine/index.js';

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; text that starts with =, +, - or @ gets
 * a leading ' so a spreadsheet shows it as text rather than running it as a formula (numbers are left as
 * they are).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ReportCard {
  readonly round: number;
  readonly tickets: readonly string[];
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
  readonly phantom: boolean;
  readonly handCount: boolean;
  readonly cvr: CardCvr | undefined;
  readonly reading: CardReading | null;
  /** Per comparison contest of the card's jurisdiction: o2, o1, u1, u2 or none; null when not measurable. */
  readonly discrepancies: Readonly<Record<string, string | null>>;
}

export interface AuditReport {
  readonly audit: string;
  readonly riskLimit: number;
  readonly seed: string | null;
  readonly replacement: boolean;
  readonly jurisdictions: readonly string[];
  readonly files: {
    readonly manifests: Readonly<
      Record<string, { readonly sha256: string; readonly fileName: string; readonly ballots: number }>
    >;
    readonly cvrs: Readonly<
      Record<string, { readonly sha256: string; readonly fileName: string; readonly cvrs: number }>
    >;
  };
  readonly contests: readonly {
    readonly name: string;
    readonly role: string;
    readonly method: string;
    readonly jurisdictions: readonly string[];
    readonly universe: ContestUniverse | null;
    readonly status: string;
    readonly risk: number | null;
    readonly rounds: readonly ({ readonly round: number } & ContestRoundResult)[];
  }[];
  readonly rounds: readonly {
    readonly round: number;
    readonly targets: Readonly<Record<string, number>>;
    readonly handCounts: readonly string[];
    readonly cards: number;
    readonly finished: boolean;
  }[];
  readonly cards: readonly ReportCard[];
}

function isComparison(c: ContestDefinition): boolean {
  return c.method === 'kaplan-markov' || c.method === 'alpha-comparison';
}

/** One card's discrepancy in one contest, by the calculator's per-card rule. */
function discrepancyOf(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly cvr: CardCvr | undefined;
  readonly reading: CardReading | null;
  readonly phantom: boolean;
}): string | null {
  const { contest, universe } = options;
  if (options.reading === null && !options.phantom) return null;
  const pair = options.phantom
    ? { cvr: null, mvr: null }
    : {
        cvr: cvrBallot({ cvr: options.cvr, contest: contest.name }),
        mvr: paperBallot({ reading: options.reading ?? undefined, contest: contest.name }),
      };
  const answer = calc({
    op: 'risk',
    method: 'kaplan-markov',
    riskLimit: options.riskLimit,
    contest: {
      ballots: universe.ballots,
      tallies: universe.tallies,
      numWinners: contest.numWinners,
      votesAllowed: universe.votesAllowed,
    },
    sample: { pairs: [pair] },
  });
  if (isCalcError(answer) || !('discrepancies' in answer) || answer.discrepancies === undefined) return null;
  const d = answer.discrepancies;
  return d.o2 > 0 ? 'o2' : d.o1 > 0 ? 'o1' : d.u2 > 0 ? 'u2' : d.u1 > 0 ? 'u1' : 'none';
}

/** The report of an audit's state. */
export function auditReport(state: AuditState): AuditReport {
  const def = state.definition;
  if (def === null) throw new Error('auditReport: the audit is not defined');
  const universes = state.universes;
  const cards: ReportCard[] = [];
  const seen = new Map<string, number>();
  for (const r of state.rounds) {
    const add = (options: {
      card: CardRef;
      ticket: string | null;
      phantom: boolean;
      handCount: boolean;
    }): void => {
      const key = cardKey(options.card);
      const at = seen.get(key);
      if (at !== undefined) {
        const before = cards[at]!;
        if (options.ticket !== null) cards[at] = { ...before, tickets: [...before.tickets, options.ticket] };
        return;
      }
      const reading = state.readings.get(key)?.reading ?? null;
      const cvr = state.cvrs.get(key);
      const discrepancies: Record<string, string | null> = {};
      if (universes !== null) {
        for (const c of def.contests) {
          if (!isComparison(c) || !c.jurisdictions.includes(options.card.jurisdiction)) continue;
          discrepancies[c.name] = discrepancyOf({
            contest: c,
            universe: universes[c.name]!,
            riskLimit: def.riskLimit,
            cvr,
            reading,
            phantom: options.phantom,
          });
        }
      }
      seen.set(key, cards.length);
      cards.push({
        round: r.round,
        tickets: options.ticket === null ? [] : [options.ticket],
        ...options.card,
        phantom: options.phantom,
        handCount: options.handCount,
        cvr,
        reading,
        discrepancies,
      });
    };
    for (const d of r.draws) add({ card: d.card, ticket: d.ticket, phantom: d.phantom, handCount: false });
    for (const c of r.handCountCards) add({ card: c, ticket: null, phantom: false, handCount: true });
  }
  return {
    audit: def.name,
    riskLimit: def.riskLimit,
    seed: state.seed,
    replacement: def.replacement,
    jurisdictions: def.jurisdictions,
    files: {
      manifests: Object.fromEntries(
        [...state.manifests].map(([j, f]) => [
          j,
          { sha256: f.sha256, fileName: f.fileName, ballots: f.count },
        ]),
      ),
      cvrs: Object.fromEntries(
        [...state.cvrFiles].map(([j, f]) => [j, { sha256: f.sha256, fileName: f.fileName, cvrs: f.count }]),
      ),
    },
    contests: def.contests.map((c) => {
      const result = state.results.get(c.name);
      return {
        name: c.name,
        role: c.role,
        method: c.method,
        jurisdictions: c.jurisdictions,
        universe: universes?.[c.name] ?? null,
        status: result?.status ?? (state.rounds.length === 0 ? 'not started' : 'in-progress'),
        risk: result?.pValue ?? null,
        rounds: state.rounds.flatMap((r) => {
          const result = r.results?.[c.name];
          return result ? [{ round: r.round, ...result }] : [];
        }),
      };
    }),
    rounds: state.rounds.map((r) => ({
      round: r.round,
      targets: r.targets,
      handCounts: r.handCounts,
      cards: r.cards.length,
      finished: r.results !== null,
    })),
    cards,
  };
}

function readingText(reading: CardReading | null, contest: string): string {
  if (reading === null) return '';
  if (!reading.found) return 'not found';
  const r = reading.contests[contest];
  if (r === undefined) return '';
  return r.kind === 'votes' ? r.choices.join('; ') : r.kind;
}

function cvrText(cvr: CardCvr | undefined, contest: string): string {
  if (cvr === undefined) return '';
  if (cvr === null) return '(phantom: no CVR)';
  const marks = cvr[contest];
  if (marks === undefined) return '(contest not on CVR)';
  return marks.length === 0 ? '(no valid vote)' : marks.join('; ');
}

/** The report as one CSV with sections (settings, contests, rounds, sampled cards). */
export function reportCsv(report: AuditReport, state: AuditState): string {
  const row = (...cells: (string | number | boolean | null | undefined)[]): string =>
    cells.map(csvCell).join(',');
  const lines: string[] = [];
  lines.push(
    '######## AUDIT SETTINGS ########',
    row('Audit Name', 'Risk Limit', 'Random Seed', 'Sampling With Replacement'),
    row(report.audit, report.riskLimit, report.seed, report.replacement),
    '',
  );
  lines.push('######## FILES ########', row('Jurisdiction', 'File', 'Name', 'SHA-256', 'Count'));
  for (const [j, f] of Object.entries(report.files.manifests))
    lines.push(row(j, 'ballot manifest', f.fileName, f.sha256, f.ballots));
  for (const [j, f] of Object.entries(report.files.cvrs))
    lines.push(row(j, 'CVR export', f.fileName, f.sha256, f.cvrs));
  lines.push('');
  lines.push(
    '######## CONTESTS ########',
    row(
      'Contest Name',
      'Targeted?',
      'Method',
      'Jurisdictions',
      'Ballots (N)',
      'Phantoms',
      'Votes Allowed',
      'Reported Tallies',
      'Reported Winners',
      'Status',
      'Risk',
    ),
  );
  for (const c of report.contests) {
    const u = c.universe;
    lines.push(
      row(
        c.name,
        c.role === 'targeted' ? 'Targeted' : 'Opportunistic',
        c.method,
        c.jurisdictions.join('; '),
        u?.ballots,
        u?.phantoms,
        u?.votesAllowed,
        u
          ? Object.entries(u.tallies)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ')
          : '',
        u?.winners.join('; '),
        c.status,
        c.risk,
      ),
    );
  }
  lines.push('');
  lines.push(
    '######## ROUNDS ########',
    row('Round', 'Contest', 'Sample Size (draws)', 'Risk', 'Status', 'O2', 'O1', 'U1', 'U2', 'Next Size'),
  );
  for (const c of report.contests)
    for (const r of c.rounds)
      lines.push(
        row(
          r.round,
          c.name,
          r.n,
          r.pValue,
          r.status,
          r.discrepancies?.o2,
          r.discrepancies?.o1,
          r.discrepancies?.u1,
          r.discrepancies?.u2,
          r.nextSize,
        ),
      );
  lines.push('');
  lines.push(
    '######## SAMPLED CARDS ########',
    row(
      'Round',
      'Jurisdiction',
      'Tabulator',
      'Batch',
      'Card',
      'Ticket Numbers',
      'Phantom',
      'Contest',
      'CVR',
      'Audit Result',
      'Discrepancy',
    ),
  );
  const def = state.definition!;
  for (const card of report.cards) {
    for (const c of def.contests) {
      if (!c.jurisdictions.includes(card.jurisdiction)) continue;
      lines.push(
        row(
          card.round,
          card.jurisdiction,
          card.tabulator,
          card.batch,
          card.position,
          card.tickets.join('; '),
          card.phantom,
          c.name,
          isComparison(c) ? cvrText(card.cvr, c.name) : '',
          card.phantom ? '(phantom card)' : readingText(card.reading, c.name),
          card.discrepancies[c.name] ?? '',
        ),
      );
    }
  }
  return lines.join('\n') + '\n';
}
