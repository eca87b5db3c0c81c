/** The public pages' words and numbers (public_words.ts). */
import { describe, expect, test } from 'vitest';
import type { VerifyFailure } from '@openrla/ingest/record';
import {
  auditStateWord,
  describeFailure,
  downloadCommands,
  formatBytes,
  formatRisk,
  formatRiskLimit,
  statusWord,
} from './public_words.js';

describe('numbers', () => {
  test('risks: two decimals below 10%, one above, a floor for tiny ones', () => {
    expect(formatRisk(0.0312)).toBe('3.12%');
    expect(formatRisk(0.456)).toBe('45.6%');
    expect(formatRisk(1)).toBe('100%');
    expect(formatRisk(0.00001)).toBe('less than 0.01%');
    expect(formatRisk(0)).toBe('0%');
    expect(formatRiskLimit(0.1)).toBe('10%');
    expect(formatRiskLimit(0.05)).toBe('5%');
  });
  test('bytes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
  });
});

test('an audit and a contest in words', () => {
  expect(auditStateWord({ rounds: 0, roundOpen: false, complete: false })).toBe('Not started');
  expect(auditStateWord({ rounds: 2, roundOpen: true, complete: false })).toBe('Round 2 in progress');
  expect(auditStateWord({ rounds: 1, roundOpen: false, complete: false })).toBe('Round 1 finished');
  expect(auditStateWord({ rounds: 2, roundOpen: false, complete: true })).toBe('Complete');
  expect(statusWord('confirmed')).toBe('Outcome confirmed');
  expect(statusWord(null)).toBe('Not measured yet');
});

test('a failure names its event and line, or its file', () => {
  const event: VerifyFailure = {
    kind: 'replay.mismatch',
    seq: 41,
    line: 41,
    eventType: 'round.finished',
    file: 'events.jsonl',
    message: 'x',
  };
  expect(describeFailure(event)).toEqual({
    title: 'A recomputed event disagrees with the log',
    where: 'Event 41 (round.finished), line 41 of events.jsonl',
  });
  expect(describeFailure({ ...event, kind: 'chain.bad-hash' }).title).toBe('The hash chain is broken');
  expect(
    describeFailure({
      ...event,
      kind: 'record.head-hash',
      seq: null,
      line: null,
      eventType: null,
      file: 'record.json',
    }),
  ).toEqual({ title: 'The record is incomplete or damaged', where: 'record.json' });
});

test('download commands build the folder openrla audit verify reads, quoting what the shell would split', () => {
  const sha = 'a'.repeat(64);
  const script = downloadCommands({
    origin: 'https://rla.example.gov',
    auditId: "it's 2024",
    files: [{ sha256: sha }],
  });
  expect(script.split('\n')).toEqual([
    'mkdir -p record/files',
    `curl -fsS -o record/record.json 'https://rla.example.gov/api/public/audits/it'\\''s%202024/record'`,
    `curl -fsS -o record/events.jsonl 'https://rla.example.gov/api/public/audits/it'\\''s%202024/record/events.jsonl'`,
    `curl -fsS -o record/files/${sha} 'https://rla.example.gov/api/public/audits/it'\\''s%202024/record/files/${sha}'`,
    'npx openrla audit verify record',
  ]);
});
