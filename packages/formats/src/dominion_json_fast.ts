/**
 * The fast path of the Dominion JSON reader (issue 4: ≥ 100 MB/s): one pass over the bytes of a
 * session that validates it as JSON and builds only the fields `sessionCvr` reads (ids, the record
 * that counts, contests, marks), skipping the rest (image paths, mark densities, manifestation ids,
 * outstack conditions) without making strings or objects for them.
 *
 * It is exact or it declines: a session it accepts is valid JSON and the object it builds has, in
 * every field `sessionCvr` reads, the value `JSON.parse` gives (duplicate keys: the last wins). Anything
 * it does not handle — invalid JSON, an escaped key, an array or object where an id belongs, deep
 * nesting — makes it decline (`FAST_FAIL`), and the caller reads that session the general way
 * (`JSON.parse`), so errors and their messages stay those of `JSON.parse`. When the bytes end before
 * the session does it answers `FAST_MORE`.
 */

/** The session ran past the bytes given: call again with more. */
export const FAST_MORE = -2;
/** Not handled here: read the session with `JSON.parse`. */
export const FAST_FAIL = -1;

/** The fields of a session that `sessionCvr` reads, as `JSON.parse` would give them. */
export interface FastSession {
  TabulatorId: unknown;
  BatchId: unknown;
  RecordId: unknown;
  CountingGroupId: unknown;
  ImageMask: unknown;
  Original: unknown;
  Modified: unknown;
}
interface FastRecord {
  IsCurrent: unknown;
  BallotTypeId: unknown;
  Cards: unknown;
  Contests: unknown;
}
interface FastCard {
  Contests: unknown;
}
interface FastContest {
  Id: unknown;
  Marks: unknown;
  Overvotes: unknown;
}
interface FastMark {
  CandidateId: unknown;
  Rank: unknown;
  IsVote: unknown;
}

const Q = 34; // "
const BS = 92; // \
const LB = 123; // {
const RB = 125; // }
const LS = 91; // [
const RS = 93; // ]
const COMMA = 44;
const COLON = 58;
const MINUS = 45;

/** Thrown (never escapes this module) to unwind to `parseSessionFast`. */
const MORE_SIGNAL = { more: true };
const FAIL_SIGNAL = { fail: true };

/** Inside a string: 0 an ordinary byte, 1 a control byte (invalid), 2 the closing quote, 3 a backslash. */
const STR = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STR[c] = 1;
STR[Q] = 2;
STR[BS] = 3;
/** The bytes that may follow a backslash (besides `u`). */
const ESC = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
/** The deepest nesting skipped here; deeper values are left to `JSON.parse`. */
const MAX_DEPTH = 64;

// The parser's state: the bytes, the position, and the end of the bytes given.
let B: Uint8Array = new Uint8Array(0);
let P = 0;
let N = 0;
/** Start and length of the last key read. */
let KS = 0;
let KL = 0;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

function key(name: string): Uint8Array {
  return new TextEncoder().encode(name);
}
const K_TABULATOR = key('TabulatorId');
const K_BATCH = key('BatchId');
const K_RECORD = key('RecordId');
const K_COUNTING_GROUP = key('CountingGroupId');
const K_IMAGE_MASK = key('ImageMask');
const K_ORIGINAL = key('Original');
const K_MODIFIED = key('Modified');
const K_IS_CURRENT = key('IsCurrent');
const K_BALLOT_TYPE = key('BallotTypeId');
const K_CARDS = key('Cards');
const K_CONTESTS = key('Contests');
const K_ID = key('Id');
const K_MARKS = key('Marks');
const K_OVERVOTES = key('Overvotes');
const K_CANDIDATE = key('CandidateId');
const K_RANK = key('Rank');
const K_IS_VOTE = key('IsVote');

/** Whether the last key read is `k`. */
function is(k: Uint8Array): boolean {
  if (KL !== k.length) return false;
  for (let j = 0; j < KL; j++) if (B[KS + j] !== k[j]) return false;
  return true;
}

