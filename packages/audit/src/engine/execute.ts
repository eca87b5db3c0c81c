/**
 * Commands → events. `execute` checks a command against the current state (and, for uploads and rounds,
 * the files it references) and answers the events to append, or an error as data. It never changes the
 * state: the caller appends the events (to the store) and folds them (`evolve`).
 */
import { checkDiceSeed, validateManifest } from '@openrla/sampling';
import type { Cvr } from '@openrla/formats';
import { err, ok, type Result } from '../result.js';
import { digestOf } from './canonical.js';
import { signOffBoard, signOffKey } from './boards.js';
import { checkDefinition } from './define.js';
import { auditable, handCount, measureContest, sizeOptions } from './measure.js';
import {
  allCards,
  coloradoDraws,
  coloradoLayout,
  coloradoSample,
  contestSample,
  coverage,
  compareDraws,
  drawKey,
  streamDraws,
} from './sample.js';
import { cardKey, openRound, type AuditState } from './state.js';
import type {
  AuditData,
  AuditEvent,
  CardCvr,
  CardReading,
  CardRef,
  Command,
  CommandContext,
  ContestDefinition,
  ContestPlan,
  ContestRoundResult,
  ContestUniverse,
  DrawRecord,
  EngineError,
  EventPayloads,
  EventType,
  RoundPlan,
} from './types.js';
import {
  contestUniverses,
  isPollingMethod,
  loadFiles,
  universeManifest,
  type LoadedFiles,
  type UniverseManifest,
} from './universe.js';

type Answer = Result<AuditEvent[], EngineError>;

function eventOf<K extends EventType>(options: {
  readonly state: AuditState;
  readonly context: CommandContext;
  readonly type: K;
  readonly payload: EventPayloads[K];
}): AuditEvent {
  const { state, context, type, payload } = options;
  return { seq: state.seq, type, author: context.author, at: context.now(), payload } as AuditEvent;
}

function refuse(
  kind: string,
  message: string,
  field?: string,
): { readonly ok: false; readonly error: EngineError } {
  return err(field === undefined ? { kind, message } : { kind, message, field });
}

/** Checks a command against the state and answers the events it yields (none for an idempotent repeat). */
export async function execute(options: {
  readonly state: AuditState;
  readonly command: Command;
  readonly context: CommandContext;
  readonly data: AuditData;
}): Promise<Answer> {
  const { state, command, context, data } = options;
  if (typeof command !== 'object' || command === null)
    return refuse('command.invalid', 'a command must be an object');
  if (command.type !== 'audit.define' && state.definition === null) {
    return refuse('audit.not-defined', 'define the audit first (contests, jurisdictions, risk limit)');
  }
  switch (command.type) {
    case 'audit.define': {
      if (state.definition !== null) return refuse('audit.already-defined', 'the audit is already defined');
      const checked = checkDefinition(command.definition);
      if (!checked.ok) return checked;
      return ok([eventOf({ state, context, type: 'audit.defined', payload: { definition: checked.value } })]);
    }
    case 'board.create':
      return createBoard(state, command, context);
    case 'manifest.upload':
    case 'cvrs.upload':
      return upload({ state, command, context, data });
    case 'seed.set':
      return setSeed(state, command.seed, context);
    case 'round.start':
      return startRound({ state, command, context, data });
    case 'card.record':
      return recordCard(state, command, context);
    case 'round.finish':
      return finishRound(state, context, data);
    case 'jurisdiction.sign-off':
      return signOffJurisdiction(state, command, context);
    case 'board.sign-off':
      return signOffBoard(state, command, context);
    default: {
      const never: never = command;
      return refuse(
        'command.unknown',
        `unknown command ${JSON.stringify((never as { type?: unknown }).type)}`,
        'type',
      );
    }
  }
}

