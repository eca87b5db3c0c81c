/**
 * Hart InterCivic Verity cast vote records (spec/formats.md, "Hart InterCivic"): one XML document per
 * ballot card in the namespace `http://tempuri.org/CVRDesign.xsd`, delivered loose, in a ZIP, or in a
 * ZIP of ZIPs (one per tabulator), with optional "scanned ballot information" CSVs that give each
 * card's workstation (tabulator) and imprinted unique identifier.
 *
 * An option's `Value` is `1` for a mark, or for ranked contests a string of `0`/`1` with one character
 * per rank (`010000` = ranked second), as in the RCTab test deck in fixtures/hart-xml-cvr.
 * Linking to the manifest: tabulator = the scanned-ballot CSV's `Workstation`, else the name of the ZIP
 * holding the card without `.zip` (the two agree in Hart's per-tabulator exports), batch =
 * `BatchNumber`, position = `BatchSequence`.
 */
import type { ContestVote, Cvr, FormatError, Progress, ReaderItem, ReadOptions } from './types.js';
import { child, childText, childrenNamed, createXmlCollector } from './xml.js';
import type { XmlElement } from './xml.js';
import { baseName, walkZip } from './zip.js';
import { fileSource } from './read_source.js';
import type { Source } from './read_source.js';
import { readHartScannedBallots } from './hart-scanned.js';
import { scanHartCard } from './hart-scan.js';
import type { HartScannedBallot } from './hart-scanned.js';

export const HART_NAMESPACE = 'http://tempuri.org/CVRDesign.xsd';

/** The name a write-in option gets when Hart has not resolved it to a candidate. */
export const HART_WRITE_IN = 'Write-in';

export interface HartReadOptions extends ReadOptions {
  /** `.zip` archives, loose `.xml` cards, and scanned-ballot-information `.csv` files, in any order. */
  readonly files: readonly HartInput[];
  /**
   * 'scan' (default): cards held in memory go through the strict fast scanner, with saxes for any card
   * it does not take; 'saxes': every card through saxes (the differential tests compare the two).
   */
  readonly xml?: 'scan' | 'saxes';
}

/** Loose card files up to this size are read whole, so that the fast scanner can take them. */
const WHOLE_CARD_FILE = 1 << 20;

/** Where a card came from, for its record and its errors. */
interface CardSource {
  readonly file: string;
  readonly path?: string;
  /** The tabulator implied by the enclosing ZIP's name, if any. */
  readonly archiveTabulator: string | null;
}

/** Per-reader memory of which contests have shown ranked values, so blank ranked contests stay ranked. */
type RankedContests = Set<string>;

function hartError(
  source: CardSource,
  fields: { kind: string; message: string; line?: number; column?: number; field?: string },
): FormatError {
  return {
    ...fields,
    file: source.file,
    ...(source.path === undefined ? {} : { path: source.path }),
  };
}

/** Reads one option's marks: the ranks (1-based) at which it is marked, or an error text. */
function optionRanks(value: string): number[] | string {
  if (!/^[01]+$/.test(value)) return `"${value}" is not a Hart option value (a string of 0 and 1)`;
  const ranks: number[] = [];
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 49) ranks.push(i + 1);
  return ranks;
}

/** The choice an option names: its `Name`, else the write-in's text, else {@link HART_WRITE_IN}. */
function optionName(option: XmlElement): string {
  const name = childText(option, 'Name');
  if (name) return name;
  const writeIn = child(option, 'WriteInData');
  const text = writeIn ? childText(writeIn, 'Text') : null;
  return text ? text : HART_WRITE_IN;
}

