/**
 * NIST SP 1500-103 cast vote record reports (the common data format, CDF), JSON and XML
 * (spec/formats.md, "NIST SP 1500-103"; schema in fixtures/nist-cdf-cvr/nist-spec/).
 *
 * Each `CVR` has snapshots (`original`, `interpreted`, `modified`); the one named by
 * `CurrentSnapshotId` is what the card shows. In it, each `CVRContest` lists
 * `CVRContestSelection`s with `SelectionPosition`s: a position is a mark when `HasIndication` is
 * `yes` (or, when absent, when it carries votes); `Rank` makes the contest ranked. Marks that are not
 * allocable (an overvote) are kept, so overvotes stay visible. Names come from `Election.Contest`,
 * `Election.Candidate`, `Party` and `GpUnit`.
 *
 * Reports put `Election` before or after `CVR`; when after, the file is read twice (first for the
 * definitions, skipping the cards unparsed, then for the cards), so memory stays one card.
 * Linking: tabulator = `CreatingDeviceId`, batch = `BatchId`, position = `BatchSequenceId`.
 */
import type { Source } from './read_source.js';
import { fileSource } from './read_source.js';
import { streamJsonBatches } from './nist-json-stream.js';
import { createXmlCollector, xmlToJsonShape } from './xml.js';
import type { ContestInfo, ContestVote, Cvr, FormatError, ReaderItem, ReadOptions } from './types.js';

export type NistInput = string | Source;

export interface NistReadOptions extends ReadOptions {
  /** One or more CDF reports (`.json` or `.xml`); several reports form one export. */
  readonly files: readonly NistInput[];
}

/** A CDF element as plain data: JSON as parsed, or XML turned into the same shape. */
type Node = Readonly<Record<string, unknown>>;

interface ContestDef {
  readonly name: string;
  readonly selections: ReadonlyMap<string, string>;
  readonly ranked: boolean;
}

/** What a report defines before its cards can be named. */
interface Definitions {
  readonly contests: Map<string, ContestDef>;
  readonly candidates: Map<string, string>;
  readonly parties: Map<string, string>;
}

/** Every value as a list: CDF JSON has arrays or scalars, and our XML shape has arrays everywhere. */
function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first value as text, or null. */
function text(value: unknown): string | null {
  const first = list(value)[0];
  if (typeof first === 'string') return first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  return null;
}

function nodes(value: unknown): Node[] {
  return list(value).filter((v): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v));
}

function id(node: Node): string | null {
  return text(node['@id']) ?? text(node['ObjectId']);
}

const RANKED_VARIATIONS = new Set(['rcv', 'irv', 'borda', 'ranked-choice']);

/** Adds what one `Election` defines: candidates, then contests with named selections. */
function addElection(defs: Definitions, election: Node): void {
  for (const candidate of nodes(election['Candidate'])) {
    const cid = id(candidate);
    if (cid) defs.candidates.set(cid, (text(candidate['Name']) ?? cid).replace(/\s+/g, ' ').trim());
  }
  for (const contest of nodes(election['Contest'])) {
    const cid = id(contest);
    if (!cid) continue;
    const selections = new Map<string, string>();
    for (const selection of nodes(contest['ContestSelection'])) {
      const sid = id(selection);
      if (sid) selections.set(sid, selectionName(defs, selection, sid));
    }
    const variation = (text(contest['VoteVariation']) ?? '').toLowerCase();
    const ranked = RANKED_VARIATIONS.has(variation) || text(contest['NumberOfRanks']) !== null;
    defs.contests.set(cid, { name: (text(contest['Name']) ?? cid).trim(), selections, ranked });
  }
}

/** A selection's name: its candidates (a ticket joins them with " / "), its ballot measure text, or its parties. */
function selectionName(defs: Definitions, selection: Node, sid: string): string {
  if (text(selection['IsWriteIn']) === 'true') return 'Write-in';
  const candidates = list(selection['CandidateIds']).map(String);
  if (candidates.length > 0) return candidates.map((c) => defs.candidates.get(c) ?? c).join(' / ');
  const measure = text(selection['Selection']);
  if (measure) return measure;
  const parties = list(selection['PartyIds']).map(String);
  if (parties.length > 0) return parties.map((p) => defs.parties.get(p) ?? p).join(' / ');
  return sid;
}