function createBoard(
  state: AuditState,
  command: Extract<Command, { type: 'board.create' }>,
  context: CommandContext,
): Answer {
  const def = state.definition!;
  if (!def.jurisdictions.includes(command.jurisdiction))
    return refuse(
      'board.unknown-jurisdiction',
      `"${command.jurisdiction}" is not a jurisdiction of the audit`,
      'jurisdiction',
    );
  if (typeof command.board !== 'string' || command.board === '')
    return refuse('board.invalid', 'name the audit board', 'board');
  if (
    !Array.isArray(command.members) ||
    command.members.length === 0 ||
    command.members.some((m) => typeof m !== 'string' || m === '')
  ) {
    return refuse('board.invalid', 'an audit board has at least one named member', 'members');
  }
  if (state.boards.get(command.jurisdiction)?.has(command.board)) {
    return refuse(
      'board.exists',
      `${command.jurisdiction} already has an audit board "${command.board}"`,
      'board',
    );
  }
  return ok([
    eventOf({
      state,
      context,
      type: 'board.created',
      payload: { jurisdiction: command.jurisdiction, board: command.board, members: command.members },
    }),
  ]);
}

async function upload(options: {
  readonly state: AuditState;
  readonly command: Extract<Command, { type: 'manifest.upload' | 'cvrs.upload' }>;
  readonly context: CommandContext;
  readonly data: AuditData;
}): Promise<Answer> {
  const { state, command, context, data } = options;
  const def = state.definition!;
  const what = command.type === 'manifest.upload' ? 'manifest' : 'CVR export';
  if (!def.jurisdictions.includes(command.jurisdiction)) {
    return refuse(
      'upload.unknown-jurisdiction',
      `"${command.jurisdiction}" is not a jurisdiction of the audit`,
      'jurisdiction',
    );
  }
  if (typeof command.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(command.sha256)) {
    return refuse('upload.bad-hash', 'sha256 must be 64 lowercase hex digits', 'sha256');
  }
  const current = (command.type === 'manifest.upload' ? state.manifests : state.cvrFiles).get(
    command.jurisdiction,
  );
  if (current?.sha256 === command.sha256) return ok([]); // the same file again: nothing happens
  if (state.seed !== null) {
    return refuse(
      'upload.after-seed',
      `${command.jurisdiction}: the seed is set, so the ${what} can no longer change`,
      'sha256',
    );
  }
  if (command.type === 'manifest.upload') {
    const file = await data.manifest(command.sha256);
    if (file === null)
      return refuse('data.file-missing', `no manifest with SHA-256 ${command.sha256} was stored`, 'sha256');
    if (file.sha256 !== command.sha256)
      return refuse(
        'data.file-changed',
        `the stored manifest hashes to ${file.sha256}, not ${command.sha256}`,
        'sha256',
      );
    const batches = file.batches.map((b) => ({ ...b, jurisdiction: command.jurisdiction }));
    const problems = validateManifest(batches);
    if (problems.length > 0)
      return refuse('manifest.invalid', `${command.jurisdiction}: ${problems[0]!.message}`, 'manifest');
    return ok([
      eventOf({
        state,
        context,
        type: 'manifest.uploaded',
        payload: {
          jurisdiction: command.jurisdiction,
          sha256: command.sha256,
          fileName: command.fileName,
          batches: batches.length,
          ballots: batches.reduce((s, b) => s + b.ballots, 0),
          replaces: current?.sha256 ?? null,
        },
      }),
    ]);
  }
  const file = await data.cvrFile(command.sha256);
  if (file === null)
    return refuse('data.file-missing', `no CVR export with SHA-256 ${command.sha256} was stored`, 'sha256');
  if (file.sha256 !== command.sha256)
    return refuse(
      'data.file-changed',
      `the stored CVR export hashes to ${file.sha256}, not ${command.sha256}`,
      'sha256',
    );
  return ok([
    eventOf({
      state,
      context,
      type: 'cvrs.uploaded',
      payload: {
        jurisdiction: command.jurisdiction,
        sha256: command.sha256,
        fileName: command.fileName,
        cvrs: file.summary.cvrs,
        replaces: current?.sha256 ?? null,
      },
    }),
  ]);
}

function setSeed(state: AuditState, seed: string, context: CommandContext): Answer {
  const def = state.definition!;
  if (state.seed !== null) return refuse('seed.already-set', 'the seed is already set', 'seed');
  if (typeof seed !== 'string') return refuse('seed.invalid', 'the seed is text', 'seed');
  const warning = checkDiceSeed(seed);
  if (warning) return refuse(warning.kind, warning.message, 'seed');
  for (const j of def.jurisdictions) {
    if (!state.manifests.has(j))
      return refuse('seed.missing-manifest', `${j} has not uploaded its ballot manifest`, 'seed');
  }
  for (const c of def.contests) {
    if (isPollingMethod(c.method)) continue;
    for (const j of c.jurisdictions) {
      if (!state.cvrFiles.has(j))
        return refuse(
          'seed.missing-cvrs',
          `${j} has not uploaded its CVR export (needed by ${c.name})`,
          'seed',
        );
    }
  }
  return ok([eventOf({ state, context, type: 'seed.set', payload: { seed, warning: null } })]);
}