/** Turns one `<Contest>` into what the card shows, or an error. */
function contestVote(args: {
  contest: XmlElement;
  name: string;
  ranked: RankedContests;
  source: CardSource;
}): ContestVote | FormatError {
  const { contest, name, ranked, source } = args;
  const options = child(contest, 'Options');
  const marked: { choice: string; ranks: number[]; width: number }[] = [];
  for (const option of options ? childrenNamed(options, 'Option') : []) {
    const value = childText(option, 'Value') ?? '1';
    const ranks = optionRanks(value);
    if (typeof ranks === 'string') {
      return hartError(source, {
        kind: 'hart.bad-value',
        message: `In contest "${name}", ${ranks}.`,
        line: option.line,
        column: option.column,
        field: 'Value',
      });
    }
    marked.push({ choice: optionName(option), ranks, width: value.length });
  }
  if (marked.some((m) => m.width > 1)) ranked.add(name);
  if (ranked.has(name)) {
    const ranks: string[][] = [];
    for (const m of marked) {
      for (const r of m.ranks) {
        while (ranks.length < r) ranks.push([]);
        ranks[r - 1]!.push(m.choice);
      }
    }
    return { kind: 'ranks', ranks };
  }
  const marks = marked.filter((m) => m.ranks.length > 0).map((m) => m.choice);
  return child(contest, 'Overvoted') ? { kind: 'marks', marks, overvote: true } : { kind: 'marks', marks };
}

function parsePositiveInt(text: string | null): number | null | 'bad' {
  if (text === null || text === '') return null;
  if (!/^\d+$/.test(text)) return 'bad';
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : 'bad';
}

/** Turns a `<Cvr>` element into a canonical card record, or errors. */
export function hartCardToCvr(args: {
  root: XmlElement;
  source: CardSource;
  jurisdiction: string;
  scanned?: ReadonlyMap<string, HartScannedBallot>;
  ranked?: RankedContests;
}): Cvr | FormatError {
  const { root, source } = args;
  const ranked = args.ranked ?? new Set<string>();
  if (root.name !== 'Cvr') {
    return hartError(source, {
      kind: 'hart.not-a-cvr',
      message: `This XML document is a <${root.name}>, not a Hart <Cvr> card.`,
      line: root.line,
      column: root.column,
    });
  }
  const cvrGuid = childText(root, 'CvrGuid');
  const position = parsePositiveInt(childText(root, 'BatchSequence'));
  if (position === 'bad') {
    return hartError(source, {
      kind: 'hart.bad-number',
      message: 'BatchSequence is not a whole number.',
      field: 'BatchSequence',
    });
  }
  const contests: Record<string, ContestVote> = {};
  const contestsElement = child(root, 'Contests');
  for (const contest of contestsElement ? childrenNamed(contestsElement, 'Contest') : []) {
    const name = childText(contest, 'Name');
    if (!name) {
      return hartError(source, {
        kind: 'hart.missing-field',
        message: 'A contest has no name.',
        line: contest.line,
        column: contest.column,
        field: 'Name',
      });
    }
    const vote = contestVote({ contest, name, ranked, source });
    if ('message' in vote) return vote;
    contests[name] = vote;
  }
  const cvrId =
    cvrGuid || (source.path ? baseName(source.path) : baseName(source.file)).replace(/\.xml$/i, '');
  const scanned =
    args.scanned?.get(cvrId) ?? (cvrGuid ? args.scanned?.get(cvrGuid.toLowerCase()) : undefined);
  const precinctSplit = child(root, 'PrecinctSplit');
  return {
    jurisdiction: args.jurisdiction,
    cvrId,
    tabulator: scanned?.workstation ?? source.archiveTabulator ?? null,
    batch: childText(root, 'BatchNumber') || null,
    position,
    imprintedId: scanned?.uniqueIdentifier ?? null,
    ballotStyle: precinctSplit ? childText(precinctSplit, 'Name') || null : null,
    countingGroup: scanned?.votingType ?? null,
    contests,
  };
}

const DECODER = new TextDecoder('utf-8');

/**
 * The fast way to read one card held whole in memory: the strict scanner (hart-scan.ts). Null when the
 * card is unusual or wrong in any way; the caller then reads it with saxes, which names the error and
 * where it is, so that both ways give the same records and the same errors.
 */
