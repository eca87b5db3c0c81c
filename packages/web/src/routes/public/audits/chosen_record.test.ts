/** Chosen files sorted into a record's parts (chosen_record.ts). */
import { expect, test } from 'vitest';
import { chosenRecord } from './chosen_record.js';

const sha = (c: string): string => c.repeat(64);

test('a chosen folder: record.json and events.jsonl at its top, county files by SHA-256, others left out', () => {
  const r = chosenRecord([
    { name: 'record.json', webkitRelativePath: 'record/old/record.json' },
    { name: 'record.json', webkitRelativePath: 'record/record.json' },
    { name: 'events.jsonl', webkitRelativePath: 'record/events.jsonl' },
    { name: sha('a'), webkitRelativePath: `record/files/${sha('a')}` },
    { name: 'notes.txt', webkitRelativePath: 'record/notes.txt' },
    { name: 'ABC', webkitRelativePath: 'record/files/ABC' },
  ]);
  expect(r.recordJson?.webkitRelativePath).toBe('record/record.json');
  expect(r.events?.webkitRelativePath).toBe('record/events.jsonl');
  expect([...r.files.keys()]).toEqual([sha('a')]);
});

test('files picked one by one (no folder paths), and a record without its log', () => {
  const r = chosenRecord([{ name: 'record.json' }, { name: sha('b') }, { name: sha('c') }]);
  expect(r.recordJson?.name).toBe('record.json');
  expect(r.events).toBeNull();
  expect([...r.files.keys()].sort()).toEqual([sha('b'), sha('c')]);
});