/** Contests still to measure: not confirmed, not hand counted. */
export function activeContests(state: AuditState): ContestDefinition[] {
  return state.definition!.contests.filter((c) => {
    const r = state.results.get(c.name);
    return r === undefined || r.status === 'in-progress';
  });
}

/** True when every targeted contest is confirmed or hand counted. */
export function auditComplete(state: AuditState): boolean {
  return (
    state.definition !== null &&
    state.rounds.length > 0 &&
    !activeContests(state).some((c) => c.role === 'targeted')
  );
}

interface Context {
  readonly files: LoadedFiles;
  readonly universes: Readonly<Record<string, ContestUniverse>>;
  readonly manifests: ReadonlyMap<string, UniverseManifest>;
}

async function roundContext(state: AuditState, data: AuditData): Promise<Result<Context, EngineError>> {
  const loaded = await loadFiles(state, data);
  if (!loaded.ok) return loaded;
  const files = loaded.value;
  const contests = state.definition!.contests;
  let universes = state.universes;
  if (universes === null) {
    const computed = contestUniverses({ contests, files });
    if (!computed.ok) return computed;
    universes = computed.value;
    for (const c of contests) {
      const problem = auditable({
        contest: c,
        universe: universes[c.name]!,
        riskLimit: state.definition!.riskLimit,
        replacement: state.definition!.replacement,
      });
      if (problem) return err(problem);
    }
  }
  const manifests = new Map(contests.map((c) => [c.name, universeManifest({ contest: c, files })]));
  return ok({ files, universes, manifests });
}

function sampleCardsOf(
  state: AuditState,
  contest: ContestDefinition,
  manifest: UniverseManifest,
  draws: readonly DrawRecord[],
  lastTickets: ReadonlyMap<string, string>,
) {
  const def = state.definition!;
  const sample =
    def.sampler === 'rivest-2011'
      ? coloradoSample({ contest: contest.name, draws })
      : contestSample({
          contest,
          universe: manifest,
          draws,
          tau: coverage({ contests: def.contests.filter((c) => c.role === 'targeted'), lastTickets }),
          seed: state.seed!,
          replacement: def.replacement,
        });
  return sample.map((draw) => {
    const key = cardKey(draw.card);
    return { draw, reading: state.readings.get(key)?.reading, cvr: state.cvrs.get(key) };
  });
}

function targetSoFar(state: AuditState, contest: string): number {
  for (let i = state.rounds.length - 1; i >= 0; i--) {
    const t = state.rounds[i]!.targets[contest];
    if (t !== undefined) return t;
  }
  return 0;
}

/** The size options of the next round for every targeted contest still in progress. */
export async function planRound(options: {
  readonly state: AuditState;
  readonly data: AuditData;
}): Promise<Result<RoundPlan, EngineError>> {
  const { state, data } = options;
  if (state.definition === null) return refuse('audit.not-defined', 'define the audit first');
  // No seed needed: the sizes do not depend on it, and choosing the size before the dice are rolled
  // means nobody can pick a size that suits a known sample (round.start still needs the seed).
  const ctx = await roundContext(state, data);
  if (!ctx.ok) return ctx;
  return ok(planWith(state, ctx.value));
}

function planWith(state: AuditState, ctx: Context): RoundPlan {
  const def = state.definition!;
  const contests: ContestPlan[] = [];
  for (const c of activeContests(state)) {
    if (c.role !== 'targeted') continue;
    const universe = ctx.universes[c.name]!;
    const cards = sampleCardsOf(state, c, ctx.manifests.get(c.name)!, state.draws, state.lastTickets);
    const { options, recommended } = sizeOptions({
      contest: c,
      universe,
      riskLimit: def.riskLimit,
      replacement: def.replacement,
      cards,
    });
    contests.push({
      contest: c.name,
      ballots: universe.ballots,
      sampledSoFar: targetSoFar(state, c.name),
      drawnSoFar: cards.length,
      options,
      recommended,
    });
  }
  return { round: state.rounds.length + 1, contests };
}

