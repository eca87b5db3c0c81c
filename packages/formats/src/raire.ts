/**
 * IRV preference files for RAIRE (Blom, Stuckey & Teague, "RAIRE: Risk-limiting audits for IRV
 * elections", 2019; spec/formats.md, "IRV preference files"):
 *
 * - RAIRE JSON (raire-rs): `{"metadata":{"candidates":[…],"contest":…}, "votes":[{"n":count,
 *   "prefs":[candidate indices, most preferred first]}], "winner":i, "audit":…}` → one contest item
 *   (with the reported winner) and one weighted ranking per `votes` entry, since the file holds counts,
 *   not cards.
 * - The `.raire` text format (SHANGRLA, Arlo): line 1 the number of contests; then per contest
 *   `Contest,<id>,<n>,<candidate ids…>[,winner,<id>]`; then one line per ballot
 *   `<contest id>,<ballot id>,<preference…>` → contest items and one ranked CVR per ballot line.
 *
 * Both stream: the `votes` array one entry at a time, the text one line at a time.
 */
import { isBlankRow, readCsv } from './csv.js';
import { streamJson } from './nist-json-stream.js';
import type { Source } from './read_source.js';
import { fileSource } from './read_source.js';
import type { ContestInfo, ReaderItem, ReadOptions, WeightedRanking } from './types.js';

/** What a RAIRE reader yields: the usual items, plus weighted rankings from RAIRE JSON. */
export type RaireItem = ReaderItem | { readonly type: 'ranking'; readonly ranking: WeightedRanking };

export interface RaireReadOptions extends ReadOptions {
  readonly source: string | Source;
}

function toSource(source: string | Source): Source {
  return typeof source === 'string' ? fileSource(source) : source;
}

function rankedContest(name: string, candidates: readonly string[], winner: string | null): ContestInfo {
  const info: ContestInfo = {
    name,
    choices: candidates.map((c) => ({ name: c, writeIn: false })),
    votesAllowed: 1,
    numWinners: 1,
    ranked: true,
    ranks: candidates.length,
  };
  return winner === null ? info : { ...info, reportedWinners: [winner] };
}