function contestInfo(defs: Definitions, contest: Node): ContestInfo | null {
  const cid = id(contest);
  const def = cid ? defs.contests.get(cid) : undefined;
  if (!def) return null;
  const writeIns = new Set(
    nodes(contest['ContestSelection'])
      .filter((s) => text(s['IsWriteIn']) === 'true')
      .map((s) => id(s)),
  );
  const votesAllowed = Number(text(contest['VotesAllowed']) ?? '1');
  const numWinners = text(contest['NumberElected']);
  const ranks = text(contest['NumberOfRanks']);
  const info: ContestInfo = {
    name: def.name,
    choices: [...def.selections].map(([sid, name]) => ({ name, writeIn: writeIns.has(sid) })),
    votesAllowed: Number.isSafeInteger(votesAllowed) && votesAllowed > 0 ? votesAllowed : 1,
    numWinners: numWinners !== null && /^\d+$/.test(numWinners) ? Number(numWinners) : null,
    ranked: def.ranked,
  };
  return ranks !== null && /^\d+$/.test(ranks) ? { ...info, ranks: Number(ranks) } : info;
}

/** The snapshot the card shows: `CurrentSnapshotId`, else the last modified, interpreted or original one. */
function currentSnapshot(cvr: Node): Node | null {
  const snapshots = nodes(cvr['CVRSnapshot']);
  const current = text(cvr['CurrentSnapshotId']);
  if (current !== null) {
    const named = snapshots.find((s) => id(s) === current);
    if (named) return named;
  }
  for (const type of ['modified', 'interpreted', 'original']) {
    const of = snapshots.filter((s) => text(s['Type']) === type);
    if (of.length > 0) return of[of.length - 1]!;
  }
  return snapshots[snapshots.length - 1] ?? null;
}

/** Whether a selection position is a mark: `HasIndication` yes, or (when absent) votes on it. */
function isMark(position: Node): boolean {
  const indication = text(position['HasIndication']);
  if (indication !== null) return indication === 'yes';
  return Number(text(position['NumberVotes']) ?? '0') > 0;
}

function intOrNull(value: unknown): number | null {
  const t = text(value);
  return t !== null && /^\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : null;
}

/** Turns one CDF `CVR` into a canonical card record, or an error naming what is wrong. */
export function cdfToCvr(args: {
  cvr: Node;
  defs: Definitions;
  jurisdiction: string;
  fallbackId: string;
}): Cvr | { readonly message: string; readonly field: string } {
  const { cvr, defs } = args;
  const snapshot = currentSnapshot(cvr);
  if (!snapshot) return { message: 'This CVR has no CVRSnapshot.', field: 'CVRSnapshot' };
  const contests: Record<string, ContestVote> = {};
  for (const contest of nodes(snapshot['CVRContest'])) {
    const contestId = text(contest['ContestId']);
    const def = contestId !== null ? defs.contests.get(contestId) : undefined;
    if (!def)
      return {
        message: `ContestId ${JSON.stringify(contestId)} is not a contest of the report's Election.`,
        field: 'ContestId',
      };
    const marks: { name: string; rank: number | null }[] = [];
    for (const selection of nodes(contest['CVRContestSelection'])) {
      const sid = text(selection['ContestSelectionId']);
      let name: string | undefined = sid !== null ? def.selections.get(sid) : undefined;
      for (const position of nodes(selection['SelectionPosition'])) {
        if (!isMark(position)) continue;
        if (name === undefined) {
          const writeIn = nodes(position['CVRWriteIn'])[0];
          if (sid !== null || !writeIn) {
            return {
              message: `ContestSelectionId ${JSON.stringify(sid)} is not a selection of contest "${def.name}".`,
              field: 'ContestSelectionId',
            };
          }
          name = text(writeIn['Text']) || 'Write-in';
        }
        marks.push({ name, rank: intOrNull(position['Rank']) });
      }
    }
    if (def.ranked || marks.some((m) => m.rank !== null)) {
      const ranks: string[][] = [];
      for (const m of marks) {
        const r = m.rank ?? 1;
        while (ranks.length < r) ranks.push([]);
        ranks[r - 1]!.push(m.name);
      }
      contests[def.name] = { kind: 'ranks', ranks };
    } else {
      contests[def.name] = { kind: 'marks', marks: marks.map((m) => m.name) };
    }
  }
  const imprinted = text(cvr['BallotPrePrintedId']) ?? text(cvr['BallotAuditId']);
  return {
    jurisdiction: args.jurisdiction,
    cvrId: text(cvr['UniqueId']) ?? text(cvr['BallotAuditId']) ?? id(cvr) ?? args.fallbackId,
    tabulator: text(cvr['CreatingDeviceId']),
    batch: text(cvr['BatchId']),
    position: intOrNull(cvr['BatchSequenceId']),
    imprintedId: imprinted,
    ballotStyle: text(cvr['BallotStyleId']),
    countingGroup: null,
    contests,
  };
}