/** Skips whitespace; returns the byte after it. */
function ws(): number {
  for (;;) {
    if (P >= N) throw MORE_SIGNAL;
    const c = B[P]!;
    if (c === 32 || c === 10 || c === 13 || c === 9) P++;
    else return c;
  }
}

/** Skips a string (P at its opening quote), checking its escapes; returns whether it had any. */
function skipString(): boolean {
  let i = P + 1;
  let escaped = false;
  for (;;) {
    if (i >= N) throw MORE_SIGNAL;
    const k = STR[B[i]!]!;
    if (k === 0) {
      i++;
      continue;
    }
    if (k === 2) {
      P = i + 1;
      return escaped;
    }
    if (k === 1) throw FAIL_SIGNAL;
    escaped = true;
    if (i + 1 >= N) throw MORE_SIGNAL;
    const e = B[i + 1]!;
    if (e === 117) {
      if (i + 5 >= N) throw MORE_SIGNAL;
      for (let h = i + 2; h < i + 6; h++) if (HEX[B[h]!] === 0) throw FAIL_SIGNAL;
      i += 6;
    } else if (ESC[e] === 1) i += 2;
    else throw FAIL_SIGNAL;
  }
}

/** The string from `start` (its opening quote) to `end` (after its closing quote), as JSON.parse reads it. */
function stringAt(start: number, end: number, escaped: boolean): string {
  let ascii = true;
  for (let j = start + 1; j < end - 1; j++)
    if (B[j]! >= 0x80) {
      ascii = false;
      break;
    }
  if (!escaped && ascii) return latin1.decode(B.subarray(start + 1, end - 1));
  return JSON.parse(utf8.decode(B.subarray(start, end))) as string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Skips a number (P at its first byte) by JSON's grammar; returns whether it is a plain integer. */
function skipNumber(): boolean {
  let i = P;
  let plain = true;
  if (B[i] === MINUS) i++;
  if (i >= N) throw MORE_SIGNAL;
  let c = B[i]!;
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    i++;
    while (i < N && isDigit(B[i]!)) i++;
  } else throw FAIL_SIGNAL;
  if (i >= N) throw MORE_SIGNAL;
  c = B[i]!;
  if (c === 46) {
    plain = false;
    i++;
    if (i >= N) throw MORE_SIGNAL;
    if (!isDigit(B[i]!)) throw FAIL_SIGNAL;
    while (i < N && isDigit(B[i]!)) i++;
    if (i >= N) throw MORE_SIGNAL;
    c = B[i]!;
  }
  if (c === 101 || c === 69) {
    plain = false;
    i++;
    if (i >= N) throw MORE_SIGNAL;
    c = B[i]!;
    if (c === 43 || c === MINUS) i++;
    if (i >= N) throw MORE_SIGNAL;
    if (!isDigit(B[i]!)) throw FAIL_SIGNAL;
    while (i < N && isDigit(B[i]!)) i++;
    if (i >= N) throw MORE_SIGNAL;
  }
  P = i;
  return plain;
}

/** Reads a number (P at its first byte). */
function readNumber(): number {
  const start = P;
  const plain = skipNumber();
  const negative = B[start] === MINUS;
  const from = negative ? start + 1 : start;
  if (plain && P - from <= 15) {
    let v = 0;
    for (let j = from; j < P; j++) v = v * 10 + (B[j]! - 48);
    return negative ? -v : v;
  }
  return Number(latin1.decode(B.subarray(start, P)));
}

/** Skips `true`, `false` or `null` (P at its first byte); returns its value. */
function readLiteral(): boolean | null {
  const c = B[P]!;
  const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : null;
  if (word === null) throw FAIL_SIGNAL;
  if (P + word.length > N) throw MORE_SIGNAL;
  for (let j = 1; j < word.length; j++) if (B[P + j] !== word.charCodeAt(j)) throw FAIL_SIGNAL;
  P += word.length;
  return c === 116 ? true : c === 102 ? false : null;
}