async function startRound(options: {
  readonly state: AuditState;
  readonly command: Extract<Command, { type: 'round.start' }>;
  readonly context: CommandContext;
  readonly data: AuditData;
}): Promise<Answer> {
  const { state, command, context, data } = options;
  const def = state.definition!;
  if (state.seed === null) return refuse('round.no-seed', 'set the seed before the first round');
  if (openRound(state) !== null) return refuse('round.open', `round ${state.rounds.length} is not finished`);
  if (auditComplete(state))
    return refuse('audit.complete', 'every targeted contest is confirmed or hand counted');
  const ctx = await roundContext(state, data);
  if (!ctx.ok) return ctx;
  const plan = planWith(state, ctx.value);
  const sizes = command.sizes ?? {};
  for (const name of Object.keys(sizes)) {
    if (!plan.contests.some((p) => p.contest === name))
      return refuse(
        'round.unknown-contest',
        `"${name}" is not a targeted contest in progress`,
        `sizes.${name}`,
      );
  }
  const targets: Record<string, number> = {};
  const handCounts: string[] = [];
  for (const p of plan.contests) {
    const choice = sizes[p.contest] ?? { option: p.recommended };
    let size: number;
    if ('option' in choice) {
      const option = p.options.find((o) => o.key === choice.option);
      if (option === undefined)
        return refuse(
          'round.unknown-option',
          `${p.contest}: choose one of ${p.options.map((o) => o.key).join(', ')}`,
          `sizes.${p.contest}`,
        );
      size = option.size;
    } else {
      if (!Number.isSafeInteger(choice.custom) || choice.custom < 1)
        return refuse(
          'round.bad-size',
          `${p.contest}: a size is a positive whole number`,
          `sizes.${p.contest}`,
        );
      size = choice.custom;
    }
    if (size >= p.ballots) handCounts.push(p.contest);
    else if (size <= p.sampledSoFar) {
      return refuse(
        'round.size-too-small',
        `${p.contest}: ${size} draws were already made; ask for more than that`,
        `sizes.${p.contest}`,
      );
    } else targets[p.contest] = size;
  }
  const { fresh, lastTickets } =
    def.sampler === 'rivest-2011'
      ? { fresh: coloradoRoundDraws({ state, ctx: ctx.value, targets }), lastTickets: {} }
      : consistentRoundDraws({ state, ctx: ctx.value, targets });
  const drawnCards = new Set(
    [...state.draws, ...fresh].filter((d) => !d.phantom).map((d) => cardKey(d.card)),
  );
  const handCountCards: CardRef[] = [];
  for (const name of handCounts) {
    for (const card of allCards(ctx.value.manifests.get(name)!)) {
      const key = cardKey(card);
      if (!drawnCards.has(key)) {
        drawnCards.add(key);
        handCountCards.push(card);
      }
    }
  }
  const cvrs = await cvrSnapshots({
    state,
    ctx: ctx.value,
    cards: [...fresh.filter((d) => !d.phantom).map((d) => d.card), ...handCountCards],
  });
  const payload = {
    round: state.rounds.length + 1,
    universes: state.universes === null ? ctx.value.universes : null,
    targets,
    handCounts,
    draws: fresh,
    lastTickets,
    handCountCards,
    cvrs,
    digest: digestOf({ draws: fresh, handCountCards, cvrs }),
  };
  return ok([eventOf({ state, context, type: 'round.started', payload })]);
}

/**
 * The consistent sampler's new draws (decision 0004 §5): each targeted contest's stream continued from
 * where it stopped, merged into one sample in ticket order (a draw two contests share appears once).
 */
function consistentRoundDraws(options: {
  readonly state: AuditState;
  readonly ctx: Context;
  readonly targets: Readonly<Record<string, number>>;
}): { readonly fresh: DrawRecord[]; readonly lastTickets: Record<string, string> } {
  const { state, ctx, targets } = options;
  const seen = new Set(state.draws.map(drawKey));
  const fresh: DrawRecord[] = [];
  const lastTickets: Record<string, string> = {};
  for (const [name, to] of Object.entries(targets)) {
    const draws = streamDraws({
      seed: state.seed!,
      universe: ctx.manifests.get(name)!,
      from: targetSoFar(state, name),
      to,
      replacement: state.definition!.replacement,
    });
    lastTickets[name] = draws[draws.length - 1]!.ticket;
    for (const d of draws) {
      const k = drawKey(d);
      if (!seen.has(k)) {
        seen.add(k);
        fresh.push(d);
      }
    }
  }
  fresh.sort(compareDraws);
  return { fresh, lastTickets };
}