/** One piece of a report as the walkers give it: a definition, a card, or an error. */
type Piece =
  | { readonly type: 'definition'; readonly key: string; readonly value: unknown }
  | { readonly type: 'cvr'; readonly index: number; readonly value: unknown; readonly line: number }
  | { readonly type: 'error'; readonly error: FormatError };

interface WalkOptions {
  readonly source: Source;
  /** Asked at each CVR (by its index in the report): parse it now? (false skips it unparsed). */
  readonly wantCvr: (index: number) => boolean;
  /** Whether to parse the definitions (false on a second pass). */
  readonly definitions: boolean;
  readonly onBytes: (n: number) => void;
}

const DEFINITIONS = new Set(['Election', 'Party', 'GpUnit']);

async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  onBytes: (n: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    let t = decoder.decode(chunk, { stream: true });
    if (first && t.length > 0) {
      first = false;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    }
    yield t;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The pieces of a JSON report, in batches (one per stretch of text read; see streamJsonBatches). */
async function* walkJson(options: WalkOptions): AsyncGenerator<Piece[]> {
  const file = options.source.name;
  for await (const batch of streamJsonBatches({
    texts: counted(options.source.open(), options.onBytes),
    member: (key) =>
      key === 'CVR' ? 'elements' : options.definitions && DEFINITIONS.has(key) ? 'whole' : 'skip',
    element: (_key, index) => options.wantCvr(index),
  })) {
    const pieces: Piece[] = [];
    for (const item of batch) {
      if (item.type === 'member') pieces.push({ type: 'definition', key: item.key, value: item.value });
      else if (item.type === 'element')
        pieces.push({ type: 'cvr', index: item.index, value: item.value, line: item.line });
      else
        pieces.push({
          type: 'error',
          error: {
            kind: 'nist.json',
            file,
            line: item.line,
            column: item.column,
            path: item.path,
            message: item.message,
          },
        });
    }
    yield pieces;
  }
}

/** The pieces of an XML report, in batches (one per chunk of text). */
async function* walkXml(options: WalkOptions): AsyncGenerator<Piece[]> {
  const file = options.source.name;
  let index = -1;
  /** Indexes of the collected CVRs not yet handed out (several may complete within one chunk). */
  const indexes: number[] = [];
  let rootChecked = false;
  let electionBefore = false;
  const collector = createXmlCollector({
    collect: (path) => {
      if (path.length === 1) return false;
      if (path.length !== 2) return false;
      if (path[1] === 'CVR') {
        index++;
        // A CVR after the Election is wanted: the Election is handled before it, though the caller
        // sees both only when this chunk has been parsed.
        const want = electionBefore || options.wantCvr(index);
        if (want) indexes.push(index);
        return want;
      }
      if (path[1] === 'Election' && options.definitions) electionBefore = true;
      return options.definitions && DEFINITIONS.has(path[1]!);
    },
  });
  const pieces = function* (events: ReturnType<typeof collector.write>): Generator<Piece> {
    for (const event of events) {
      if (event.type === 'error') {
        yield {
          type: 'error',
          error: {
            kind: 'nist.xml',
            file,
            line: event.line,
            column: event.column,
            message: `This CDF report is not well-formed XML: ${event.message}.`,
          },
        };
        continue;
      }
      if (!rootChecked) rootChecked = true;
      const name = event.path[1]!;
      const value = xmlToJsonShape(event.element);
      if (name === 'CVR')
        yield { type: 'cvr', index: indexes.shift() ?? index, value, line: event.element.line };
      else yield { type: 'definition', key: name, value: [value] };
    }
  };
  for await (const t of counted(options.source.open(), options.onBytes))
    yield [...pieces(collector.write(t))];
  yield [...pieces(collector.close())];
}

function errorKey(error: FormatError): string {
  return `${error.line}:${error.column}:${error.path}:${error.message}`;
}

function isXml(source: Source): boolean {
  return /\.xml$/i.test(source.name);
}

/**
 * Reads CDF reports: yields each contest once (when its report's `Election` is read), then every
 * card, and located errors. Every report names its own contests and selections.
 */
export async function* readNistCdf(options: NistReadOptions): AsyncGenerator<ReaderItem> {
  const jurisdiction = options.jurisdiction ?? '';
  const sources = options.files.map((f) => (typeof f === 'string' ? fileSource(f) : f));
  let totalBytes: number | null = 0;
  for (const s of sources) totalBytes = totalBytes === null || s.size === null ? null : totalBytes + s.size;
  let bytes = 0;
  let reported = 0;
  let records = 0;
  const onBytes = (n: number): void => {
    bytes += n;
    if (options.onProgress && bytes - reported >= 4 << 20) {
      reported = bytes;
      options.onProgress({ bytes, totalBytes, records });
    }
  };
  const announced = new Set<string>();

  for (const source of sources) {
    const file = source.name;
    if (source.size === null) {
      yield {
        type: 'error',
        error: { kind: 'nist.missing-file', file, message: 'This file cannot be opened.' },
      };
      continue;
    }
    const defs: Definitions = { contests: new Map(), candidates: new Map(), parties: new Map() };
    let ready = false;
    /** The CVRs met before the Election (indexes below this) were skipped: a second pass reads them. */
    let skippedBelow = 0;
    let sawElection = false;
    const walk = isXml(source) ? walkXml : walkJson;
    const seen = new Set<string>();

    const handle = function* (piece: Piece): Generator<ReaderItem> {
      switch (piece.type) {
        case 'error':
          seen.add(errorKey(piece.error));
          yield { type: 'error', error: piece.error };
          return;
        case 'definition': {
          if (piece.key === 'Party') {
            for (const party of nodes(piece.value)) {
              const pid = id(party);
              if (pid) defs.parties.set(pid, text(party['Name']) ?? pid);
            }
          } else if (piece.key === 'Election') {
            sawElection = true;
            for (const election of nodes(piece.value)) {
              addElection(defs, election);
              for (const contest of nodes(election['Contest'])) {
                const info = contestInfo(defs, contest);
                if (info && !announced.has(info.name)) {
                  announced.add(info.name);
                  yield { type: 'contest', contest: info };
                }
              }
            }
            ready = true;
          }
          return;
        }
        case 'cvr': {
          const path = `CVR[${piece.index}]`;
          const cvr =
            typeof piece.value === 'object' && piece.value !== null && !Array.isArray(piece.value)
              ? (piece.value as Node)
              : null;
          const result = cvr
            ? cdfToCvr({ cvr, defs, jurisdiction, fallbackId: `${file}#${piece.index + 1}` })
            : { message: 'This CVR is not an object.', field: 'CVR' };
          if ('contests' in result) {
            records++;
            yield { type: 'cvr', cvr: result };
          } else {
            yield {
              type: 'error',
              error: {
                kind: 'nist.cvr',
                file,
                line: piece.line,
                path,
                field: result.field,
                message: `${path}: ${result.message}`,
              },
            };
          }
          return;
        }
        default: {
          const never: never = piece;
          throw new Error(`unhandled piece ${JSON.stringify(never)}`);
        }
      }
    };

    for await (const batch of walk({
      source,
      definitions: true,
      onBytes,
      wantCvr: (i) => ready || ((skippedBelow = i + 1), false),
    })) {
      for (const piece of batch) yield* handle(piece);
    }
    if (!sawElection) {
      yield {
        type: 'error',
        error: {
          kind: 'nist.no-election',
          file,
          path: 'Election',
          message: 'This CDF report has no Election, so its contests and candidates have no names.',
        },
      };
      continue;
    }
    if (skippedBelow > 0) {
      for await (const batch of walk({
        source,
        definitions: false,
        onBytes,
        wantCvr: (i) => i < skippedBelow,
      })) {
        for (const piece of batch) {
          // Errors in the file's structure were reported by the first pass.
          if (
            piece.type === 'error' &&
            (piece.error.kind === 'nist.json' || piece.error.kind === 'nist.xml') &&
            seen.has(errorKey(piece.error))
          )
            continue;
          yield* handle(piece);
        }
      }
    }
  }
  options.onProgress?.({ bytes, totalBytes, records });
}
