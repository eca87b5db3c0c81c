/**
 * The demo election shipped with OpenRLA (`openrla demo DIR`): a small, realistic, made-up general
 * election in two counties, generated from a seed, so a new user can run a whole audit without any
 * county's real files. Every byte follows from the seed: the same seed writes the same files.
 *
 * What it holds, per county: an Arlo-style ballot manifest (Container, Tabulator, Batch Name, Number of
 * Ballots), a Dominion Democracy Suite CVR export (CSV, the four header rows of spec/formats.md), and a
 * "paper" file saying what is truly marked on each card (the audit board's truth in a demo); plus the
 * audit's definition (`audit.json`, the engine's `AuditDefinition`) and a README.txt.
 *
 * The paper equals the CVRs unless `discrepancies` asks for some: then that many cards (drawn by the
 * seed among the cards the CVRs record as a vote for the reported Governor winner) show, on paper, a
 * blank (a one-vote overstatement) or the runner-up (a two-vote overstatement), alternately.
 */
import type { AuditDefinition } from '@openrla/audit';

/** The seed `openrla demo` uses when none is given. */
export const DEMO_DEFAULT_SEED = 1;

/** One made-up contest: its choices (with the party Dominion prints over each column). */
export interface DemoContest {
  readonly name: string;
  readonly choices: readonly { readonly name: string; readonly party: string }[];
  readonly role: 'targeted' | 'opportunistic';
}

