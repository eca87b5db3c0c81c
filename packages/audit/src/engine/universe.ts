/**
 * Contest universes (spec/math.md §1.3, Bañuelos & Stark 2012): a contest's cards are the manifests of
 * the jurisdictions it appears in; phantom cards fill the gaps so that missing paper can only hurt the
 * reported outcome:
 * - more CVRs than manifest cards in a jurisdiction → a phantom batch `(phantoms)` there, in every
 *   contest of that jurisdiction;
 * - a contest's declared ballots exceeding its manifests → a phantom batch `(phantoms: <contest>)` in its
 *   first jurisdiction, in that contest alone;
 * - manifest cards without a CVR are phantom CVRs, found when the sampled card's CVR is looked up.
 * Reported tallies: polling from the definition; comparison from the CVRs (valid votes).
 */
import { reportedOutcome } from '@openrla/stats';
import { validateManifest, type ManifestBatch as SamplingBatch } from '@openrla/sampling';
import { err, ok, type Result } from '../result.js';
import type { AuditState } from './state.js';
import type {
  AuditData,
  ContestDefinition,
  ContestUniverse,
  CvrFile,
  EngineError,
  ManifestFile,
} from './types.js';

export const PHANTOM_BATCH = '(phantoms)';

export function contestPhantomBatch(contest: string): string {
  return `(phantoms: ${contest})`;
}

export function isPollingMethod(method: ContestDefinition['method']): boolean {
  return method === 'bravo' || method === 'alpha-polling';
}

/** A contest's universe as the sampler sees it: shared batches (real and jurisdiction phantoms) and its own phantom batch. */
export interface UniverseManifest {
  readonly batches: readonly SamplingBatch[];
  /** Keys (sampling batchKey) of phantom batches. */
  readonly phantomBatches: ReadonlySet<string>;
  /** The contest's own phantom batch (declared ballots beyond the manifests), if any. */
  readonly ownPhantoms: SamplingBatch | null;
}

export interface LoadedFiles {
  readonly manifests: ReadonlyMap<string, ManifestFile>;
  readonly cvrFiles: ReadonlyMap<string, CvrFile>;
}

/** Loads every committed file and checks that its bytes still hash to what the events reference. */
export async function loadFiles(
  state: AuditState,
  data: AuditData,
): Promise<Result<LoadedFiles, EngineError>> {
  const manifests = new Map<string, ManifestFile>();
  const cvrFiles = new Map<string, CvrFile>();
  for (const [jurisdiction, file] of state.manifests) {
    const m = await data.manifest(file.sha256);
    if (m === null)
      return err({
        kind: 'data.file-missing',
        message: `${jurisdiction}: the manifest ${file.sha256} is not in the record`,
        field: 'manifest',
      });
    if (m.sha256 !== file.sha256) {
      return err({
        kind: 'data.file-changed',
        message: `${jurisdiction}: the manifest's bytes hash to ${m.sha256}, not ${file.sha256} as uploaded`,
        field: 'manifest',
      });
    }
    manifests.set(jurisdiction, m);
  }
  for (const [jurisdiction, file] of state.cvrFiles) {
    const c = await data.cvrFile(file.sha256);
    if (c === null)
      return err({
        kind: 'data.file-missing',
        message: `${jurisdiction}: the CVR export ${file.sha256} is not in the record`,
        field: 'cvrs',
      });
    if (c.sha256 !== file.sha256) {
      return err({
        kind: 'data.file-changed',
        message: `${jurisdiction}: the CVR export's bytes hash to ${c.sha256}, not ${file.sha256} as uploaded`,
        field: 'cvrs',
      });
    }
    cvrFiles.set(jurisdiction, c);
  }
  return ok({ manifests, cvrFiles });
}

/** CVRs that have no card in the manifest: per batch, CVRs beyond its ballots; all CVRs of unknown batches. */
export function unplacedCvrs(options: { readonly manifest: ManifestFile; readonly cvrs: CvrFile }): number {
  const ballots = new Map<string, number>();
  const byName = new Map<string, number[]>();
  for (const b of options.manifest.batches) {
    ballots.set(JSON.stringify([b.tabulator, b.batch]), b.ballots);
    byName.set(b.batch, [...(byName.get(b.batch) ?? []), b.ballots]);
  }
  let extra = 0;
  for (const b of options.cvrs.summary.batches) {
    const exact = ballots.get(JSON.stringify([b.tabulator, b.batch]));
    const sameName = b.tabulator === null && b.batch !== null ? byName.get(b.batch) : undefined;
    const room = exact ?? (sameName?.length === 1 ? sameName[0]! : 0);
    extra += Math.max(0, b.cvrs - room);
  }
  return extra;
}

/** The sampler's batches of one jurisdiction: the manifest rows, plus its `(phantoms)` batch. */
function jurisdictionBatches(options: {
  readonly jurisdiction: string;
  readonly manifest: ManifestFile;
  readonly cvrs: CvrFile | undefined;
}): SamplingBatch[] {
  const { jurisdiction, manifest, cvrs } = options;
  const rows: SamplingBatch[] = manifest.batches.map((b) => ({
    jurisdiction,
    tabulator: b.tabulator,
    batch: b.batch,
    ballots: b.ballots,
    container: b.container,
  }));
  const extra = cvrs === undefined ? 0 : unplacedCvrs({ manifest, cvrs });
  if (extra > 0)
    rows.push({ jurisdiction, tabulator: null, batch: PHANTOM_BATCH, ballots: extra, container: null });
  return rows;
}

