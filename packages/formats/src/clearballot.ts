/**
 * ClearBallot ClearVote CVR CSV (spec/formats.md, "ClearBallot"): fixed columns `RowNumber, BoxID,
 * BoxPosition, BallotID, PrecinctID, BallotStyleID, PrecinctStyleName, ScanComputerName, Status, Remade`,
 * then one column per choice: `Choice_<id>_<n>:<Contest>:Vote For <N>:<Choice>:<Party>`, or for ranked
 * contests `Choice_<id>_<n>:<Contest>:<rank>:Number of Winners <N>:<Choice>:<Party>`. Contest names may
 * contain commas. Link to the manifest: (ScanComputerName, BoxID, BoxPosition).
 */
import { isBlankRow, normalizeHeader, readCsv } from './csv.js';
import { errorItem, quoted } from './errors.js';
import { isWriteIn } from './dominion_csv.js';
import type { ReaderOptions } from './read_options.js';
import { withProgress, type Source } from './read_source.js';
import type { ContestInfo, ContestVote, ReaderItem } from './types.js';

const FIXED = [
  'rownumber',
  'boxid',
  'boxposition',
  'ballotid',
  'precinctid',
  'ballotstyleid',
  'precinctstylename',
  'scancomputername',
  'status',
  'remade',
];

/** A choice column's header, read from the right (contest names may hold commas, not colons). */
export function parseChoiceHeader(
  header: string,
): { contest: string; choice: string; rank: number | null; votesAllowed: number } | null {
  if (!/^Choice_\d+_\d+:/.test(header)) return null;
  const parts = header.split(':');
  if (parts.length < 5) return null;
  const choice = parts[parts.length - 2]!;
  const kind = parts[parts.length - 3]!;
  const allowed = /^(?:Vote For|Number of Winners) (\d+)$/i.exec(kind.trim());
  if (!allowed) return null;
  const rank = parts[parts.length - 4]!;
  // Ranked columns carry the rank before "Vote For N" / "Number of Winners N".
  if (parts.length >= 6 && /^\d+$/.test(rank))
    return {
      contest: parts.slice(1, -4).join(':'),
      choice,
      rank: Number(rank),
      votesAllowed: Number(allowed[1]),
    };
  return { contest: parts.slice(1, -3).join(':'), choice, rank: null, votesAllowed: Number(allowed[1]) };
}

interface Column {
  readonly index: number;
  readonly contest: string;
  readonly choice: string;
  readonly rank: number | null;
}