function scanCard(args: {
  bytes: Uint8Array;
  source: CardSource;
  jurisdiction: string;
  scanned: ReadonlyMap<string, HartScannedBallot>;
  ranked: RankedContests;
}): ReaderItem | null {
  const root = scanHartCard(DECODER.decode(args.bytes));
  if (!root) return null;
  const cvr = hartCardToCvr({
    root,
    source: args.source,
    jurisdiction: args.jurisdiction,
    scanned: args.scanned,
    ranked: args.ranked,
  });
  return 'message' in cvr ? null : { type: 'cvr', cvr };
}

/** Parses one card document from its bytes, as they stream in (with saxes). */
async function readCard(args: {
  data: AsyncIterable<Uint8Array>;
  source: CardSource;
  jurisdiction: string;
  scanned: ReadonlyMap<string, HartScannedBallot>;
  ranked: RankedContests;
}): Promise<{ item: ReaderItem; bytes: number }> {
  const { source } = args;
  const decoder = new TextDecoder('utf-8');
  const collector = createXmlCollector({ collect: (path) => path.length === 1, single: true });
  let root: XmlElement | null = null;
  let error: FormatError | null = null;
  let bytes = 0;
  const take = (events: ReturnType<typeof collector.write>): void => {
    for (const event of events) {
      if (error || root) continue;
      if (event.type === 'element') root = event.element;
      else
        error = hartError(source, {
          kind: 'hart.xml',
          message: `This card is not well-formed XML: ${event.message}.`,
          line: event.line,
          column: event.column,
        });
    }
  };
  try {
    for await (const chunk of args.data) {
      bytes += chunk.length;
      if (!error && !root) take(collector.write(decoder.decode(chunk, { stream: true })));
    }
    if (!error && !root) take(collector.write(decoder.decode()));
    if (!error && !root) take(collector.close());
  } catch (err) {
    error = hartError(source, {
      kind: 'hart.unreadable',
      message: `This card cannot be read: ${err instanceof Error ? err.message : String(err)}.`,
    });
  }
  if (error) return { item: { type: 'error', error }, bytes };
  if (!root)
    return {
      item: {
        type: 'error',
        error: hartError(source, { kind: 'hart.empty', message: 'This card file holds no XML element.' }),
      },
      bytes,
    };
  const cvr = hartCardToCvr({
    root,
    source,
    jurisdiction: args.jurisdiction,
    scanned: args.scanned,
    ranked: args.ranked,
  });
  return { item: 'message' in cvr ? { type: 'error', error: cvr } : { type: 'cvr', cvr }, bytes };
}

function isCsv(name: string): boolean {
  return /\.(csv|txt)$/i.test(name);
}

/** A Hart input: a path on disk, or bytes with a name (uploads, tests). */
export type HartInput = string | Source;

function toSource(input: HartInput): Source {
  return typeof input === 'string' ? fileSource(input) : input;
}