/** Reads a string, number or literal (P at it); an object or array declines. */
function scalar(): unknown {
  const c = B[P]!;
  if (c === Q) {
    const start = P;
    const escaped = skipString();
    return stringAt(start, P, escaped);
  }
  if (c === MINUS || isDigit(c)) return readNumber();
  return readLiteral();
}

/** Skips any value (P at it), checking it is valid JSON. */
function skipValue(depth: number): void {
  const c = B[P]!;
  if (c === Q) {
    skipString();
    return;
  }
  if (c === MINUS || isDigit(c)) {
    skipNumber();
    return;
  }
  if (c === LB) {
    if (depth >= MAX_DEPTH) throw FAIL_SIGNAL;
    if (enterObject())
      do {
        skipString();
        colon();
        skipValue(depth + 1);
      } while (nextMember());
    return;
  }
  if (c === LS) {
    if (depth >= MAX_DEPTH) throw FAIL_SIGNAL;
    if (enterArray())
      do skipValue(depth + 1);
      while (nextElement());
    return;
  }
  readLiteral();
}

/** At `{`: enters the object; returns whether a member follows (P at its key's quote). */
function enterObject(): boolean {
  P++;
  const c = ws();
  if (c === RB) {
    P++;
    return false;
  }
  if (c !== Q) throw FAIL_SIGNAL;
  return true;
}

/** After a member's value: returns whether another member follows (P at its key's quote). */
function nextMember(): boolean {
  const c = ws();
  if (c === COMMA) {
    P++;
    if (ws() !== Q) throw FAIL_SIGNAL;
    return true;
  }
  if (c === RB) {
    P++;
    return false;
  }
  throw FAIL_SIGNAL;
}

/** At `[`: enters the array; returns whether an element follows (P at it). */
function enterArray(): boolean {
  P++;
  if (ws() === RS) {
    P++;
    return false;
  }
  return true;
}

/** After an element: returns whether another element follows (P at it). */
function nextElement(): boolean {
  const c = ws();
  if (c === COMMA) {
    P++;
    ws();
    return true;
  }
  if (c === RS) {
    P++;
    return false;
  }
  throw FAIL_SIGNAL;
}

/** The colon after a key, and the whitespace before the value (P at the value). */
function colon(): void {
  if (ws() !== COLON) throw FAIL_SIGNAL;
  P++;
  ws();
}

/** Reads a key (P at its quote) into KS/KL and moves to its value. Escaped keys decline. */
function readKey(): void {
  const start = P + 1;
  if (skipString()) throw FAIL_SIGNAL;
  KS = start;
  KL = P - 1 - start;
  colon();
}

/** An array of objects read by `element` (P at `[`), or a scalar; other values decline. */
function listOf<T>(element: () => T): T[] | unknown {
  const c = B[P]!;
  if (c === LB) throw FAIL_SIGNAL;
  if (c !== LS) return scalar();
  const out: T[] = [];
  if (enterArray())
    do {
      if (B[P] !== LB) throw FAIL_SIGNAL;
      out.push(element());
    } while (nextElement());
  return out;
}

function parseMark(): FastMark {
  const m: FastMark = { CandidateId: undefined, Rank: undefined, IsVote: undefined };
  if (enterObject())
    do {
      readKey();
      if (is(K_CANDIDATE)) m.CandidateId = scalarOnly();
      else if (is(K_RANK)) m.Rank = scalarOnly();
      else if (is(K_IS_VOTE)) m.IsVote = scalarOnly();
      else skipValue(4);
    } while (nextMember());
  return m;
}

