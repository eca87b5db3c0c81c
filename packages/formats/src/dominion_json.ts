/**
 * Dominion Democracy Suite JSON CVR exports (spec/formats.md, "Dominion"): one or many `CvrExport*.json`
 * plus manifests (`ContestManifest.json`, `CandidateManifest.json`, `BallotTypeManifest.json`,
 * `CountingGroupManifest.json`, `TabulatorManifest.json`).
 *
 * A statewide export is gigabytes, so an export file is never parsed whole: a byte-level splitter walks
 * the `Sessions` array and hands each session (a few kB) to `JSON.parse`. A session's `Modified`
 * record (adjudicated) wins over `Original`; schema 5.2 puts `Contests` in the record, 5.10+ puts
 * them in `Cards[]`. Errors carry a JSON path such as `Sessions[41].Original.Cards[0]`.
 */
import { createRecordTable } from './dominion_seen.js';
import { FAST_MORE, fastSession, parseSessionFast, type FastSession } from './dominion_json_fast.js';
import { sessionItemsOnWorker } from './dominion_json_worker.js';
import { errorItem } from './errors.js';
import type { ReaderOptions } from './read_options.js';
import { bytesProgress, withProgress, type Source } from './read_source.js';
import type { ContestInfo, ContestVote, Cvr, ReaderItem } from './types.js';

/** What the manifests say, by Dominion id. */
export interface DominionManifests {
  readonly contests: ReadonlyMap<number, ContestInfo>;
  readonly candidates: ReadonlyMap<
    number,
    { readonly name: string; readonly contestId: number | null; readonly writeIn: boolean }
  >;
  readonly ballotTypes: ReadonlyMap<number, string>;
  readonly countingGroups: ReadonlyMap<number, string>;
  readonly tabulators: ReadonlyMap<number, string>;
}

export interface DominionManifestSources {
  readonly contest?: Source;
  readonly candidate?: Source;
  readonly ballotType?: Source;
  readonly countingGroup?: Source;
  readonly tabulator?: Source;
}

interface ManifestEntry {
  readonly Description?: unknown;
  readonly Id?: unknown;
  readonly ContestId?: unknown;
  readonly Type?: unknown;
  readonly VoteFor?: unknown;
  readonly NumOfRanks?: unknown;
}

async function readAll(source: Source): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of source.open()) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads one small manifest file (`{ "List": [...] }`); errors are located by file and JSON path. */
async function readManifestList(source: Source): Promise<{ list: ManifestEntry[] } | { error: ReaderItem }> {
  try {
    const text = new TextDecoder().decode(await readAll(source)).replace(/^\uFEFF/, '');
    const json = JSON.parse(text) as { List?: unknown };
    if (!json || !Array.isArray(json.List)) {
      return {
        error: errorItem({
          kind: 'dominion.bad-manifest',
          message: `${source.name} has no "List" array.`,
          file: source.name,
          path: 'List',
        }),
      };
    }
    return { list: json.List.filter((x): x is ManifestEntry => typeof x === 'object' && x !== null) };
  } catch (e) {
    return {
      error: errorItem({
        kind: 'dominion.bad-manifest',
        message: `${source.name} is not valid JSON (${(e as Error).message}).`,
        file: source.name,
        path: '$',
      }),
    };
  }
}