/** Reads a whole in-memory source (used only for a ZIP that is not on disk). */
async function sourceBytes(source: Source, limit: number): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source.open()) {
    size += chunk.length;
    if (size > limit) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/**
 * Reads a Hart export: first every scanned-ballot CSV (a small index from card to workstation and
 * imprinted id), then each card, one ZIP entry at a time. Yields CVRs and located errors in file order.
 */
export async function* readHart(options: HartReadOptions): AsyncGenerator<ReaderItem> {
  const jurisdiction = options.jurisdiction ?? '';
  const scan = options.xml !== 'saxes';
  const ranked: RankedContests = new Set();
  const scanned = new Map<string, HartScannedBallot>();
  const inputs = options.files.map((input) => ({ input, source: toSource(input) }));
  let totalBytes: number | null = 0;
  for (const { source } of inputs)
    totalBytes = totalBytes === null || source.size === null ? null : totalBytes + source.size;
  let bytes = 0;
  let records = 0;
  let reported = 0;
  const progress = (): void => {
    if (options.onProgress && bytes - reported >= 4 << 20) {
      reported = bytes;
      const p: Progress = { bytes, totalBytes, records };
      options.onProgress(p);
    }
  };

  for (const { source } of inputs) {
    if (!isCsv(source.name)) continue;
    for await (const item of readHartScannedBallots({ source })) {
      if (item.type === 'error') yield { type: 'error', error: item.error };
      else {
        scanned.set(item.ballot.cvrId, item.ballot);
        const lower = item.ballot.cvrId.toLowerCase();
        if (lower !== item.ballot.cvrId) scanned.set(lower, item.ballot);
      }
    }
    bytes += source.size ?? 0;
    progress();
  }

  for (const { input, source } of inputs) {
    const file = source.name;
    if (isCsv(file)) continue;
    if (source.size === null) {
      yield {
        type: 'error',
        error: { kind: 'hart.missing-file', file, message: 'This file cannot be opened.' },
      };
    } else if (/\.zip$/i.test(file)) {
      let buffer: Uint8Array | undefined;
      if (typeof input !== 'string') {
        const read = await sourceBytes(source, 1 << 30);
        if (!read) {
          yield {
            type: 'error',
            error: {
              kind: 'hart.zip',
              file,
              message: 'This archive is too large to read from memory; read it from disk.',
            },
          };
          continue;
        }
        buffer = read;
      }
      const zipOptions = {
        file: typeof input === 'string' ? input : file,
        onBytes: (n: number) => {
          bytes += n;
        },
      };
      for await (const item of walkZip(buffer ? { ...zipOptions, buffer } : zipOptions)) {
        if (item.type === 'error') {
          yield { type: 'error', error: { ...item.error, file, kind: 'hart.zip' } };
          continue;
        }
        if (!/\.xml$/i.test(item.name)) {
          if (isCsv(item.name)) {
            yield {
              type: 'error',
              error: {
                kind: 'hart.csv-in-zip',
                file,
                path: item.path,
                message:
                  'Scanned ballot information inside a ZIP is not read: unzip it and add it as its own file.',
              },
            };
          }
          continue;
        }
        const archiveTabulator = /\.zip$/i.test(item.archive) ? item.archive.replace(/\.zip$/i, '') : null;
        const cardSource: CardSource = { file, path: item.path, archiveTabulator };
        const fast =
          scan && item.bytes
            ? scanCard({ bytes: item.bytes, source: cardSource, jurisdiction, scanned, ranked })
            : null;
        const out =
          fast ??
          (await readCard({ data: item.data, source: cardSource, jurisdiction, scanned, ranked })).item;
        if (out.type === 'cvr') records++;
        yield out;
        progress();
      }
    } else if (/\.xml$/i.test(file)) {
      const cardSource: CardSource = { file, archiveTabulator: null };
      const whole = source.size <= WHOLE_CARD_FILE ? await sourceBytes(source, WHOLE_CARD_FILE) : null;
      const fast =
        whole && scan ? scanCard({ bytes: whole, source: cardSource, jurisdiction, scanned, ranked }) : null;
      const data = whole
        ? (async function* () {
            yield whole;
          })()
        : source.open();
      const { item: out, bytes: n } = fast
        ? { item: fast, bytes: whole!.length }
        : await readCard({ data, source: cardSource, jurisdiction, scanned, ranked });
      bytes += n;
      if (out.type === 'cvr') records++;
      yield out;
      progress();
    } else {
      yield {
        type: 'error',
        error: {
          kind: 'hart.unknown-file',
          file,
          message:
            'Expected Hart CVR files: .zip archives, .xml cards, or scanned ballot information .csv files.',
        },
      };
    }
  }
  options.onProgress?.({ bytes, totalBytes, records });
}