/**
 * Colorado's new draws (spec/sampling.md §2): each targeted contest's own 2011-sampler stream over its
 * manifests laid end to end, sequence indices from the audited prefix (its draws so far) up to the
 * round's size inclusive, with replacement; contests in the definition's order, then sequence order.
 */
function coloradoRoundDraws(options: {
  readonly state: AuditState;
  readonly ctx: Context;
  readonly targets: Readonly<Record<string, number>>;
}): DrawRecord[] {
  const { state, ctx, targets } = options;
  const def = state.definition!;
  const fresh: DrawRecord[] = [];
  for (const c of def.contests) {
    const to = targets[c.name];
    if (to === undefined) continue;
    const earlier = coloradoSample({ contest: c.name, draws: state.draws });
    const universe = ctx.manifests.get(c.name)!;
    fresh.push(
      ...coloradoDraws({
        seed: state.seed!,
        contest: c.name,
        layout: coloradoLayout({ universe, jurisdictions: def.jurisdictions }),
        phantomBatches: universe.phantomBatches,
        from: earlier.length,
        to,
        earlier,
      }),
    );
  }
  return fresh;
}

/** What the CVRs say about new cards, for the comparison contests of their jurisdictions. */
async function cvrSnapshots(options: {
  readonly state: AuditState;
  readonly ctx: Context;
  readonly cards: readonly CardRef[];
}): Promise<Record<string, CardCvr>> {
  const { state, ctx, cards } = options;
  const comparison = state.definition!.contests.filter((c) => !isPollingMethod(c.method));
  const out: Record<string, CardCvr> = {};
  const byJurisdiction = new Map<string, CardRef[]>();
  for (const card of cards) {
    const key = cardKey(card);
    if (state.cvrs.has(key) || key in out) continue;
    if (!comparison.some((c) => c.jurisdictions.includes(card.jurisdiction))) continue;
    const list = byJurisdiction.get(card.jurisdiction) ?? [];
    list.push(card);
    byJurisdiction.set(card.jurisdiction, list);
  }
  for (const [j, list] of byJurisdiction) {
    const file = ctx.files.cvrFiles.get(j);
    const found: readonly (Cvr | null)[] =
      file === undefined ? list.map(() => null) : await file.cvrsAt(list);
    for (let i = 0; i < list.length; i++) {
      const cvr = found[i] ?? null;
      if (cvr === null) {
        out[cardKey(list[i]!)] = null;
        continue;
      }
      const marks: Record<string, readonly string[]> = {};
      for (const c of comparison) {
        if (!c.jurisdictions.includes(j)) continue;
        const vote = cvr.contests[c.name];
        if (vote === undefined) continue;
        const universe = ctx.universes[c.name]!;
        const known = new Set(Object.keys(universe.tallies));
        const marked = vote.kind === 'marks' && vote.overvote !== true ? [...new Set(vote.marks)] : [];
        // An overvote (more marks than allowed) is no valid vote, as in the CVR summary's tallies.
        marks[c.name] = marked.length > universe.votesAllowed ? [] : marked.filter((m) => known.has(m));
      }
      out[cardKey(list[i]!)] = marks;
    }
  }
  return out;
}