const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : null;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Reads the manifests that give names to the ids in the export; each may be absent (names fall back to ids). */
export async function readDominionManifests(
  sources: DominionManifestSources,
): Promise<{ manifests: DominionManifests; errors: ReaderItem[] }> {
  const errors: ReaderItem[] = [];
  const load = async (s: Source | undefined): Promise<ManifestEntry[]> => {
    if (!s) return [];
    const r = await readManifestList(s);
    if ('error' in r) {
      errors.push(r.error);
      return [];
    }
    return r.list;
  };
  const candidates = new Map<number, { name: string; contestId: number | null; writeIn: boolean }>();
  for (const c of await load(sources.candidate)) {
    const id = num(c.Id);
    if (id !== null)
      candidates.set(id, {
        name: str(c.Description),
        contestId: num(c.ContestId),
        writeIn: /write/i.test(str(c.Type)),
      });
  }
  const contests = new Map<number, ContestInfo>();
  for (const c of await load(sources.contest)) {
    const id = num(c.Id);
    if (id === null) continue;
    const ranks = num(c.NumOfRanks) ?? 0;
    const voteFor = num(c.VoteFor) ?? 1;
    const choices = [...candidates.values()]
      .filter((x) => x.contestId === id)
      .map((x) => ({ name: x.name, writeIn: x.writeIn }));
    const info: ContestInfo =
      ranks > 0
        ? { name: str(c.Description), choices, votesAllowed: 1, numWinners: voteFor, ranked: true, ranks }
        : { name: str(c.Description), choices, votesAllowed: voteFor, numWinners: null, ranked: false };
    contests.set(id, info);
  }
  const byId = (list: ManifestEntry[]) =>
    new Map(list.flatMap((x) => (num(x.Id) === null ? [] : [[num(x.Id)!, str(x.Description)] as const])));
  return {
    manifests: {
      contests,
      candidates,
      ballotTypes: byId(await load(sources.ballotType)),
      countingGroups: byId(await load(sources.countingGroup)),
      tabulators: byId(await load(sources.tabulator)),
    },
    errors,
  };
}

/** What the splitter yields: a session's text with its index, or why the file cannot be split further. */
export type SessionSplit =
  SessionSlice | { readonly error: 'no-sessions' | 'truncated'; readonly index: number };

/** One element of the `Sessions` array, as its bytes, with its index. */
interface SessionSlice {
  readonly index: number;
  readonly text: string;
}

const Q = 34; // "
const BS = 92; // \
const LB = 123; // {
const RB = 125; // }
const LS = 91; // [
const RS = 93; // ]

/** The bytes that open or close a string, an object or an array. */
const STRUCTURAL = new Uint8Array(256);
for (const b of [Q, LB, RB, LS, RS]) STRUCTURAL[b] = 1;