function parseContest(): FastContest {
  const c: FastContest = { Id: undefined, Marks: undefined, Overvotes: undefined };
  if (enterObject())
    do {
      readKey();
      if (is(K_ID)) c.Id = scalarOnly();
      else if (is(K_MARKS)) c.Marks = listOf(parseMark);
      else if (is(K_OVERVOTES)) c.Overvotes = scalarOnly();
      else skipValue(3);
    } while (nextMember());
  return c;
}

function parseCard(): FastCard {
  const card: FastCard = { Contests: undefined };
  if (enterObject())
    do {
      readKey();
      if (is(K_CONTESTS)) card.Contests = listOf(parseContest);
      else skipValue(2);
    } while (nextMember());
  return card;
}

function parseRecord(): FastRecord {
  const r: FastRecord = {
    IsCurrent: undefined,
    BallotTypeId: undefined,
    Cards: undefined,
    Contests: undefined,
  };
  if (enterObject())
    do {
      readKey();
      if (is(K_IS_CURRENT)) r.IsCurrent = scalarOnly();
      else if (is(K_BALLOT_TYPE)) r.BallotTypeId = scalarOnly();
      else if (is(K_CARDS)) r.Cards = listOf(parseCard);
      else if (is(K_CONTESTS)) r.Contests = listOf(parseContest);
      else skipValue(1);
    } while (nextMember());
  return r;
}

/** A scalar (P at it); objects and arrays decline. */
function scalarOnly(): unknown {
  const c = B[P]!;
  if (c === LB || c === LS) throw FAIL_SIGNAL;
  return scalar();
}

/** A record (an object) or a scalar; arrays decline. */
function recordOrScalar(): unknown {
  const c = B[P]!;
  if (c === LB) return parseRecord();
  if (c === LS) throw FAIL_SIGNAL;
  return scalar();
}

/** The session read by the last successful `parseSessionFast`. */
export let fastSession: FastSession | null = null;

/**
 * Reads the session whose `{` is at `bytes[start]`, looking no further than `end`. Returns the index
 * just past its closing `}` (the session is then in `fastSession`), `FAST_MORE` when the bytes end
 * first, or `FAST_FAIL` when the session must be read with `JSON.parse`. `needsImage(session)` says
 * whether `ImageMask` is read (a string is made only then).
 */
export function parseSessionFast(o: {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly needsImage: (session: FastSession) => boolean;
}): number {
  B = o.bytes;
  P = o.start;
  N = o.end;
  fastSession = null;
  try {
    const s: FastSession = {
      TabulatorId: undefined,
      BatchId: undefined,
      RecordId: undefined,
      CountingGroupId: undefined,
      ImageMask: undefined,
      Original: undefined,
      Modified: undefined,
    };
    let imageStart = -1;
    let imageEnd = -1;
    let imageEscaped = false;
    if (enterObject())
      do {
        readKey();
        if (is(K_TABULATOR)) s.TabulatorId = scalarOnly();
        else if (is(K_BATCH)) s.BatchId = scalarOnly();
        else if (is(K_RECORD)) s.RecordId = scalarOnly();
        else if (is(K_ORIGINAL)) s.Original = recordOrScalar();
        else if (is(K_MODIFIED)) s.Modified = recordOrScalar();
        else if (is(K_COUNTING_GROUP)) s.CountingGroupId = scalarOnly();
        else if (is(K_IMAGE_MASK)) {
          // Read only when the RecordId is not a number (known once the session is read).
          if (B[P] === Q) {
            imageStart = P;
            imageEscaped = skipString();
            imageEnd = P;
            s.ImageMask = undefined;
          } else {
            imageStart = -1;
            s.ImageMask = scalarOnly();
          }
        } else skipValue(0);
      } while (nextMember());
    if (imageStart >= 0 && o.needsImage(s)) s.ImageMask = stringAt(imageStart, imageEnd, imageEscaped);
    fastSession = s;
    return P;
  } catch (e) {
    if (e === MORE_SIGNAL) return FAST_MORE;
    if (e === FAIL_SIGNAL) return FAST_FAIL;
    throw e;
  } finally {
    B = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