async function* decoded(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

function isIndex(value: unknown, size: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < size;
}

/** Reads a RAIRE JSON problem (see the module comment). */
export async function* readRaireJson(options: RaireReadOptions): AsyncGenerator<RaireItem> {
  const source = toSource(options.source);
  const file = source.name;
  let candidates: string[] | null = null;
  let contest = file.replace(/\.json$/i, '');
  let winner: unknown = undefined;
  let skipped = false;
  let records = 0;
  const pending: RaireItem[] = [];

  const votes = (index: number, value: unknown, line: number): RaireItem => {
    const path = `votes[${index}]`;
    const bad = (message: string): RaireItem => ({
      type: 'error',
      error: { kind: 'raire.vote', file, line, path, message: `${path}: ${message}` },
    });
    if (typeof value !== 'object' || value === null)
      return bad('expected {"n": count, "prefs": [candidate indices]}.');
    const { n, prefs } = value as { n?: unknown; prefs?: unknown };
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      return bad('"n" must be a whole number of ballots.');
    if (!Array.isArray(prefs)) return bad('"prefs" must be a list of candidate indices.');
    const names = candidates!;
    const ranks: string[][] = [];
    for (const p of prefs) {
      if (!isIndex(p, names.length))
        return bad(`${JSON.stringify(p)} is not a candidate index (0 to ${names.length - 1}).`);
      ranks.push([names[p]!]);
    }
    records++;
    return { type: 'ranking', ranking: { contest, ranks, count: n } };
  };

  const pass = async function* (second: boolean): AsyncGenerator<RaireItem> {
    for await (const item of streamJson({
      texts: decoded(source.open()),
      member: (key) =>
        key === 'votes'
          ? 'elements'
          : second
            ? 'skip'
            : key === 'metadata' || key === 'winner'
              ? 'whole'
              : 'skip',
      element: () => {
        if (candidates === null) skipped = true;
        return candidates !== null;
      },
    })) {
      if (item.type === 'error') {
        if (!second)
          yield {
            type: 'error',
            error: {
              kind: 'raire.json',
              file,
              line: item.line,
              column: item.column,
              path: item.path,
              message: item.message,
            },
          };
      } else if (item.type === 'member') {
        if (item.key === 'winner') winner = item.value;
        else if (item.key === 'metadata') {
          const meta = item.value as { candidates?: unknown; contest?: unknown } | null;
          const list = meta && Array.isArray(meta.candidates) ? meta.candidates : null;
          if (!list || !list.every((c) => typeof c === 'string')) {
            yield {
              type: 'error',
              error: {
                kind: 'raire.metadata',
                file,
                line: item.line,
                path: 'metadata.candidates',
                message: 'metadata.candidates must be a list of candidate names.',
              },
            };
            return;
          }
          candidates = list as string[];
          if (typeof meta?.contest === 'string' && meta.contest.trim() !== '') contest = meta.contest;
        }
      } else {
        pending.push(votes(item.index, item.value, item.line));
        yield* pending.splice(0);
      }
    }
  };

  yield* pass(false);
  if (candidates === null) {
    yield {
      type: 'error',
      error: {
        kind: 'raire.metadata',
        file,
        path: 'metadata.candidates',
        message: 'This RAIRE file has no metadata.candidates, so its preferences name no one.',
      },
    };
    return;
  }
  const names: string[] = candidates;
  let winnerName: string | null = null;
  if (winner !== undefined) {
    if (isIndex(winner, names.length)) winnerName = names[winner]!;
    else
      yield {
        type: 'error',
        error: {
          kind: 'raire.winner',
          file,
          path: 'winner',
          message: `"winner" is ${JSON.stringify(winner)}, not a candidate index.`,
        },
      };
  }
  // The contest item goes first in spirit; it can only be built once metadata and winner are known.
  yield { type: 'contest', contest: rankedContest(contest, names, winnerName) };
  if (skipped) yield* pass(true);
  options.onProgress?.({ bytes: source.size ?? 0, totalBytes: source.size, records });
}

/** Reads a `.raire` text file (see the module comment). */
export async function* readRaireText(options: RaireReadOptions): AsyncGenerator<RaireItem> {
  const source = toSource(options.source);
  const file = source.name;
  const jurisdiction = options.jurisdiction ?? '';
  const contests = new Map<string, readonly string[]>();
  let declared: number | null = null;
  let records = 0;
  let bytes = 0;
  let reported = 0;
  const chunks = (async function* () {
    for await (const chunk of source.open()) {
      bytes += chunk.length;
      if (options.onProgress && bytes - reported >= 4 << 20) {
        reported = bytes;
        options.onProgress({ bytes, totalBytes: source.size, records });
      }
      yield chunk;
    }
  })();
  const error = (line: number, kind: string, message: string, column?: number): RaireItem => ({
    type: 'error',
    error: column === undefined ? { kind, file, line, message } : { kind, file, line, column, message },
  });
  for await (const item of readCsv(chunks, { file, excelCells: false })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { line } = item;
    const cells = item.cells.map((c) => c.trim());
    if (isBlankRow(cells)) continue;
    if (declared === null) {
      if (cells.length !== 1 || !/^\d+$/.test(cells[0]!)) {
        yield error(
          line,
          'raire.header',
          'The first line of a .raire file must be the number of contests.',
          1,
        );
        return;
      }
      declared = Number(cells[0]);
      continue;
    }
    if (cells[0]!.toLowerCase() === 'contest') {
      const id = cells[1] ?? '';
      const n = Number(cells[2]);
      if (id === '' || !Number.isSafeInteger(n) || n < 1 || cells.length < 3 + n) {
        yield error(
          line,
          'raire.contest',
          'Expected "Contest,<id>,<number of candidates>,<candidate ids…>[,winner,<id>]".',
        );
        continue;
      }
      const candidates = cells.slice(3, 3 + n);
      const rest = cells.slice(3 + n);
      let winner: string | null = null;
      if (rest.length >= 2 && rest[0]!.toLowerCase() === 'winner') {
        winner = rest[1]!;
        if (!candidates.includes(winner))
          yield error(
            line,
            'raire.winner',
            `The winner ${JSON.stringify(winner)} is not one of contest ${id}'s candidates.`,
            5 + n,
          );
      }
      contests.set(id, candidates);
      yield { type: 'contest', contest: rankedContest(id, candidates, winner) };
      continue;
    }
    const contestId = cells[0]!;
    const candidates = contests.get(contestId);
    if (!candidates) {
      yield error(
        line,
        'raire.unknown-contest',
        `Contest ${JSON.stringify(contestId)} is not declared by a "Contest," line above.`,
        1,
      );
      continue;
    }
    const ballotId = cells[1] ?? '';
    if (ballotId === '') {
      yield error(line, 'raire.ballot', 'A ballot line needs a ballot id after the contest id.', 2);
      continue;
    }
    const ranks: string[][] = [];
    let bad = -1;
    for (let k = 2; k < cells.length; k++) {
      const c = cells[k]!;
      if (c === '') continue;
      if (!candidates.includes(c)) {
        bad = k;
        break;
      }
      ranks.push([c]);
    }
    if (bad >= 0) {
      yield error(
        line,
        'raire.candidate',
        `${JSON.stringify(cells[bad])} is not a candidate of contest ${contestId}.`,
        bad + 1,
      );
      continue;
    }
    records++;
    yield {
      type: 'cvr',
      cvr: {
        jurisdiction,
        cvrId: ballotId,
        tabulator: null,
        batch: null,
        position: null,
        imprintedId: null,
        ballotStyle: null,
        countingGroup: null,
        contests: { [contestId]: { kind: 'ranks', ranks } },
      },
    };
  }
  if (declared === null) {
    yield {
      type: 'error',
      error: { kind: 'raire.empty', file, line: 1, message: 'This .raire file is empty.' },
    };
  } else if (contests.size !== declared) {
    yield {
      type: 'error',
      error: {
        kind: 'raire.contest-count',
        file,
        line: 1,
        message: `Line 1 declares ${declared} contests but ${contests.size} are defined.`,
      },
    };
  }
  options.onProgress?.({ bytes, totalBytes: source.size, records });
}

/** Reads either RAIRE format, chosen by the file's name (`.json` or not). */
export function readRaire(options: RaireReadOptions): AsyncGenerator<RaireItem> {
  const source = toSource(options.source);
  return /\.json$/i.test(source.name)
    ? readRaireJson({ ...options, source })
    : readRaireText({ ...options, source });
}