function checkReading(
  reading: CardReading,
  contests: readonly ContestDefinition[],
  universes: Readonly<Record<string, ContestUniverse>>,
): EngineError | null {
  if (typeof reading !== 'object' || reading === null || typeof reading.found !== 'boolean') {
    return {
      kind: 'card.bad-reading',
      message: 'a reading says whether the card was found',
      field: 'reading.found',
    };
  }
  if (!reading.found) return null;
  if (typeof reading.contests !== 'object' || reading.contests === null) {
    return {
      kind: 'card.bad-reading',
      message: 'a found card needs a reading per contest',
      field: 'reading.contests',
    };
  }
  for (const name of Object.keys(reading.contests)) {
    if (!contests.some((c) => c.name === name))
      return {
        kind: 'card.unknown-contest',
        message: `"${name}" is not audited in this jurisdiction`,
        field: `reading.contests.${name}`,
      };
  }
  for (const c of contests) {
    const r = reading.contests[c.name];
    const field = `reading.contests.${c.name}`;
    if (r === undefined)
      return {
        kind: 'card.missing-contest',
        message: `record what the card shows for ${c.name} (votes, blank, overvote or not on the card)`,
        field,
      };
    switch (r.kind) {
      case 'blank':
      case 'overvote':
      case 'not-on-card':
        break;
      case 'votes': {
        const u = universes[c.name]!;
        if (!Array.isArray(r.choices) || r.choices.length === 0)
          return {
            kind: 'card.bad-reading',
            message: `${c.name}: name the choices marked (or record blank)`,
            field,
          };
        for (const choice of r.choices) {
          if (!(choice in u.tallies))
            return {
              kind: 'card.unknown-choice',
              message: `${c.name}: "${choice}" is not a choice of the contest`,
              field,
            };
        }
        if (new Set(r.choices).size !== r.choices.length)
          return { kind: 'card.bad-reading', message: `${c.name}: a choice is named twice`, field };
        if (r.choices.length > u.votesAllowed) {
          return {
            kind: 'card.bad-reading',
            message: `${c.name}: ${r.choices.length} marks exceed the ${u.votesAllowed} allowed: record an overvote`,
            field,
          };
        }
        break;
      }
      default:
        return { kind: 'card.bad-reading', message: `${c.name}: unknown reading`, field };
    }
  }
  return null;
}

function recordCard(
  state: AuditState,
  command: Extract<Command, { type: 'card.record' }>,
  context: CommandContext,
): Answer {
  const def = state.definition!;
  const round = openRound(state);
  if (round === null) return refuse('round.not-open', 'no round is in progress');
  const card = command.card;
  if (typeof card !== 'object' || card === null)
    return refuse('card.invalid', 'name the card (jurisdiction, tabulator, batch, position)', 'card');
  const key = cardKey(card);
  if (!round.cardSet.has(key))
    return refuse(
      'card.not-sampled',
      `${describe(card)} is not among the cards of round ${round.round}`,
      'card',
    );
  if (command.board !== undefined && !state.boards.get(card.jurisdiction)?.has(command.board)) {
    return refuse(
      'card.unknown-board',
      `${card.jurisdiction} has no audit board "${command.board}"`,
      'board',
    );
  }
  if (
    command.board !== undefined &&
    state.boardSignOffs.has(
      signOffKey({ round: round.round, jurisdiction: card.jurisdiction, board: command.board }),
    )
  ) {
    return refuse(
      'board.signed-off',
      `audit board "${command.board}" signed off round ${round.round}: it records no more readings`,
      'board',
    );
  }
  const before = state.readings.get(key);
  if (command.correction !== undefined) {
    if (typeof command.correction?.reason !== 'string' || command.correction.reason.trim() === '') {
      return refuse('card.correction-reason', 'a correction states its reason', 'correction.reason');
    }
    if (before === undefined)
      return refuse('card.nothing-to-correct', `${describe(card)} has no reading to correct`, 'correction');
  } else if (before !== undefined) {
    return refuse(
      'card.already-recorded',
      `${describe(card)} is already recorded; to change it, record a correction with its reason`,
      'card',
    );
  }
  if (state.jurisdictionSignOffs.get(round.round)?.has(card.jurisdiction)) {
    return refuse(
      'card.jurisdiction-signed-off',
      `${card.jurisdiction} has signed off round ${round.round}; its readings can no longer change`,
      'card',
    );
  }
  if (before !== undefined && before.round !== round.round) {
    return refuse(
      'card.finished-round',
      `${describe(card)} was recorded in round ${before.round}, which is finished`,
      'card',
    );
  }
  const contests = def.contests.filter((c) => c.jurisdictions.includes(card.jurisdiction));
  const problem = checkReading(command.reading, contests, state.universes!);
  if (problem) return err(problem);
  return ok([
    eventOf({
      state,
      context,
      type: 'card.recorded',
      payload: {
        round: round.round,
        card: {
          jurisdiction: card.jurisdiction,
          tabulator: card.tabulator,
          batch: card.batch,
          position: card.position,
        },
        reading: command.reading,
        board: command.board ?? null,
        correction: command.correction === undefined ? null : { reason: command.correction.reason },
      },
    }),
  ]);
}