function batchKeyOf(b: {
  readonly jurisdiction: string;
  readonly tabulator?: string | null;
  readonly batch: string;
}): string {
  return JSON.stringify([b.jurisdiction, b.tabulator ?? null, b.batch]);
}

/** The sampler's view of a contest's universe. */
export function universeManifest(options: {
  readonly contest: ContestDefinition;
  readonly files: LoadedFiles;
}): UniverseManifest {
  const { contest, files } = options;
  const batches: SamplingBatch[] = [];
  for (const j of contest.jurisdictions) {
    batches.push(
      ...jurisdictionBatches({
        jurisdiction: j,
        manifest: files.manifests.get(j)!,
        cvrs: files.cvrFiles.get(j),
      }),
    );
  }
  const phantomBatches = new Set(batches.filter((b) => b.batch === PHANTOM_BATCH).map(batchKeyOf));
  const cards = batches.reduce((s, b) => s + b.ballots, 0);
  let ownPhantoms: SamplingBatch | null = null;
  if (contest.ballots !== undefined && contest.ballots > cards) {
    ownPhantoms = {
      jurisdiction: contest.jurisdictions[0]!,
      tabulator: null,
      batch: contestPhantomBatch(contest.name),
      ballots: contest.ballots - cards,
      container: null,
    };
    batches.push(ownPhantoms);
    phantomBatches.add(batchKeyOf(ownPhantoms));
  }
  return { batches, phantomBatches, ownPhantoms };
}

/** A contest's choices: declared ones first, then any the CVR exports add. */
function choicesOf(contest: ContestDefinition, files: LoadedFiles): string[] {
  const choices: string[] = [...(contest.choices ?? []), ...Object.keys(contest.tallies ?? {})];
  if (!isPollingMethod(contest.method)) {
    for (const j of contest.jurisdictions) {
      const file = files.cvrFiles.get(j);
      const info = file?.contests.find((c) => c.name === contest.name);
      for (const choice of info?.choices ?? []) choices.push(choice.name);
      for (const choice of Object.keys(file?.summary.contests[contest.name]?.votes ?? {}))
        choices.push(choice);
    }
  }
  return [...new Set(choices)];
}

function votesAllowedOf(contest: ContestDefinition, files: LoadedFiles, choices: number): number {
  if (contest.votesAllowed !== undefined) return contest.votesAllowed;
  if (!isPollingMethod(contest.method)) {
    for (const j of contest.jurisdictions) {
      const info = files.cvrFiles.get(j)?.contests.find((c) => c.name === contest.name);
      if (info !== undefined) return info.votesAllowed;
    }
  }
  return contest.type === 'approval' ? Math.max(1, choices) : contest.numWinners;
}

/** The universe and reported results of one contest (fixed at the first round). */
export function contestUniverse(options: {
  readonly contest: ContestDefinition;
  readonly files: LoadedFiles;
}): Result<ContestUniverse, EngineError> {
  const { contest, files } = options;
  const manifest = universeManifest(options);
  const ballots = manifest.batches.reduce((s, b) => s + b.ballots, 0);
  const problems = validateManifest(manifest.batches);
  if (problems.length > 0) {
    return err({
      kind: 'contest.bad-manifest',
      message: `${contest.name}: ${problems[0]!.message}`,
      field: 'manifest',
    });
  }
  const choices = choicesOf(contest, files);
  const tallies: Record<string, number> = {};
  for (const c of choices) tallies[c] = 0;
  if (isPollingMethod(contest.method)) {
    for (const [c, v] of Object.entries(contest.tallies ?? {})) tallies[c] = v;
  } else {
    for (const j of contest.jurisdictions) {
      const votes = files.cvrFiles.get(j)?.summary.contests[contest.name]?.votes ?? {};
      for (const [c, v] of Object.entries(votes)) tallies[c] = (tallies[c] ?? 0) + v;
    }
  }
  if (ballots === 0)
    return err({
      kind: 'contest.no-ballots',
      message: `${contest.name}: its jurisdictions' manifests hold no ballots`,
      field: 'manifest',
    });
  for (const [c, v] of Object.entries(tallies)) {
    if (v > ballots) {
      return err({
        kind: 'contest.tallies-exceed-ballots',
        message: `${contest.name}: ${c} has ${v} votes but the contest's universe holds ${ballots} cards`,
        field: 'tallies',
      });
    }
  }
  const phantoms = [...manifest.batches]
    .filter((b) => manifest.phantomBatches.has(batchKeyOf(b)))
    .reduce((s, b) => s + b.ballots, 0);
  const votesAllowed = votesAllowedOf(contest, files, choices.length);
  const outcome = reportedOutcome({ tallies, ballots, numWinners: contest.numWinners });
  return ok({ ballots, tallies, votesAllowed, phantoms, winners: outcome.winners });
}

/** Every contest's universe; the first problem as an error. */
export function contestUniverses(options: {
  readonly contests: readonly ContestDefinition[];
  readonly files: LoadedFiles;
}): Result<Record<string, ContestUniverse>, EngineError> {
  const out: Record<string, ContestUniverse> = {};
  for (const contest of options.contests) {
    const u = contestUniverse({ contest, files: options.files });
    if (!u.ok) return u;
    out[contest.name] = u.value;
  }
  return ok(out);
}
