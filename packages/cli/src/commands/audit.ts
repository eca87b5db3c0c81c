/**
 * `openrla audit …`: a whole risk-limiting audit from files, on the real store (a PGlite data folder,
 * `--data DIR`, default ./.openrla-data; or PostgreSQL with DATABASE_URL). Each subcommand is one engine
 * command run through the audit session of @openrla/ingest (load → fold → execute → append); the CLI
 * only reads files and prints. See docs/decisions/0007-audit-cli.md for how the subcommands map onto the
 * engine's commands, the format of `record`'s file and the layout of the published record.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  auditReport,
  auditStatus,
  cardKey,
  cardsToRecord,
  planRound,
  reportCsv,
  roundRetrievalLists,
  type AuditDefinition,
  type AuditState,
  type CardRef,
  type Command as EngineCommand,
  type ContestDefinition,
  type SamplerKind,
  type SizeChoice,
} from '@openrla/audit';
import {
  appendMeta,
  auditDataOf,
  createAuditLog,
  loadAudit,
  readAuditMeta,
  runCommand,
  runCommands,
  uploadCvrs,
  uploadManifest,
  type AuditDraft,
  type LoadedAudit,
  type SessionError,
} from '@openrla/ingest';
import type { RetrievalList } from '@openrla/sampling';
import type { AuditStore } from '@openrla/store';
import { CliExit } from '../exit.js';
import {
  contextOf,
  csvCell,
  safeFileName,
  say,
  userError,
  withCommonOptions,
  withStore,
  type CommonOptions,
  type LocatedError,
} from './audit_common.js';
import { parseReadings } from './audit_readings.js';
import { exportRecord, verifyRecord } from './audit_record.js';

function fail(error: SessionError): never {
  return userError(error);
}

async function loaded(store: AuditStore, options: CommonOptions): Promise<LoadedAudit> {
  const l = await loadAudit({ store, auditId: options.audit });
  if (!l.ok) fail(l.error);
  return l.value;
}

function emptyDraft(): AuditDraft {
  return { jurisdictions: [], contests: [] };
}

async function draftOf(store: AuditStore, options: CommonOptions): Promise<AuditDraft> {
  const audit = await loaded(store, options);
  if (audit.state.definition !== null)
    userError({
      kind: 'audit.already-defined',
      field: 'audit',
      message: `The audit "${options.audit}" is already defined; its contests and jurisdictions can no longer change.`,
    });
  return (await readAuditMeta({ store, auditId: options.audit })).draft ?? emptyDraft();
}

async function saveDraft(store: AuditStore, options: CommonOptions, draft: AuditDraft): Promise<void> {
  const saved = await appendMeta({
    store,
    auditId: options.audit,
    type: 'draft',
    payload: draft,
    context: contextOf(options),
  });
  if (!saved.ok) fail(saved.error);
}

/** The draft as the CLI keeps it: the ingest draft plus the sampler chosen at `init` (absent: consistent). */
type Draft = AuditDraft & { readonly sampler?: SamplerKind };

const SAMPLERS: readonly SamplerKind[] = ['consistent', 'rivest-2011'];

function samplerOption(value: string): SamplerKind {
  const sampler = SAMPLERS.find((s) => s === value);
  if (sampler === undefined)
    userError({
      kind: 'option.invalid',
      field: '--sampler',
      message: `--sampler must be one of ${SAMPLERS.join(', ')}, not "${value}".`,
    });
  return sampler;
}

/** The draft as the engine's definition (the engine checks it). */
function definitionOf(draft: Draft, auditId: string): AuditDefinition {
  return {
    name: draft.name ?? auditId,
    riskLimit: draft.riskLimit ?? Number.NaN,
    jurisdictions: draft.jurisdictions,
    contests: draft.contests,
    ...(draft.replacement !== undefined ? { replacement: draft.replacement } : {}),
    ...(draft.sampler !== undefined && draft.sampler !== 'consistent' ? { sampler: draft.sampler } : {}),
  };
}

/** Logs `audit.define` from the draft when the audit is not defined yet. */
async function defineFromDraft(store: AuditStore, options: CommonOptions): Promise<void> {
  const audit = await loaded(store, options);
  if (audit.state.definition !== null) return;
  const draft = (await readAuditMeta({ store, auditId: options.audit })).draft ?? emptyDraft();
  await define(store, options, definitionOf(draft, options.audit));
}