function describe(card: CardRef): string {
  const tab = card.tabulator === null ? '' : `${card.tabulator}, `;
  return `${card.jurisdiction}: ${tab}${card.batch}, card ${card.position}`;
}

/**
 * A jurisdiction's sign-off of the open round: every card of the round in the jurisdiction is recorded
 * (this round or an earlier one). Once only per jurisdiction and round; afterwards the jurisdiction's
 * readings of the round are final (card.record refuses them).
 */
function signOffJurisdiction(
  state: AuditState,
  command: Extract<Command, { type: 'jurisdiction.sign-off' }>,
  context: CommandContext,
): Answer {
  const def = state.definition!;
  const { jurisdiction, round: asked } = command;
  if (typeof jurisdiction !== 'string' || !def.jurisdictions.includes(jurisdiction))
    return refuse(
      'sign-off.unknown-jurisdiction',
      `"${String(jurisdiction)}" is not a jurisdiction of the audit`,
      'jurisdiction',
    );
  const round = openRound(state);
  if (round === null) return refuse('round.not-open', 'no round is in progress', 'round');
  if (asked !== round.round)
    return refuse(
      'sign-off.wrong-round',
      `round ${String(asked)} is not the round in progress (round ${round.round})`,
      'round',
    );
  if (state.jurisdictionSignOffs.get(round.round)?.has(jurisdiction))
    return refuse(
      'sign-off.already-signed-off',
      `${jurisdiction} has already signed off round ${round.round}`,
      'round',
    );
  let missing = 0;
  for (const key of round.cards)
    if ((JSON.parse(key) as unknown[])[0] === jurisdiction && !state.readings.has(key)) missing++;
  if (missing > 0)
    return refuse(
      'sign-off.cards-missing',
      `${jurisdiction}: ${missing} card(s) of round ${round.round} are not recorded yet; the audit boards record them first`,
      'round',
    );
  return ok([
    eventOf({
      state,
      context,
      type: 'jurisdiction.signed-off',
      payload: { jurisdiction, round: round.round },
    }),
  ]);
}

/** The canonical list of readings the round's results are computed from (its digest is logged). */
export function readingsForDigest(state: AuditState): [string, CardReading][] {
  return [...state.readings.entries()]
    .map(([k, v]): [string, CardReading] => [k, v.reading])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function finishRound(state: AuditState, context: CommandContext, data: AuditData): Promise<Answer> {
  const def = state.definition!;
  const round = openRound(state);
  if (round === null) return refuse('round.not-open', 'no round is in progress');
  const missing = round.cards.filter((k) => !state.readings.has(k));
  if (missing.length > 0) {
    return refuse(
      'round.cards-missing',
      `${missing.length} card(s) of round ${round.round} are not recorded yet, e.g. ${missing[0]}`,
    );
  }
  const ctx = await roundContext(state, data);
  if (!ctx.ok) return ctx;
  const universes = state.universes!;
  const results: Record<string, ContestRoundResult> = {};
  for (const c of activeContests(state)) {
    const universe = universes[c.name]!;
    if (round.handCounts.includes(c.name)) {
      const cards = [
        ...state.draws.filter((d) => !d.phantom).map((d) => d.card),
        ...state.rounds.flatMap((r) => r.handCountCards),
      ]
        .filter((card) => c.jurisdictions.includes(card.jurisdiction))
        .map(cardKey);
      results[c.name] = handCount({
        contest: c,
        universe,
        cards: [...new Set(cards)],
        readings: state.readings,
      });
      continue;
    }
    const manifest = ctx.value.manifests.get(c.name)!;
    const cards = sampleCardsOf(state, c, manifest, state.draws, state.lastTickets);
    results[c.name] = measureContest({
      contest: c,
      universe,
      riskLimit: def.riskLimit,
      replacement: def.replacement,
      cards,
      ...(def.sampler === 'rivest-2011' ? { stopping: 'colorado' as const } : {}),
    });
  }
  return ok([
    eventOf({
      state,
      context,
      type: 'round.finished',
      payload: { round: round.round, results, readingsDigest: digestOf(readingsForDigest(state)) },
    }),
  ]);
}