/** A county's name in file names: `manifests/<slug>.csv`, `cvrs/<slug>-CVR_Export.csv`, `paper/<slug>.csv`. */
export function demoSlug(jurisdiction: string): string {
  return jurisdiction
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

interface DemoCountyPlan {
  readonly name: string;
  readonly tabulators: readonly { readonly id: string; readonly countingGroup: string }[];
  readonly batchesPerTabulator: number;
  /** Ballot types: the precincts that get each, and the contests on it. */
  readonly ballotTypes: readonly {
    readonly id: string;
    readonly precincts: readonly number[];
    readonly contests: readonly string[];
  }[];
  /** Per contest: the chance of each choice; what is left is a blank (an undervote). */
  readonly shares: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const DEMO_ELECTION_NAME = '2026 Demo General Election';
export const DEMO_RISK_LIMIT = 0.1;
/** A seed for the public dice ceremony of the demo (any 20 or more digits will do). */
export const DEMO_CEREMONY_SEED = '81402735690124837561';

const GOVERNOR = 'Governor';
const MEASURE = 'Proposition 7';
const WATER = 'Alder Water District Director';

export const DEMO_CONTESTS: readonly DemoContest[] = [
  {
    name: GOVERNOR,
    role: 'targeted',
    choices: [
      { name: 'Maria Delgado', party: 'DEM' },
      { name: 'Thomas Reed', party: 'REP' },
      { name: 'Write-in', party: '' },
    ],
  },
  {
    name: MEASURE,
    role: 'opportunistic',
    choices: [
      { name: 'Yes', party: '' },
      { name: 'No', party: '' },
    ],
  },
  {
    name: WATER,
    role: 'opportunistic',
    choices: [
      { name: 'Priya Nair', party: '' },
      { name: 'Samuel Ortiz', party: '' },
    ],
  },
];

const COUNTIES: readonly DemoCountyPlan[] = [
  {
    name: 'Alder County',
    tabulators: [
      { id: '1', countingGroup: 'Mail' },
      { id: '2', countingGroup: 'Mail' },
      { id: '3', countingGroup: 'Election Day' },
    ],
    batchesPerTabulator: 6,
    ballotTypes: [
      { id: '1', precincts: [101, 102, 103, 104, 105, 106], contests: [GOVERNOR, MEASURE, WATER] },
      { id: '2', precincts: [107, 108, 109, 110, 111, 112], contests: [GOVERNOR, MEASURE] },
    ],
    shares: {
      [GOVERNOR]: { 'Maria Delgado': 0.61, 'Thomas Reed': 0.36, 'Write-in': 0.006 },
      [MEASURE]: { Yes: 0.52, No: 0.43 },
      [WATER]: { 'Priya Nair': 0.49, 'Samuel Ortiz': 0.43 },
    },
  },
  {
    name: 'Birch County',
    tabulators: [
      { id: '1', countingGroup: 'Mail' },
      { id: '2', countingGroup: 'Election Day' },
    ],
    batchesPerTabulator: 7,
    ballotTypes: [
      { id: '3', precincts: [201, 202, 203, 204, 205, 206, 207, 208], contests: [GOVERNOR, MEASURE] },
    ],
    shares: {
      [GOVERNOR]: { 'Maria Delgado': 0.58, 'Thomas Reed': 0.39, 'Write-in': 0.005 },
      [MEASURE]: { Yes: 0.47, No: 0.48 },
    },
  },
];

/** Cards in a batch: uniform in [MIN, MAX]. */
const BATCH_MIN = 140;
const BATCH_MAX = 240;

/** One ballot card: where it is, how the CVR export names it, and what is marked (as the CVR says, or on paper). */
export interface DemoCard {
  readonly container: string;
  readonly tabulator: string;
  readonly batch: string;
  /** 1-based position in its batch (the CVR's RecordId). */
  readonly position: number;
  readonly cvrNumber: number;
  readonly imprintedId: string;
  readonly countingGroup: string;
  readonly precinct: string;
  readonly ballotType: string;
  /** Contest → the choice marked, or null for a blank. Contests not on the card are absent. */
  readonly votes: Readonly<Record<string, string | null>>;
}

export interface DemoBatch {
  readonly container: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly ballots: number;
}

export interface DemoJurisdiction {
  readonly name: string;
  readonly slug: string;
  /** The contests on this county's ballots, in the export's column order. */
  readonly contests: readonly string[];
  readonly batches: readonly DemoBatch[];
  /** Every card as its CVR records it, in manifest order. */
  readonly cvrs: readonly DemoCard[];
  /** Every card as marked on paper (equal to `cvrs` except the discrepancies), in manifest order. */
  readonly paper: readonly DemoCard[];
  /** Per contest: votes per choice (every choice, zeros included) and blanks, as the CVRs report them. */
  readonly tallies: Readonly<Record<string, DemoTally>>;
}

export interface DemoTally {
  readonly votes: Readonly<Record<string, number>>;
  readonly blanks: number;
  readonly cards: number;
}

/** A card whose paper differs from its CVR in the targeted contest. */
export interface DemoDiscrepancy {
  readonly jurisdiction: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly position: number;
  readonly contest: string;
  readonly cvr: string;
  /** On paper: a choice, or null for a blank. */
  readonly paper: string | null;
}

/** A file of the demo: its path relative to the demo folder (with `/`) and its text. */
export interface DemoFile {
  readonly path: string;
  readonly text: string;
}

export interface DemoElection {
  readonly seed: number;
  readonly definition: AuditDefinition;
  readonly jurisdictions: readonly DemoJurisdiction[];
  /** Per contest, over both counties, as the CVRs report them. */
  readonly tallies: Readonly<Record<string, DemoTally>>;
  readonly discrepancies: readonly DemoDiscrepancy[];
  readonly files: readonly DemoFile[];
}

/**
 * A small PRNG for the demo's made-up data (not for sampling): a Weyl sequence through a 32-bit
 * avalanche mix. Deterministic across platforms (only 32-bit integer arithmetic).
 */
function demoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

function pick(shares: Readonly<Record<string, number>>, u: number): string | null {
  let sum = 0;
  for (const [choice, p] of Object.entries(shares)) {
    sum += p;
    if (u < sum) return choice;
  }
  return null;
}

function contestOf(name: string): DemoContest {
  const c = DEMO_CONTESTS.find((x) => x.name === name);
  if (c === undefined) throw new Error(`demo: unknown contest ${name}`);
  return c;
}

function emptyTally(contest: string): { votes: Record<string, number>; blanks: number; cards: number } {
  return {
    votes: Object.fromEntries(contestOf(contest).choices.map((c) => [c.name, 0])),
    blanks: 0,
    cards: 0,
  };
}

function tallyCards(cards: readonly DemoCard[], contests: readonly string[]): Record<string, DemoTally> {
  const out: Record<string, ReturnType<typeof emptyTally>> = {};
  for (const c of contests) out[c] = emptyTally(c);
  for (const card of cards)
    for (const [contest, vote] of Object.entries(card.votes)) {
      const t = (out[contest] ??= emptyTally(contest));
      t.cards++;
      if (vote === null) t.blanks++;
      else t.votes[vote] = (t.votes[vote] ?? 0) + 1;
    }
  return out;
}

function countyCards(
  plan: DemoCountyPlan,
  random: () => number,
): { batches: DemoBatch[]; cards: DemoCard[] } {
  const batches: DemoBatch[] = [];
  const cards: DemoCard[] = [];
  let cvrNumber = 0;
  for (const tab of plan.tabulators) {
    for (let k = 1; k <= plan.batchesPerTabulator; k++) {
      const batch = `${tab.id}${String(k).padStart(2, '0')}`;
      const container = `Box ${tab.id}-${Math.ceil(k / 3)}`;
      const ballots = BATCH_MIN + Math.floor(random() * (BATCH_MAX - BATCH_MIN + 1));
      batches.push({ container, tabulator: tab.id, batch, ballots });
      for (let position = 1; position <= ballots; position++) {
        const type = plan.ballotTypes[Math.floor(random() * plan.ballotTypes.length)]!;
        const precinct = type.precincts[Math.floor(random() * type.precincts.length)]!;
        const votes: Record<string, string | null> = {};
        for (const contest of type.contests) votes[contest] = pick(plan.shares[contest] ?? {}, random());
        cards.push({
          container,
          tabulator: tab.id,
          batch,
          position,
          cvrNumber: ++cvrNumber,
          imprintedId: `${tab.id}-${batch}-${position}`,
          countingGroup: tab.countingGroup,
          precinct: `Precinct ${precinct}`,
          ballotType: type.id,
          votes,
        });
      }
    }
  }
  return { batches, cards };
}

function leaders(tally: DemoTally): [string, string] {
  const sorted = Object.entries(tally.votes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [sorted[0]![0], sorted[1]![0]];
}

/** Merges per-county tallies into one per contest. */
function mergeTallies(parts: readonly Readonly<Record<string, DemoTally>>[]): Record<string, DemoTally> {
  const out: Record<string, ReturnType<typeof emptyTally>> = {};
  for (const part of parts)
    for (const [contest, t] of Object.entries(part)) {
      const m = (out[contest] ??= emptyTally(contest));
      m.cards += t.cards;
      m.blanks += t.blanks;
      for (const [choice, n] of Object.entries(t.votes)) m.votes[choice] = (m.votes[choice] ?? 0) + n;
    }
  return out;
}

function definitionOf(jurisdictions: readonly DemoJurisdiction[]): AuditDefinition {
  return {
    name: DEMO_ELECTION_NAME,
    riskLimit: DEMO_RISK_LIMIT,
    jurisdictions: jurisdictions.map((j) => j.name),
    contests: DEMO_CONTESTS.map((c) => ({
      name: c.name,
      role: c.role,
      type: 'plurality' as const,
      method: 'kaplan-markov' as const,
      jurisdictions: jurisdictions.filter((j) => j.contests.includes(c.name)).map((j) => j.name),
      numWinners: 1,
      votesAllowed: 1,
    })),
  };
}

/**
 * Generates the demo election from a seed (a non-negative integer; default DEMO_DEFAULT_SEED), with
 * `discrepancies` cards (default 0) whose paper differs from the CVR in the Governor contest.
 */
export function demoElection(
  options: { readonly seed?: number; readonly discrepancies?: number } = {},
): DemoElection {
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  const wanted = options.discrepancies ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError('demo seed must be a non-negative integer');
  if (!Number.isSafeInteger(wanted) || wanted < 0)
    throw new RangeError('demo discrepancies must be a non-negative integer');
  const random = demoRandom(seed);
  const counties = COUNTIES.map((plan) => {
    const { batches, cards } = countyCards(plan, random);
    const contests = DEMO_CONTESTS.map((c) => c.name).filter((c) =>
      plan.ballotTypes.some((t) => t.contests.includes(c)),
    );
    return { plan, batches, cards, contests, tallies: tallyCards(cards, contests) };
  });
  const tallies = mergeTallies(counties.map((c) => c.tallies));
  const [winner, runnerUp] = leaders(tallies[GOVERNOR]!);

  // Discrepancies: distinct cards, drawn by the seed among the winner's cards, in order of drawing.
  const candidates = counties.flatMap((c, ci) =>
    c.cards.flatMap((card, i) => (card.votes[GOVERNOR] === winner ? [{ ci, i }] : [])),
  );
  if (wanted > candidates.length) throw new RangeError(`demo: at most ${candidates.length} discrepancies`);
  const changed = new Map<string, string | null>();
  const discrepancies: DemoDiscrepancy[] = [];
  while (discrepancies.length < wanted) {
    const at = candidates[Math.floor(random() * candidates.length)]!;
    const key = `${at.ci}:${at.i}`;
    if (changed.has(key)) continue;
    const paper = discrepancies.length % 2 === 0 ? null : runnerUp;
    changed.set(key, paper);
    const county = counties[at.ci]!;
    const card = county.cards[at.i]!;
    discrepancies.push({
      jurisdiction: county.plan.name,
      tabulator: card.tabulator,
      batch: card.batch,
      position: card.position,
      contest: GOVERNOR,
      cvr: winner,
      paper,
    });
  }

  const jurisdictions: DemoJurisdiction[] = counties.map((c, ci) => ({
    name: c.plan.name,
    slug: demoSlug(c.plan.name),
    contests: c.contests,
    batches: c.batches,
    cvrs: c.cards,
    paper: c.cards.map((card, i) => {
      const key = `${ci}:${i}`;
      return changed.has(key) ? { ...card, votes: { ...card.votes, [GOVERNOR]: changed.get(key)! } } : card;
    }),
    tallies: c.tallies,
  }));
  const definition = definitionOf(jurisdictions);
  const election = { seed, definition, jurisdictions, tallies, discrepancies };
  return { ...election, files: demoFiles(election) };
}

// ---------------------------------------------------------------------------------------------------
// The files

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLines(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The Arlo-style ballot manifest. */
export function manifestCsv(j: DemoJurisdiction): string {
  return csvLines([
    ['Container', 'Tabulator', 'Batch Name', 'Number of Ballots'],
    ...j.batches.map((b) => [b.container, b.tabulator, b.batch, b.ballots]),
  ]);
}

const DOMINION_FIXED = [
  'CvrNumber',
  'TabulatorNum',
  'BatchId',
  'RecordId',
  'ImprintedId',
  'CountingGroup',
  'PrecinctPortion',
  'BallotType',
] as const;

/** The Dominion "CVR_Export" CSV (four header rows, then one row per card; "" = contest not on the card). */
export function dominionCsv(j: DemoJurisdiction): string {
  const contests = j.contests.map(contestOf);
  const blank = DOMINION_FIXED.map(() => '');
  const columns = contests.flatMap((c) => c.choices.map((choice) => ({ contest: c, choice })));
  const rows: (string | number)[][] = [
    [DEMO_ELECTION_NAME, '5.10.50.85', ...blank.slice(2), ...columns.map(() => '')],
    [...blank, ...columns.map((x) => `${x.contest.name} (Vote For=1)`)],
    [...blank, ...columns.map((x) => x.choice.name)],
    [...DOMINION_FIXED, ...columns.map((x) => x.choice.party)],
  ];
  for (const card of j.cvrs) {
    const row: (string | number)[] = [
      card.cvrNumber,
      card.tabulator,
      card.batch,
      card.position,
      card.imprintedId,
      card.countingGroup,
      card.precinct,
      card.ballotType,
    ];
    for (const x of columns) {
      if (!(x.contest.name in card.votes)) row.push('');
      else row.push(card.votes[x.contest.name] === x.choice.name ? '1' : '0');
    }
    rows.push(row);
  }
  return csvLines(rows);
}

/** How the paper file writes a blank and a contest that is not on the card. */
export const PAPER_BLANK = '(blank)';
export const PAPER_NOT_ON_CARD = '(not on card)';
export const PAPER_OVERVOTE = '(overvote)';
export const PAPER_FIXED = [
  'Container',
  'Tabulator',
  'Batch',
  'Card',
  'Imprinted ID',
  'Ballot Type',
] as const;

/** What is marked on each paper card: one row per card in manifest order, one column per contest. */
export function paperCsv(j: DemoJurisdiction): string {
  return csvLines([
    [...PAPER_FIXED, ...j.contests],
    ...j.paper.map((card) => [
      card.container,
      card.tabulator,
      card.batch,
      card.position,
      card.imprintedId,
      card.ballotType,
      ...j.contests.map((c) => (!(c in card.votes) ? PAPER_NOT_ON_CARD : (card.votes[c] ?? PAPER_BLANK))),
    ]),
  ]);
}

function readme(e: Omit<DemoElection, 'files'>): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines: string[] = [
    `${DEMO_ELECTION_NAME} — a made-up election for trying OpenRLA`,
    '='.repeat(60),
    '',
    `Generated by \`openrla demo\` with seed ${e.seed}${e.discrepancies.length > 0 ? ` and ${e.discrepancies.length} discrepancies` : ''}. Nothing here is a real county,`,
    'candidate or voter. The same seed always writes the same files.',
    '',
    'What is here',
    '------------',
    `${'audit.json'.padEnd(33)} the audit definition: contests, jurisdictions, risk limit, method`,
    ...e.jurisdictions.flatMap((j) => [
      `manifests/${j.slug}.csv`.padEnd(33) +
        ` ${j.name}'s ballot manifest (${n(j.cvrs.length)} cards in ${j.batches.length} batches)`,
      `cvrs/${j.slug}-CVR_Export.csv`.padEnd(33) + ` ${j.name}'s cast vote records (Dominion CSV export)`,
      `paper/${j.slug}.csv`.padEnd(33) + ` what is truly marked on each of ${j.name}'s paper cards`,
    ]),
    ...(e.discrepancies.length > 0
      ? [`${'paper/DISCREPANCIES.txt'.padEnd(33)} the cards whose paper differs from their CVR (no peeking)`]
      : []),
    '',
    `The audit: risk limit ${e.definition.riskLimit * 100}%, ballot-level comparison (kaplan-markov), targeted`,
    `contest "${GOVERNOR}"; the other contests are audited opportunistically.`,
    '',
    'Reported results (from the CVRs)',
    '--------------------------------',
  ];
  for (const [contest, t] of Object.entries(e.tallies)) {
    lines.push(`${contest} (${n(t.cards)} cards):`);
    for (const [choice, votes] of Object.entries(t.votes))
      lines.push(`  ${choice.padEnd(16)} ${n(votes).padStart(6)}`);
    lines.push(`  ${'(blank)'.padEnd(16)} ${n(t.blanks).padStart(6)}`);
  }
  lines.push(
    '',
    'Playing the audit board',
    '-----------------------',
    'When a round starts, each county gets a retrieval list (tabulator, batch, card number). The paper',
    'file of the county has one row per card, in the same order as the manifest: find the row with that',
    'Tabulator, Batch and Card and enter exactly what it shows. "(blank)" means no choice is marked;',
    '"(not on card)" means the contest is not on that ballot style.',
    'To see the audit escalate, enter a different choice than the paper shows for one card: the risk',
    'will not meet the limit and the audit will ask for another round.',
    '',
    'Running it',
    '----------',
    'In the browser (npm start): sign in as the state administrator, create the audit from audit.json,',
    'let each county upload its manifest and CVR file, enter the seed, start round 1, and record the',
    'cards from the paper files. See the README\'s "Demo audit" tour.',
    '',
    'From the command line, in this folder (demo-data/ will hold the audit):',
    '  npx openrla audit init --data demo-data',
    '  npx openrla audit define --data demo-data audit.json',
    ...e.jurisdictions.flatMap((j) => [
      `  npx openrla audit upload-manifest --data demo-data --jurisdiction "${j.name}" manifests/${j.slug}.csv`,
      `  npx openrla audit upload-cvrs --data demo-data --jurisdiction "${j.name}" cvrs/${j.slug}-CVR_Export.csv`,
    ]),
    `  npx openrla audit set-seed --data demo-data ${DEMO_CEREMONY_SEED}`,
    '  npx openrla audit start-round --data demo-data --out lists/round-1',
    '  npx openrla demo-readings lists/round-1 --demo . --out readings-1.csv   # the boards read the paper',
    '  npx openrla audit record --data demo-data readings-1.csv',
    '  npx openrla audit finish-round --data demo-data',
    '  npx openrla audit report --data demo-data --out report/',
    '  npx openrla audit export-record --data demo-data record/',
    '  npx openrla audit verify record/',
    'If finish-round asks for another round, repeat start-round (--out lists/round-2), demo-readings,',
    'record and finish-round.',
    '',
    `Any seed of 20 or more digits works; ${DEMO_CEREMONY_SEED} is just a suggestion.`,
    '',
  );
  return lines.join('\n');
}

function discrepanciesText(e: Omit<DemoElection, 'files'>): string {
  return (
    [
      'Cards whose paper differs from their CVR (the audit should find those it samples):',
      ...e.discrepancies.map(
        (d) =>
          `${d.jurisdiction}, tabulator ${d.tabulator}, batch ${d.batch}, card ${d.position}: ${d.contest}: CVR ${d.cvr}, paper ${d.paper ?? PAPER_BLANK}`,
      ),
    ].join('\n') + '\n'
  );
}

function demoFiles(e: Omit<DemoElection, 'files'>): DemoFile[] {
  return [
    { path: 'README.txt', text: readme(e) },
    { path: 'audit.json', text: JSON.stringify(e.definition, null, 2) + '\n' },
    ...e.jurisdictions.flatMap((j) => [
      { path: `manifests/${j.slug}.csv`, text: manifestCsv(j) },
      { path: `cvrs/${j.slug}-CVR_Export.csv`, text: dominionCsv(j) },
      { path: `paper/${j.slug}.csv`, text: paperCsv(j) },
    ]),
    ...(e.discrepancies.length > 0 ? [{ path: 'paper/DISCREPANCIES.txt', text: discrepanciesText(e) }] : []),
  ];
}