/** One element of the `Sessions` array: its index, its byte range in the file, and its bytes (valid until the next item). */
export interface SessionRange {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

/** Why a file cannot be split (further): no `Sessions` array, or it ends inside session `index`. */
export interface SessionSplitError {
  readonly error: 'no-sessions' | 'truncated';
  readonly index: number;
}

/**
 * Splits the `Sessions` array of a CvrExport file into elements without parsing the whole file:
 * a byte scanner that tracks strings, escapes and brace depth, and jumps over the bytes that cannot
 * open or close anything. Also fills in the header fields (`Version`, `ElectionId`) found before
 * the array.
 */
export async function* splitSessionRanges(
  chunks: AsyncIterable<Uint8Array>,
  header: { version: string | null; electionId: string | null },
): AsyncGenerator<SessionRange | SessionSplitError> {
  const decoder = new TextDecoder();
  let buf: Uint8Array = new Uint8Array(0);
  let base = 0; // the file offset of buf[0]
  let state: 'prefix' | 'between' | 'element' | 'done' = 'prefix';
  let depth = 0;
  let inString = false;
  let start = -1;
  let scan = 0;
  let index = 0;
  for await (const chunk of chunks) {
    if (state === 'done') continue;
    // Keep only the unfinished element; append the new chunk.
    const keepFrom = state === 'element' ? start : scan;
    const rest = buf.subarray(keepFrom);
    const next = new Uint8Array(rest.length + chunk.length);
    next.set(rest, 0);
    next.set(chunk, rest.length);
    scan -= keepFrom;
    if (start >= 0) start -= keepFrom;
    base += keepFrom;
    buf = next;
    const n = buf.length;
    if (state === 'prefix') {
      // Find `"Sessions"` followed by `[` at the top level; headers before it are small.
      const text = decoder.decode(buf.subarray(0, Math.min(n, 1 << 16)));
      const m = /"Sessions"\s*:\s*\[/.exec(text);
      if (!m) {
        if (n > 1 << 16) {
          state = 'done';
          yield { error: 'no-sessions', index: 0 };
        }
        continue;
      }
      const prefix = text.slice(0, m.index);
      header.version = /"Version"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      header.electionId = /"ElectionId"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      scan = Buffer.byteLength(text.slice(0, m.index + m[0].length));
      state = 'between';
    }
    let i = scan;
    while (i < n) {
      if (state === 'between') {
        const b = buf[i]!;
        if (b === LB) {
          state = 'element';
          start = i;
          depth = 1;
          inString = false;
        } else if (b === RS) {
          state = 'done';
          break;
        }
        i++;
        continue;
      }
      // state === 'element': jump over bytes that cannot open or close anything.
      if (inString) {
        // The closing quote is the next quote that no backslash escapes.
        let c = 0;
        while (i < n && (c = buf[i]!) !== Q && c !== BS) i++;
        if (i >= n) break;
        if (c === BS) {
          i += 2; // the escaped byte (may lie in the next chunk: then scanning resumes past it)
          continue;
        }
        inString = false;
        i++;
        continue;
      }
      while (i < n && STRUCTURAL[buf[i]!] === 0) i++;
      if (i >= n) break;
      const b = buf[i]!;
      if (b === Q) inString = true;
      else if (b === LB || b === LS) depth++;
      else {
        depth--;
        if (depth === 0) {
          yield { index, start: base + start, end: base + i + 1, bytes: buf.subarray(start, i + 1) };
          index++;
          state = 'between';
          start = -1;
        }
      }
      i++;
    }
    scan = i;
  }
  if (state === 'prefix') yield { error: 'no-sessions', index: 0 };
  else if (state !== 'done') yield { error: 'truncated', index };
}

/** A session the fast path read (`dominion_json_fast.ts`), with its index. */
interface FastSessionItem {
  readonly index: number;
  readonly session: FastSession;
}

/** A session longer than this is not retried by the fast path at every new chunk (that would be quadratic). */
const FAST_MAX_BYTES = 4 << 20;

/** Whether `sessionCvr` reads the session's `ImageMask`: only when its RecordId is not a number. */
const needsImage = (s: FastSession): boolean => num(s.RecordId) === null;

/**
 * The sessions of a CvrExport file, each read by the fast path when it can
 * (`parseSessionFast`, one pass over its bytes) and otherwise given as text for `JSON.parse`; the
 * sessions, their indexes and the errors are exactly those of `splitSessions`.
 */
export async function* readSessions(
  chunks: AsyncIterable<Uint8Array>,
  header: { version: string | null; electionId: string | null },
): AsyncGenerator<SessionSplit | FastSessionItem> {
  const decoder = new TextDecoder();
  let buf: Uint8Array = new Uint8Array(0);
  // `take` changes the state: declared wide so that the checks after it are not narrowed away.
  let state = 'prefix' as 'prefix' | 'between' | 'element' | 'done';
  let depth = 0;
  let inString = false;
  let start = -1;
  let scan = 0;
  let index = 0;
  /** Reads what `buf` holds from `scan` on; `final` when no more bytes will come. */
  const take = (final: boolean): (SessionSplit | FastSessionItem)[] => {
    const out: (SessionSplit | FastSessionItem)[] = [];
    const n = buf.length;
    let i = scan;
    while (i < n) {
      if (state === 'between') {
        const b = buf[i]!;
        if (b === LB) {
          const end = parseSessionFast({ bytes: buf, start: i, end: n, needsImage });
          if (end >= 0) {
            out.push({ index, session: fastSession! });
            index++;
            i = end;
            continue;
          }
          // Read it again once more bytes are here (a session of megabytes is left to the general way).
          if (end === FAST_MORE && !final && n - i < FAST_MAX_BYTES) break;
          state = 'element';
          start = i;
          depth = 1;
          inString = false;
        } else if (b === RS) {
          state = 'done';
          break;
        }
        i++;
        continue;
      }
      // state === 'element' (a session the fast path declined): as in splitSessionRanges.
      if (inString) {
        let c = 0;
        while (i < n && (c = buf[i]!) !== Q && c !== BS) i++;
        if (i >= n) break;
        if (c === BS) {
          i += 2;
          continue;
        }
        inString = false;
        i++;
        continue;
      }
      while (i < n && STRUCTURAL[buf[i]!] === 0) i++;
      if (i >= n) break;
      const b = buf[i]!;
      if (b === Q) inString = true;
      else if (b === LB || b === LS) depth++;
      else {
        depth--;
        if (depth === 0) {
          out.push({ index, text: decoder.decode(buf.subarray(start, i + 1)) });
          index++;
          state = 'between';
          start = -1;
        }
      }
      i++;
    }
    scan = i;
    return out;
  };
  for await (const chunk of chunks) {
    if (state === 'done') continue;
    // Keep only the unfinished session; append the new chunk.
    const keepFrom = state === 'element' ? start : scan;
    const rest = buf.subarray(keepFrom);
    const next = new Uint8Array(rest.length + chunk.length);
    next.set(rest, 0);
    next.set(chunk, rest.length);
    scan -= keepFrom;
    if (start >= 0) start -= keepFrom;
    buf = next;
    if (state === 'prefix') {
      const n = buf.length;
      const text = decoder.decode(buf.subarray(0, Math.min(n, 1 << 16)));
      const m = /"Sessions"\s*:\s*\[/.exec(text);
      if (!m) {
        if (n > 1 << 16) {
          state = 'done';
          yield { error: 'no-sessions', index: 0 };
        }
        continue;
      }
      const prefix = text.slice(0, m.index);
      header.version = /"Version"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      header.electionId = /"ElectionId"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      scan = Buffer.byteLength(text.slice(0, m.index + m[0].length));
      state = 'between';
    }
    yield* take(false);
  }
  if (state === 'between' && scan < buf.length) yield* take(true);
  if (state === 'prefix') yield { error: 'no-sessions', index: 0 };
  else if (state !== 'done') yield { error: 'truncated', index };
}

/** `splitSessionRanges` with each session's text. */
export async function* splitSessions(
  chunks: AsyncIterable<Uint8Array>,
  header: { version: string | null; electionId: string | null },
): AsyncGenerator<SessionSplit> {
  const decoder = new TextDecoder();
  for await (const item of splitSessionRanges(chunks, header)) {
    yield 'error' in item ? item : { index: item.index, text: decoder.decode(item.bytes) };
  }
}

interface JsonMark {
  readonly CandidateId?: unknown;
  readonly Rank?: unknown;
  readonly IsVote?: unknown;
  readonly IsAmbiguous?: unknown;
}
interface JsonContest {
  readonly Id?: unknown;
  readonly Marks?: unknown;
  readonly Overvotes?: unknown;
}
interface JsonRecord {
  readonly IsCurrent?: unknown;
  readonly BallotTypeId?: unknown;
  readonly Cards?: unknown;
  readonly Contests?: unknown;
}
interface JsonSession {
  readonly TabulatorId?: unknown;
  readonly BatchId?: unknown;
  readonly RecordId?: unknown;
  readonly CountingGroupId?: unknown;
  readonly UniqueVotingIdentifier?: unknown;
  readonly ImageMask?: unknown;
  readonly Original?: JsonRecord;
  readonly Modified?: JsonRecord;
}

/** The record that counts: `Modified` (adjudicated) when present and current, else `Original`. */
export function currentRecord(session: JsonSession): { record: JsonRecord; path: string } | null {
  const m = session.Modified;
  const o = session.Original;
  if (m && typeof m === 'object' && m.IsCurrent !== false) return { record: m, path: 'Modified' };
  if (o && typeof o === 'object') return { record: o, path: 'Original' };
  if (m && typeof m === 'object') return { record: m, path: 'Modified' };
  return null;
}

/** The name of a mark's candidate: from the manifest, else its id, else `?`. */
function candidateName(m: JsonMark | null | undefined, manifests: DominionManifests): string {
  const cid = num(m?.CandidateId);
  return cid === null ? '?' : (manifests.candidates.get(cid)?.name ?? String(cid));
}

/**
 * Plurality votes of exactly one choice, shared by name: most contests on most cards are such a vote,
 * so cards share one frozen object per choice (as the CSV reader does) instead of one each.
 */
const singleVotes = new Map<string, ContestVote>();
const NO_VOTE: ContestVote = Object.freeze({ kind: 'marks', marks: Object.freeze([]) as readonly string[] });

function singleVote(name: string): ContestVote {
  let vote = singleVotes.get(name);
  if (vote === undefined) {
    vote = Object.freeze({ kind: 'marks', marks: Object.freeze([name]) }) as ContestVote;
    if (singleVotes.size < 1 << 14) singleVotes.set(name, vote);
  }
  return vote;
}

/**
 * Adds the contests of one list (`Contests` of a card or record) to `contests`; returns what is wrong
 * and the JSON path below the list, or null.
 */
function addContests(
  contests: Record<string, ContestVote>,
  list: unknown,
  manifests: DominionManifests,
): { readonly message: string; readonly suffix: string } | null {
  if (!Array.isArray(list)) return { message: 'a card has no Contests list', suffix: '' };
  for (let k = 0; k < list.length; k++) {
    const c = list[k] as JsonContest | null | undefined;
    const id = num(c?.Id);
    if (id === null || !Array.isArray(c!.Marks))
      return { message: 'a contest has no Id or no Marks', suffix: `[${k}]` };
    const info = manifests.contests.get(id);
    const name = info?.name ?? String(id);
    const marks = c!.Marks as (JsonMark | null | undefined)[];
    let ranked = info?.ranked === true;
    if (!info) for (let j = 0; j < marks.length && !ranked; j++) ranked = (num(marks[j]?.Rank) ?? 1) > 1;
    if (ranked) {
      const ranks: string[][] = [];
      for (const m of marks) {
        if (m?.IsVote !== true) continue;
        const r = num(m.Rank) ?? 1;
        if (r < 1 || r > 1000)
          return { message: `a mark has rank ${String(m.Rank)}`, suffix: `[${k}].Marks` };
        while (ranks.length < r) ranks.push([]);
        ranks[r - 1]!.push(candidateName(m, manifests));
      }
      contests[name] = { kind: 'ranks', ranks };
    } else if ((num(c!.Overvotes) ?? 0) > 0) {
      const all: string[] = [];
      for (const m of marks) all.push(candidateName(m, manifests));
      contests[name] = { kind: 'marks', marks: all, overvote: true };
    } else {
      let chosen: string | string[] | null = null;
      for (const m of marks) {
        if (m?.IsVote !== true) continue;
        const who = candidateName(m, manifests);
        if (chosen === null) chosen = who;
        else if (typeof chosen === 'string') chosen = [chosen, who];
        else chosen.push(who);
      }
      contests[name] =
        chosen === null
          ? NO_VOTE
          : typeof chosen === 'string'
            ? singleVote(chosen)
            : { kind: 'marks', marks: chosen };
    }
  }
  return null;
}

/** Turns one session into a CVR, or a message and the JSON path (below the session) of what is wrong. */
export function sessionCvr(options: {
  readonly session: JsonSession;
  readonly manifests: DominionManifests;
  readonly jurisdiction: string;
}): Cvr | { readonly message: string; readonly path: string } {
  const { session, manifests, jurisdiction } = options;
  const tab = num(session.TabulatorId);
  const batch = num(session.BatchId);
  const recordText = str(session.RecordId);
  if (tab === null) return { message: 'a session has no TabulatorId', path: 'TabulatorId' };
  if (batch === null) return { message: 'a session has no BatchId', path: 'BatchId' };
  if (recordText === '') return { message: 'a session has no RecordId', path: 'RecordId' };
  // A RecordId that is not a number (seen in SHANGRLA's samples): the image file name still numbers the card.
  const record = num(session.RecordId) ?? num(/_(\d+)\*[^\\]*$/.exec(str(session.ImageMask))?.[1]);
  const current = currentRecord(session);
  if (!current) return { message: 'a session has neither Original nor Modified', path: 'Original' };
  const rec = current.record;
  const contests: Record<string, ContestVote> = {};
  if (Array.isArray(rec.Cards)) {
    const cards = rec.Cards as unknown[];
    for (let k = 0; k < cards.length; k++) {
      const card = cards[k];
      if (!card || typeof card !== 'object') continue;
      const wrong = addContests(contests, (card as { Contests?: unknown }).Contests, manifests);
      if (wrong !== null)
        return { message: wrong.message, path: `${current.path}.Cards[${k}].Contests${wrong.suffix}` };
    }
  } else {
    const wrong = addContests(contests, rec.Contests, manifests);
    if (wrong !== null) return { message: wrong.message, path: `${current.path}.Contests${wrong.suffix}` };
  }
  const bt = num(rec.BallotTypeId);
  const cg = num(session.CountingGroupId);
  const id = `${tab}-${batch}-${recordText}`;
  return {
    jurisdiction,
    cvrId: id,
    tabulator: String(tab),
    batch: String(batch),
    position: record,
    imprintedId: id,
    ballotStyle: bt === null ? null : (manifests.ballotTypes.get(bt) ?? String(bt)),
    countingGroup: cg === null ? null : (manifests.countingGroups.get(cg) ?? String(cg)),
    contests,
  };
}

/**
 * Reads a Dominion JSON export: the contests of the manifest, then one CVR per session of every
 * export file in order, with located errors (file + JSON path) for malformed sessions, truncated files
 * and duplicate (tabulator, batch, record) triples across files.
 */
export function readDominionJson(
  options: {
    readonly exports: readonly Source[];
    readonly manifests: DominionManifestSources;
  } & ReaderOptions,
): AsyncGenerator<ReaderItem> {
  return readDominionJsonBy({ ...options, split: 'auto' });
}

/**
 * Where the sessions of an export file are read: on the calling thread (`main`, by the fast path,
 * `readSessions`), on a worker thread (`worker`, files on disk only: the worker reads sessions into
 * CVRs and the calling thread only checks duplicates across files), or `auto` (today: the calling
 * thread, which measured faster than the worker). `reference`
 * splits on the calling thread and gives every session to `JSON.parse` (what the fast path is tested
 * against). The items are the same whichever is chosen.
 */
export type DominionJsonSplit = 'main' | 'worker' | 'auto' | 'reference';

/** The sessions of one export file on the calling thread: by the fast path, or (`reference`) all through `JSON.parse`. */
function sessionsOf(o: {
  readonly source: Source;
  readonly split: DominionJsonSplit;
  readonly header: { version: string | null; electionId: string | null };
  readonly progress: {
    readonly onProgress?: ReaderOptions['onProgress'];
    readonly totalBytes: number | null;
    readonly records: () => number;
    readonly startBytes: number;
  };
}): AsyncIterable<SessionSplit | FastSessionItem> {
  const { source, header, progress } = o;
  if (o.split === 'reference') return splitSessions(withProgress(source.open(), progress), header);
  return readSessions(withProgress(source.open(), progress), header);
}

/**
 * The CVRs and located errors of one export file's sessions, before the duplicate check across
 * files; `at.index` is the index of the session of the item last yielded.
 */
export async function* sessionItems(o: {
  readonly sessions: AsyncIterable<SessionSplit | FastSessionItem>;
  readonly file: string;
  readonly manifests: DominionManifests;
  readonly jurisdiction: string;
  readonly at: { index: number };
}): AsyncGenerator<ReaderItem> {
  const { file, manifests, jurisdiction, at } = o;
  for await (const item of o.sessions) {
    at.index = item.index;
    if ('error' in item) {
      yield item.error === 'no-sessions'
        ? errorItem({
            kind: 'dominion.no-sessions',
            message: `${file} has no "Sessions" array: it is not a Dominion CvrExport file.`,
            file,
            path: 'Sessions',
          })
        : errorItem({
            kind: 'dominion.truncated-json',
            message: `${file} ends in the middle of session ${item.index}: the file is incomplete. Copy it again from the export.`,
            file,
            path: `Sessions[${item.index}]`,
          });
      continue;
    }
    let session: JsonSession;
    if ('session' in item) session = item.session as JsonSession;
    else
      try {
        session = JSON.parse(item.text) as JsonSession;
      } catch (e) {
        yield errorItem({
          kind: 'dominion.invalid-json',
          message: `${file}: session ${item.index} is not valid JSON (${(e as Error).message}).`,
          file,
          path: `Sessions[${item.index}]`,
        });
        continue;
      }
    if (!session || typeof session !== 'object' || Array.isArray(session)) {
      yield errorItem({
        kind: 'dominion.invalid-session',
        message: `${file}: session ${item.index} is not an object.`,
        file,
        path: `Sessions[${item.index}]`,
      });
      continue;
    }
    const cvr = sessionCvr({ session, manifests, jurisdiction });
    if ('message' in cvr) {
      yield errorItem({
        kind: 'dominion.invalid-session',
        message: `${file}: ${cvr.message}.`,
        file,
        path: `Sessions[${item.index}].${cvr.path}`,
      });
      continue;
    }
    yield { type: 'cvr', cvr };
  }
}

/** `readDominionJson` with the choice of where sessions are read (tests compare them). */
export async function* readDominionJsonBy(
  options: {
    readonly exports: readonly Source[];
    readonly manifests: DominionManifestSources;
    readonly split: DominionJsonSplit;
  } & ReaderOptions,
): AsyncGenerator<ReaderItem> {
  const jurisdiction = options.jurisdiction ?? '';
  const { manifests, errors } = await readDominionManifests(options.manifests);
  for (const e of errors) yield e;
  for (const c of manifests.contests.values()) yield { type: 'contest', contest: c };
  const totalBytes = options.exports.every((s) => s.size !== null)
    ? options.exports.reduce((s, x) => s + (x.size ?? 0), 0)
    : null;
  let startBytes = 0;
  let records = 0;
  let announced = false;
  const seen = createRecordTable(); // (tabulator-batch, record) pairs seen, in a few bytes each
  for (const source of options.exports) {
    const file = source.name;
    const header: { version: string | null; electionId: string | null } = { version: null, electionId: null };
    const progress = { onProgress: options.onProgress, totalBytes, records: () => records, startBytes };
    const at = { index: 0 };
    // `auto` reads on the calling thread: since the fast path, cloning CVRs across threads costs more than
    // the worker saves (measured on 600 MB, quiet 2-core machine: 155 MB/s here, 109 MB/s with the worker).
    const onWorker = source.path !== undefined && options.split === 'worker';
    let items: AsyncIterable<ReaderItem>;
    if (onWorker) {
      const bytes = bytesProgress(progress);
      items = (async function* () {
        yield* sessionItemsOnWorker({
          path: source.path!,
          file,
          manifests,
          jurisdiction,
          header,
          at,
          onBytes: bytes.read,
        });
        bytes.end();
      })();
    } else {
      const sessions = sessionsOf({ source, split: options.split, header, progress });
      items = sessionItems({ sessions, file, manifests, jurisdiction, at });
    }
    startBytes += source.size ?? 0;
    for await (const item of items) {
      if (!announced && header.version !== null) {
        announced = true;
        options.onExportInfo?.({
          format: 'dominion-json',
          version: header.version,
          electionName: header.electionId,
        });
      }
      if (item.type === 'cvr') {
        const cvr = item.cvr;
        const key = `${cvr.tabulator}-${cvr.batch}`;
        if (cvr.position !== null && seen.get({ batch: key, record: cvr.position }) !== 0) {
          yield errorItem({
            kind: 'dominion.duplicate-record',
            message: `${file}: tabulator ${cvr.tabulator}, batch ${cvr.batch}, record ${cvr.position} appears twice in the export.`,
            file,
            path: `Sessions[${at.index}]`,
          });
          continue;
        }
        if (cvr.position !== null) seen.set({ batch: key, record: cvr.position, value: 1 });
        records++;
      }
      yield item;
    }
  }
}