async function define(store: AuditStore, options: CommonOptions, definition: AuditDefinition): Promise<void> {
  const ran = await runCommand({
    store,
    auditId: options.audit,
    command: { type: 'audit.define', definition },
    context: contextOf(options),
  });
  if (!ran.ok) fail({ ...ran.error, message: `the audit's definition: ${ran.error.message}` });
  say(
    `defined audit "${definition.name}": ${definition.contests.length} contest(s), ${definition.jurisdictions.length} jurisdiction(s), risk limit ${definition.riskLimit}`,
  );
}

function list(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function numberOption(text: string, field: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    userError({ kind: 'option.not-a-number', field, message: `"${text}" is not a number.` });
  return n;
}

function keyValue(text: string, field: string): [string, string] {
  const i = text.lastIndexOf('=');
  if (i <= 0) userError({ kind: 'option.bad-pair', field, message: `"${text}" must be NAME=VALUE.` });
  return [text.slice(0, i), text.slice(i + 1)];
}

interface AddContestOptions extends CommonOptions {
  readonly name: string;
  readonly method: ContestDefinition['method'];
  readonly type: ContestDefinition['type'];
  readonly role: ContestDefinition['role'];
  readonly jurisdictions?: string;
  readonly winners: string;
  readonly votesAllowed?: string;
  readonly tally: string[];
  readonly choices?: string;
  readonly ballots?: string;
  readonly shareToWin?: string;
  readonly param: string[];
}

function contestFromOptions(o: AddContestOptions, draft: AuditDraft): ContestDefinition {
  const tallies: Record<string, number> = {};
  for (const t of o.tally) {
    const [choice, votes] = keyValue(t, '--tally');
    tallies[choice] = numberOption(votes, `--tally ${choice}`);
  }
  const params: Record<string, unknown> = {};
  for (const p of o.param) {
    const [k, v] = keyValue(p, '--param');
    try {
      params[k] = JSON.parse(v);
    } catch {
      params[k] = v;
    }
  }
  return {
    name: o.name,
    role: o.role,
    type: o.type,
    method: o.method,
    jurisdictions:
      o.jurisdictions !== undefined
        ? o.jurisdictions
            .split(',')
            .map((j) => j.trim())
            .filter((j) => j !== '')
        : draft.jurisdictions,
    numWinners: numberOption(o.winners, '--winners'),
    ...(o.votesAllowed !== undefined
      ? { votesAllowed: numberOption(o.votesAllowed, '--votes-allowed') }
      : {}),
    ...(o.tally.length > 0 ? { tallies } : {}),
    ...(o.choices !== undefined ? { choices: o.choices.split(';').map((c) => c.trim()) } : {}),
    ...(o.ballots !== undefined ? { ballots: numberOption(o.ballots, '--ballots') } : {}),
    ...(o.shareToWin !== undefined ? { shareToWin: numberOption(o.shareToWin, '--share-to-win') } : {}),
    ...(o.param.length > 0 ? { params } : {}),
  };
}

/** `--size contest=option` or `--size contest=123` (cumulative draws). */
function sizesOf(sizes: readonly string[]): Record<string, SizeChoice> {
  const out: Record<string, SizeChoice> = {};
  for (const s of sizes) {
    const [contest, choice] = keyValue(s, '--size');
    out[contest] = /^\d+$/.test(choice) ? { custom: Number(choice) } : { option: choice };
  }
  return out;
}

/** One jurisdiction's retrieval list: what the audit board fetches, with the columns `record` takes back. */
export function retrievalListCsv(options: {
  readonly list: RetrievalList;
  readonly recorded: (card: CardRef) => boolean;
}): string {
  const lines = ['Jurisdiction,Container,Tabulator,Batch,Card,Ticket Numbers,Times Drawn,Already Recorded'];
  for (const r of options.list.rows) {
    const card = {
      jurisdiction: r.jurisdiction,
      tabulator: r.tabulator,
      batch: r.batch,
      position: r.position,
    };
    lines.push(
      [
        r.jurisdiction,
        r.container,
        r.tabulator,
        r.batch,
        r.position,
        r.tickets.join('; '),
        r.timesDrawn,
        options.recorded(card) ? 'yes' : 'no',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

async function writeRetrievalLists(options: {
  readonly store: AuditStore;
  readonly common: CommonOptions;
  readonly state: AuditState;
  readonly round: number;
  readonly out: string;
}): Promise<void> {
  const { store, common, state, round, out } = options;
  const data = auditDataOf({ store, auditId: common.audit });
  const manifests = [];
  for (const [jurisdiction, file] of state.manifests) {
    const m = await data.manifest(file.sha256);
    if (m) manifests.push(...m.batches.map((b) => ({ ...b, jurisdiction })));
  }
  const lists = roundRetrievalLists({ state, round, manifests });
  mkdirSync(out, { recursive: true });
  for (const l of lists) {
    const file = path.join(out, `${safeFileName(l.jurisdiction)}.csv`);
    writeFileSync(
      file,
      retrievalListCsv({
        list: l,
        recorded: (card) =>
          state.readings.get(cardKey(card))?.round !== undefined &&
          state.readings.get(cardKey(card))!.round < round,
      }),
    );
    say(`  ${l.jurisdiction}: ${l.rows.length} card(s) → ${file}`);
  }
}

function printStatus(state: AuditState): void {
  const s = auditStatus(state);
  say(
    `rounds: ${s.rounds}${s.roundOpen ? ' (the last is open)' : ''}; audit ${s.complete ? 'complete' : 'in progress'}`,
  );
  for (const [name, r] of Object.entries(s.contests)) {
    if (r === null) say(`  ${name}: not measured yet`);
    else
      say(
        `  ${name}: ${r.status}, risk ${r.pValue.toPrecision(4)} after ${r.n} draw(s)${r.discrepancies ? `, discrepancies o2=${r.discrepancies.o2} o1=${r.discrepancies.o1} u1=${r.discrepancies.u1} u2=${r.discrepancies.u2}` : ''}${r.nextSize !== null ? `; next size ${r.nextSize}` : ''}`,
      );
  }
  if (s.roundOpen) say(`cards still to record: ${cardsToRecord(state).length}`);
}

function sub(group: Command, name: string, description: string): Command {
  return withCommonOptions(group.command(name).description(description));
}

export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'Run a risk-limiting audit from files: define, upload, seed, rounds, record, report, verify.',
    );

  sub(audit, 'init', 'create an audit in the data folder (or DATABASE_URL)')
    .option('--name <name>', "the audit's name (default: its id)")
    .option('--risk-limit <alpha>', 'the risk limit, e.g. 0.05')
    .option('--replacement', 'sample with replacement')
    .option('--no-replacement', 'sample without replacement')
    .option(
      '--sampler <sampler>',
      'consistent (default, Arlo) or rivest-2011 (Colorado: one 2011-sampler stream per contest)',
    )
    .action(
      async (
        o: CommonOptions & { name?: string; riskLimit?: string; replacement?: boolean; sampler?: string },
      ) => {
        await withStore(o, async (store) => {
          const made = await createAuditLog({ store, auditId: o.audit });
          if (!made.ok) fail(made.error);
          const draft: Draft = {
            ...emptyDraft(),
            ...(o.name !== undefined ? { name: o.name } : {}),
            ...(o.riskLimit !== undefined ? { riskLimit: numberOption(o.riskLimit, '--risk-limit') } : {}),
            ...(o.replacement !== undefined ? { replacement: o.replacement } : {}),
            ...(o.sampler !== undefined ? { sampler: samplerOption(o.sampler) } : {}),
          };
          await saveDraft(store, o, draft);
          say(`created audit "${o.audit}"`);
        });
      },
    );

  sub(
    audit,
    'define',
    "fix the audit's definition: from a JSON file (the engine's AuditDefinition), or from what init/add-* gathered",
  )
    .argument('[file]', 'definition JSON')
    .action(async (file: string | undefined, o: CommonOptions) => {
      await withStore(o, async (store) => {
        if (file === undefined) return defineFromDraft(store, o);
        let definition: AuditDefinition;
        try {
          definition = JSON.parse(readFileSync(file, 'utf8')) as AuditDefinition;
        } catch (error) {
          return userError({ kind: 'definition.unreadable', file, message: (error as Error).message });
        }
        await loaded(store, o);
        const ran = await runCommand({
          store,
          auditId: o.audit,
          command: { type: 'audit.define', definition },
          context: contextOf(o),
        });
        if (!ran.ok) fail({ ...ran.error, file });
        say(`defined audit "${definition.name}"`);
      });
    });

  sub(audit, 'add-jurisdiction', 'add jurisdictions (counties) to the audit being defined')
    .argument('<names...>')
    .action(async (names: string[], o: CommonOptions) => {
      await withStore(o, async (store) => {
        const draft = await draftOf(store, o);
        const known = new Set(draft.jurisdictions);
        for (const n of names)
          if (known.has(n))
            userError({
              kind: 'jurisdiction.exists',
              field: 'name',
              message: `"${n}" is already a jurisdiction of the audit.`,
            });
        await saveDraft(store, o, { ...draft, jurisdictions: [...draft.jurisdictions, ...names] });
        say(`jurisdictions: ${[...draft.jurisdictions, ...names].join(', ')}`);
      });
    });

  sub(audit, 'add-contest', 'add a contest to the audit being defined')
    .requiredOption('--name <name>', "the contest's name as the CVR exports spell it")
    .requiredOption('--method <method>', 'bravo, alpha-polling, kaplan-markov or alpha-comparison')
    .option('--type <type>', 'plurality, approval or supermajority', 'plurality')
    .option('--role <role>', 'targeted or opportunistic', 'targeted')
    .option('--jurisdictions <list>', 'comma-separated jurisdictions the contest is on (default: all so far)')
    .option('--winners <n>', 'number of winners', '1')
    .option('--votes-allowed <n>', 'votes allowed per card')
    .option('--tally <choice=votes>', 'reported votes of a choice (ballot polling needs them)', list, [])
    .option('--choices <list>', 'the choices, separated by ;')
    .option('--ballots <n>', 'cards cast in the contest when known from outside the voting system')
    .option('--share-to-win <share>', 'supermajority: the share of valid votes needed')
    .option(
      '--param <name=value>',
      'a method parameter as the calculator takes it, e.g. gamma=1.03905',
      list,
      [],
    )
    .action(async (o: AddContestOptions) => {
      await withStore(o, async (store) => {
        const draft = await draftOf(store, o);
        if (draft.contests.some((c) => c.name === o.name))
          userError({
            kind: 'contest.exists',
            field: '--name',
            message: `"${o.name}" is already a contest of the audit.`,
          });
        const contest = contestFromOptions(o, draft);
        await saveDraft(store, o, { ...draft, contests: [...draft.contests, contest] });
        say(
          `contest "${contest.name}": ${contest.role}, ${contest.method}, in ${contest.jurisdictions.join(', ')}`,
        );
      });
    });

  sub(
    audit,
    'upload-manifest',
    "upload a jurisdiction's ballot manifest (the first upload fixes the audit's definition)",
  )
    .requiredOption('--jurisdiction <name>')
    .argument('<file>')
    .action(async (file: string, o: CommonOptions & { jurisdiction: string }) => {
      await withStore(o, async (store) => {
        await defineFromDraft(store, o);
        const up = await uploadManifest({
          store,
          auditId: o.audit,
          jurisdiction: o.jurisdiction,
          file,
          context: contextOf(o),
        });
        if (!up.ok) fail(up.error);
        say(
          `${o.jurisdiction}: manifest ${path.basename(file)} (${up.value.ballots} cards, SHA-256 ${up.value.sha256})${up.value.events.length === 0 ? ' was already uploaded' : ''}`,
        );
      });
    });

  sub(audit, 'upload-cvrs', "upload a jurisdiction's CVR export (one file, several files or a folder)")
    .requiredOption('--jurisdiction <name>')
    .option(
      '--format <format>',
      'skip detection: dominion-csv, dominion-json, clearballot, ess, hart, nist-cdf-json, nist-cdf-xml',
    )
    .argument('<files...>')
    .action(async (files: string[], o: CommonOptions & { jurisdiction: string; format?: string }) => {
      await withStore(o, async (store) => {
        await defineFromDraft(store, o);
        const up = await uploadCvrs({
          store,
          auditId: o.audit,
          jurisdiction: o.jurisdiction,
          files,
          context: contextOf(o),
          ...(o.format !== undefined ? { format: o.format as never } : {}),
        });
        if (!up.ok) fail(up.error);
        const info = up.value.info;
        say(
          `${o.jurisdiction}: ${info.summary.cvrs} CVRs (${info.format}, SHA-256 ${info.sha256})${up.value.unlinked > 0 ? `; ${up.value.unlinked} link to no manifest card` : ''}${up.value.events.length === 0 ? '; already uploaded' : ''}`,
        );
      });
    });

  sub(audit, 'add-board', "create an audit board of a jurisdiction (its members' names are logged)")
    .requiredOption('--jurisdiction <name>')
    .requiredOption('--board <name>')
    .option('--member <name>', 'a member (repeat for each)', list, [])
    .action(async (o: CommonOptions & { jurisdiction: string; board: string; member: string[] }) => {
      await withStore(o, async (store) => {
        await defineFromDraft(store, o);
        const ran = await runCommand({
          store,
          auditId: o.audit,
          command: { type: 'board.create', jurisdiction: o.jurisdiction, board: o.board, members: o.member },
          context: contextOf(o),
        });
        if (!ran.ok) fail(ran.error);
        say(`${o.jurisdiction}: audit board "${o.board}" (${o.member.join(', ')})`);
      });
    });

  sub(audit, 'set-seed', 'set the random seed from the public dice ceremony (at least 20 digits)')
    .argument('<seed>')
    .action(async (seed: string, o: CommonOptions) => {
      await withStore(o, async (store) => {
        const ran = await runCommand({
          store,
          auditId: o.audit,
          command: { type: 'seed.set', seed },
          context: contextOf(o),
        });
        if (!ran.ok) fail(ran.error);
        say(`seed set: ${seed}`);
      });
    });

  sub(audit, 'plan', "the next round's sample-size options per targeted contest")
    .option('--json', 'print JSON')
    .action(async (o: CommonOptions & { json?: boolean }) => {
      await withStore(o, async (store) => {
        const { state } = await loaded(store, o);
        const plan = await planRound({ state, data: auditDataOf({ store, auditId: o.audit }) });
        if (!plan.ok) fail(plan.error);
        if (o.json) return say(JSON.stringify(plan.value, null, 2));
        say(`round ${plan.value.round}:`);
        for (const c of plan.value.contests) {
          say(`  ${c.contest} (N = ${c.ballots}, ${c.sampledSoFar} drawn so far):`);
          for (const opt of c.options)
            say(`    ${opt.key === c.recommended ? '*' : ' '} ${opt.key}: ${opt.size} — ${opt.label}`);
        }
        say('(* = the default; choose with start-round --size "CONTEST=KEY" or --size "CONTEST=DRAWS")');
      });
    });

  sub(audit, 'start-round', 'draw the next round and write one retrieval list per jurisdiction')
    .option('--size <contest=choice>', 'an option key from plan, or a cumulative number of draws', list, [])
    .option('--out <dir>', 'folder for the retrieval lists (default: ./retrieval-lists/round-N)')
    .action(async (o: CommonOptions & { size: string[]; out?: string }) => {
      await withStore(o, async (store) => {
        const sizes = sizesOf(o.size);
        const ran = await runCommand({
          store,
          auditId: o.audit,
          command: { type: 'round.start', ...(o.size.length > 0 ? { sizes } : {}) },
          context: contextOf(o),
        });
        if (!ran.ok) fail(ran.error);
        const state = ran.value.state;
        const round = state.rounds.length;
        const r = state.rounds[round - 1]!;
        say(
          `round ${round}: ${r.cards.length} card(s) to retrieve${r.handCounts.length > 0 ? `; full hand count of ${r.handCounts.join(', ')}` : ''}`,
        );
        await writeRetrievalLists({
          store,
          common: o,
          state,
          round,
          out: o.out ?? path.join('retrieval-lists', `round-${round}`),
        });
      });
    });

  sub(audit, 'retrieval-lists', "write a round's retrieval lists again")
    .option('--round <n>', 'the round (default: the last)')
    .requiredOption('--out <dir>')
    .action(async (o: CommonOptions & { round?: string; out: string }) => {
      await withStore(o, async (store) => {
        const { state } = await loaded(store, o);
        const round = o.round !== undefined ? numberOption(o.round, '--round') : state.rounds.length;
        if (state.rounds[round - 1] === undefined)
          userError({ kind: 'round.unknown', field: '--round', message: `There is no round ${round}.` });
        await writeRetrievalLists({ store, common: o, state, round, out: o.out });
      });
    });

  sub(audit, 'record', "record an audit board's interpretations from a CSV or JSON file")
    .argument('<file>')
    .option('--board <name>', 'the audit board (for rows that name none)')
    .option('--correction <reason>', 'replace earlier readings of these cards, for this reason')
    .action(async (file: string, o: CommonOptions & { board?: string; correction?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return userError({ kind: 'record.unreadable', file, message: (error as Error).message });
      }
      const parsed = parseReadings({ text, file: path.basename(file) });
      if (parsed.errors.length > 0) throw new CliExit(2, parsed.errors.map((e) => userLine(e)).join('\n'));
      if (parsed.entries.length === 0)
        userError({ kind: 'record.empty', file: path.basename(file), message: 'The file records no card.' });
      await withStore(o, async (store) => {
        const commands: EngineCommand[] = parsed.entries.map((e) => {
          const board = e.board ?? o.board;
          return {
            type: 'card.record',
            card: e.card,
            reading: e.reading,
            ...(board !== undefined ? { board } : {}),
            ...(o.correction !== undefined ? { correction: { reason: o.correction } } : {}),
          };
        });
        const ran = await runCommands({ store, auditId: o.audit, commands, context: contextOf(o) });
        if (!ran.ok) {
          const entry = ran.error.index !== undefined ? parsed.entries[ran.error.index] : undefined;
          fail({
            kind: ran.error.kind,
            message: `${ran.error.message}; nothing was recorded`,
            file: path.basename(file),
            ...(entry?.line !== undefined ? { line: entry.line } : {}),
            ...(entry?.path !== undefined
              ? { field: `${entry.path}${ran.error.field ? `.${ran.error.field}` : ''}` }
              : ran.error.field
                ? { field: ran.error.field }
                : {}),
          });
        }
        say(
          `recorded ${ran.value.events.length} card(s)${o.correction !== undefined ? ' as corrections' : ''}; ${cardsToRecord(ran.value.state).length} still to record in this round`,
        );
      });
    });

  sub(audit, 'status', "the audit's progress")
    .option('--json', 'print JSON')
    .action(async (o: CommonOptions & { json?: boolean }) => {
      await withStore(o, async (store) => {
        const { state } = await loaded(store, o);
        if (o.json)
          return say(JSON.stringify({ ...auditStatus(state), toRecord: cardsToRecord(state) }, null, 2));
        if (state.definition === null) return say('the audit is not defined yet');
        printStatus(state);
      });
    });

  sub(audit, 'finish-round', 'measure every contest on the round; confirm or escalate').action(
    async (o: CommonOptions) => {
      await withStore(o, async (store) => {
        const ran = await runCommand({
          store,
          auditId: o.audit,
          command: { type: 'round.finish' },
          context: contextOf(o),
        });
        if (!ran.ok) fail(ran.error);
        printStatus(ran.value.state);
      });
    },
  );

  sub(audit, 'report', 'the audit report as JSON and CSV')
    .option('--out <dir>', 'write report.json and report.csv there (default: JSON on standard output)')
    .action(async (o: CommonOptions & { out?: string }) => {
      await withStore(o, async (store) => {
        const { state } = await loaded(store, o);
        if (state.definition === null)
          userError({ kind: 'audit.not-defined', field: 'audit', message: 'The audit is not defined yet.' });
        const report = auditReport(state);
        if (o.out === undefined) return say(JSON.stringify(report, null, 2));
        mkdirSync(o.out, { recursive: true });
        writeFileSync(path.join(o.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
        writeFileSync(path.join(o.out, 'report.csv'), reportCsv(report, state));
        say(`wrote ${path.join(o.out, 'report.json')} and ${path.join(o.out, 'report.csv')}`);
      });
    });

  sub(
    audit,
    'export-record',
    'write the published audit record (events and every referenced file) into a folder',
  )
    .argument('<dir>')
    .action(async (dir: string, o: CommonOptions) => {
      await withStore(o, async (store) => {
        const out = await exportRecord({ store, auditId: o.audit, dir });
        if (!out.ok) userError({ kind: 'record.export-failed', field: 'audit', message: out.message });
        say(`wrote ${out.manifest.events.count} events and ${out.manifest.files.length} files to ${dir}`);
      });
    });

  audit
    .command('verify')
    .description(
      'replay a published audit record (no database): recompute every sample, discrepancy and risk; OK or the event that disagrees',
    )
    .argument('<dir>')
    .action(async (dir: string) => {
      const v = await verifyRecord(dir);
      if (!v.ok) throw new CliExit(1, v.problems.map((p) => `FAILED: ${p}`).join('\n'));
      say(`OK: ${v.events} events replayed; every sample, CVR, discrepancy and risk recomputed from ${dir}`);
    });
}

function userLine(e: LocatedError): string {
  return `error: ${e.file ?? ''}${e.line !== undefined ? `:${e.line}` : ''}${e.column !== undefined ? `:${e.column}` : ''}${e.field !== undefined ? ` (${e.field})` : ''}: ${e.message} [${e.kind}]`;
}
