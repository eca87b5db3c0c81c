import { describe, expect, test } from 'vitest';
import {
  draftOfDefinitionFile,
  emptyAudit,
  emptyContest,
  inputIds,
  inputOfField,
  parseTallies,
  readAuditForm,
  suggestedAuditId,
  type AuditDraft,
} from './audit_form.js';

const filled: AuditDraft = {
  ...emptyAudit(),
  auditId: 'general-2026',
  name: '2026 General',
  riskLimit: '10',
  jurisdictions: 'Alder County\n\n  Birch County \n',
  contests: [
    { ...emptyContest(), name: 'Governor' },
    {
      ...emptyContest(),
      name: 'Measure 1',
      method: 'bravo',
      role: 'opportunistic',
      jurisdictions: ['Birch County'],
      tallies: 'Yes: 3,100\nNo: 2,900',
      ballots: '6,000',
    },
  ],
};

describe('readAuditForm', () => {
  test('a filled form is the engine’s definition: exact risk limit, trimmed jurisdictions, untouched contests in all', () => {
    const read = readAuditForm(filled);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.auditId).toBe('general-2026');
    expect(read.value.definition).toEqual({
      name: '2026 General',
      riskLimit: 0.1,
      jurisdictions: ['Alder County', 'Birch County'],
      contests: [
        {
          type: 'plurality',
          name: 'Governor',
          role: 'targeted',
          method: 'kaplan-markov',
          jurisdictions: ['Alder County', 'Birch County'],
          numWinners: 1,
        },
        {
          type: 'plurality',
          name: 'Measure 1',
          role: 'opportunistic',
          method: 'bravo',
          jurisdictions: ['Birch County'],
          numWinners: 1,
          tallies: { Yes: 3100, No: 2900 },
          ballots: 6000,
        },
      ],
    });
  });

  test('every problem is tied to its input', () => {
    const read = readAuditForm({
      ...emptyAudit(),
      auditId: ' bad id',
      riskLimit: '60',
      contests: [{ ...emptyContest(), method: 'bravo', role: 'opportunistic', winners: '0' }],
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.map((p) => p.inputId)).toEqual([
      inputIds.name,
      inputIds.auditId,
      inputIds.riskLimit,
      inputIds.jurisdictions,
      inputIds.contest(0, 'name'),
      inputIds.contest(0, 'winners'),
      inputIds.contest(0, 'tallies'),
      inputIds.contest(0, 'role'),
    ]);
  });

  test('a contest ticked in no jurisdiction is refused', () => {
    const read = readAuditForm({ ...filled, contests: [{ ...filled.contests[0]!, jurisdictions: [] }] });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error[0]!.inputId).toBe(`${inputIds.contest(0, 'jurisdictions')}-0`);
  });
});

describe('parseTallies', () => {
  test('one choice a line; names may hold colons; the bad line is named', () => {
    expect(parseTallies('Yes: 10\nRe: Elect: 1,000\n')).toEqual({
      ok: true,
      value: { Yes: 10, 'Re: Elect': 1000 },
    });
    expect(parseTallies('Yes: 10\nNo ten')).toEqual({
      ok: false,
      error: 'Line 2: write the choice, a colon and its votes, such as "Alice: 5,500".',
    });
    expect(parseTallies('Yes: 10\nYes: 3').ok).toBe(false);
  });
});

describe('definition files', () => {
  test('a file fills the form and keeps what the form does not show; reading the form gives it back', () => {
    const definition = {
      name: 'Demo',
      riskLimit: 0.05,
      jurisdictions: ['A', 'B'],
      replacement: true,
      contests: [
        {
          name: 'Gov',
          role: 'targeted',
          type: 'plurality',
          method: 'kaplan-markov',
          jurisdictions: ['A', 'B'],
          numWinners: 1,
          params: { gamma: 1.1 },
          choices: ['X', 'Y'],
        },
      ],
    };
    const draft = draftOfDefinitionFile({
      text: JSON.stringify(definition),
      fileName: 'audit.json',
      auditId: '',
    });
    expect(draft.ok).toBe(true);
    if (!draft.ok) return;
    expect(draft.value.auditId).toBe('demo');
    expect(draft.value.riskLimit).toBe('5');
    const read = readAuditForm(draft.value);
    expect(read.ok && read.value.definition).toEqual(definition);
  });

  test('a file that is not a definition says why', () => {
    expect(draftOfDefinitionFile({ text: '{', fileName: 'x.json', auditId: '' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^x.json is not JSON/),
    });
    expect(
      draftOfDefinitionFile({
        text: JSON.stringify({
          name: 'n',
          riskLimit: 0.1,
          jurisdictions: [],
          contests: [{ name: 'c', method: 'irv' }],
        }),
        fileName: 'x.json',
        auditId: '',
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('method "irv"') });
  });
});

test('suggestedAuditId and inputOfField', () => {
  expect(suggestedAuditId('2026 General Election!')).toBe('2026-general-election');
  expect(inputOfField('riskLimit', filled)).toBe(inputIds.riskLimit);
  expect(inputOfField('contests.Measure 1', filled)).toBe(inputIds.contest(1, 'name'));
  expect(inputOfField('contests.Measure 1.tallies', filled)).toBe(inputIds.contest(1, 'tallies'));
  expect(inputOfField('somewhere', filled)).toBeNull();
});
