import { describe, expect, it } from 'vitest';
import {
  boardNameProblem,
  credentialRound,
  mediaTypeOf,
  membersOf,
  nextBoardName,
  nextStep,
  nextStepText,
  slugOf,
  uploadAnswerOf,
} from './county_logic.js';

describe('board names', () => {
  it('prefix the jurisdiction and take the smallest free number', () => {
    expect(slugOf('  Alder County ')).toBe('alder-county');
    expect(slugOf('Comté d’Île — Nord')).toBe('comte-d-ile-nord');
    expect(nextBoardName('Alder County', [])).toBe('alder-county-1');
    expect(nextBoardName('Alder County', ['alder-county-1', 'alder-county-3'])).toBe('alder-county-2');
    expect(nextBoardName('!!!', [])).toBe('board-1');
  });
  it('accept only what the server takes as a board id', () => {
    expect(boardNameProblem('alder-county-1')).toBeNull();
    expect(boardNameProblem('')).toMatch(/Enter a name/);
    expect(boardNameProblem('board one')).toMatch(/no spaces/);
    expect(boardNameProblem('x'.repeat(81))).toMatch(/at most 80/);
  });
  it('members are the non-empty trimmed names', () => {
    expect(membersOf([' Ann Lee ', '', '  ', 'Bo Chen'])).toEqual(['Ann Lee', 'Bo Chen']);
  });
});

describe('the round of a board sign-in', () => {
  it('is the open round, or the next one', () => {
    expect(credentialRound({ rounds: 0, roundOpen: false })).toBe(1);
    expect(credentialRound({ rounds: 1, roundOpen: true })).toBe(1);
    expect(credentialRound({ rounds: 1, roundOpen: false })).toBe(2);
  });
});

describe('upload answers', () => {
  it('reads the body, the located error, a dropped connection and a server failure', () => {
    expect(uploadAnswerOf(200, '{"sha256":"ab","changed":true}')).toEqual({
      ok: true,
      value: { sha256: 'ab', changed: true },
    });
    const located = uploadAnswerOf(
      422,
      '{"error":{"kind":"manifest.bad-count","message":"not a number","file":"m.csv","line":3,"column":2}}',
    );
    expect(located).toEqual({
      ok: false,
      error: { kind: 'manifest.bad-count', message: 'not a number', file: 'm.csv', line: 3, column: 2 },
    });
    expect(uploadAnswerOf(0, '')).toMatchObject({ ok: false, error: { kind: 'upload.network' } });
    expect(uploadAnswerOf(502, '<html>bad gateway</html>')).toMatchObject({
      ok: false,
      error: { kind: 'upload.server' },
    });
    expect(uploadAnswerOf(200, 'not json')).toMatchObject({ ok: false, error: { kind: 'upload.server' } });
  });
  it('sends a media type the server accepts', () => {
    expect(mediaTypeOf({ type: '', name: 'CVR_Export.ZIP' })).toBe('application/zip');
    expect(mediaTypeOf({ type: 'application/x-zip-compressed', name: 'a.zip' })).toBe('application/zip');
    expect(mediaTypeOf({ type: 'text/csv', name: 'm.csv' })).toBe('text/csv');
    expect(mediaTypeOf({ type: '', name: 'manifest' })).toBe('application/octet-stream');
  });
});

describe('the next step', () => {
  const base = {
    needsCvrs: true,
    manifest: true,
    cvrs: true,
    boards: 1,
    roundOpen: true,
    complete: false,
    roundCards: 10,
    recorded: 3,
    signedOff: false,
  };
  it('walks files → boards → round → retrieval → sign-off', () => {
    expect(nextStep({ ...base, manifest: false })).toBe('manifest');
    expect(nextStep({ ...base, cvrs: false })).toBe('cvrs');
    expect(nextStep({ ...base, cvrs: false, needsCvrs: false })).toBe('retrieve');
    expect(nextStep({ ...base, boards: 0 })).toBe('boards');
    expect(nextStep({ ...base, roundOpen: false })).toBe('wait-for-round');
    expect(nextStep(base)).toBe('retrieve');
    expect(nextStep({ ...base, recorded: 10 })).toBe('sign-off');
    expect(nextStep({ ...base, recorded: 10, signedOff: true })).toBe('signed-off');
    expect(nextStep({ ...base, complete: true })).toBe('complete');
    for (const step of ['manifest', 'cvrs', 'boards', 'retrieve', 'sign-off'] as const)
      expect(nextStepText(step).length).toBeGreaterThan(10);
  });
});