/** Reads a ClearBallot CVR export: contests, then one CVR per row, with located errors. */
export async function* readClearBallot(
  source: Source,
  options: ReaderOptions = {},
): AsyncGenerator<ReaderItem> {
  const file = source.name;
  const jurisdiction = options.jurisdiction ?? '';
  let records = 0;
  const chunks = withProgress(source.open(), {
    onProgress: options.onProgress,
    totalBytes: source.size,
    records: () => records,
  });
  let columns: Column[] | null = null;
  let contestInfo = new Map<string, ContestInfo>();
  const seen = new Map<string, number>();
  for await (const item of readCsv(chunks, { file })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { cells, line } = item;
    if (isBlankRow(cells)) continue;
    if (columns === null) {
      const names = cells.slice(0, FIXED.length).map(normalizeHeader);
      const missing = FIXED.findIndex((f, k) => names[k] !== f);
      if (missing >= 0) {
        yield errorItem({
          kind: 'clearballot.wrong-header',
          message: `This is not a ClearBallot CVR export: column ${missing + 1} should be ${quoted(FIXED[missing]!)} but is ${quoted(cells[missing] ?? '')}.`,
          file,
          line,
          column: missing + 1,
        });
        return;
      }
      columns = [];
      const building = new Map<
        string,
        { choices: string[]; votesAllowed: number; ranks: number; ranked: boolean }
      >();
      for (let k = FIXED.length; k < cells.length; k++) {
        const h = parseChoiceHeader(cells[k]!);
        if (!h) {
          yield errorItem({
            kind: 'clearballot.bad-choice-header',
            message: `Column ${k + 1}: ${quoted(cells[k]!)} is not "Choice_<id>_<n>:<Contest>:Vote For <N>:<Choice>:<Party>".`,
            file,
            line,
            column: k + 1,
          });
          return;
        }
        columns.push({ index: k, contest: h.contest, choice: h.choice, rank: h.rank });
        const b = building.get(h.contest) ?? {
          choices: [],
          votesAllowed: h.votesAllowed,
          ranks: 0,
          ranked: h.rank !== null,
        };
        if (!b.choices.includes(h.choice)) b.choices.push(h.choice);
        b.ranks = Math.max(b.ranks, h.rank ?? 0);
        building.set(h.contest, b);
      }
      contestInfo = new Map(
        [...building].map(([name, b]) => [
          name,
          b.ranked
            ? {
                name,
                choices: b.choices.map((c) => ({ name: c, writeIn: isWriteIn(c) })),
                votesAllowed: 1,
                numWinners: b.votesAllowed,
                ranked: true,
                ranks: b.ranks,
              }
            : {
                name,
                choices: b.choices.map((c) => ({ name: c, writeIn: isWriteIn(c) })),
                votesAllowed: b.votesAllowed,
                numWinners: null,
                ranked: false,
              },
        ]),
      );
      options.onExportInfo?.({ format: 'clearballot', version: null, electionName: null });
      for (const c of contestInfo.values()) yield { type: 'contest', contest: c };
      continue;
    }
    if (cells.length < FIXED.length + columns.length) {
      yield errorItem({
        kind: 'clearballot.short-row',
        message: `Line ${line} has ${cells.length} cells; the header has ${FIXED.length + columns.length}.`,
        file,
        line,
        column: cells.length,
      });
      continue;
    }
    const box = cells[1]!.trim();
    const posText = cells[2]!.trim();
    const scanner = cells[7]!.trim();
    if (!/^\d+$/.test(posText)) {
      yield errorItem({
        kind: 'clearballot.invalid-position',
        message: `Line ${line}: BoxPosition must be a whole number; found ${quoted(posText)}.`,
        file,
        line,
        column: 3,
        field: 'BoxPosition',
      });
      continue;
    }
    const key = `${scanner}\u0000${box}\u0000${posText}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      yield errorItem({
        kind: 'clearballot.duplicate-card',
        message: `Line ${line}: box ${quoted(box)} position ${posText} of ${quoted(scanner)} is already on line ${earlier}.`,
        file,
        line,
        column: 3,
      });
      continue;
    }
    seen.set(key, line);
    const marks = new Map<string, { present: boolean; marks: string[]; ranks: string[][] }>();
    let bad = -1;
    for (const c of columns) {
      const v = cells[c.index]!.trim();
      if (v === '') continue;
      if (v !== '0' && v !== '1') {
        bad = c.index;
        break;
      }
      let m = marks.get(c.contest);
      if (!m) marks.set(c.contest, (m = { present: true, marks: [], ranks: [] }));
      if (v === '1') {
        if (c.rank === null) m.marks.push(c.choice);
        else {
          while (m.ranks.length < c.rank) m.ranks.push([]);
          m.ranks[c.rank - 1]!.push(c.choice);
        }
      }
    }
    if (bad >= 0) {
      yield errorItem({
        kind: 'clearballot.invalid-mark',
        message: `Line ${line}: a mark cell must be 1, 0 or empty.`,
        file,
        line,
        column: bad + 1,
      });
      continue;
    }
    const contests: Record<string, ContestVote> = {};
    for (const [name, m] of marks)
      contests[name] = contestInfo.get(name)?.ranked
        ? { kind: 'ranks', ranks: m.ranks }
        : { kind: 'marks', marks: m.marks };
    records++;
    yield {
      type: 'cvr',
      cvr: {
        jurisdiction,
        cvrId: cells[3]!.trim() || cells[0]!.trim(),
        tabulator: scanner || null,
        batch: box || null,
        position: Number(posText),
        imprintedId: cells[3]!.trim() || null,
        ballotStyle: cells[5]!.trim() || null,
        countingGroup: null,
        contests,
      },
    };
  }
}
