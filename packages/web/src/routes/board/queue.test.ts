import { describe, expect, it } from 'vitest';
import type { CardRef } from '@openrla/audit';
import {
  afterSend,
  backoffMs,
  enqueue,
  loadQueue,
  nextDue,
  nextWake,
  outcomeOf,
  queueStorageKey,
  saveQueue,
  type QueueStorage,
  type QueuedReading,
} from './queue.js';

function memoryStorage(): QueueStorage & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}
const card = (position: number): CardRef => ({ jurisdiction: 'J', tabulator: '1', batch: 'B', position });
const entry = (position: number) => ({
  key: JSON.stringify(['J', '1', 'B', position]),
  card: card(position),
  reading: { found: false } as const,
});

describe('the board’s queue', () => {
  it('is kept per audit, jurisdiction, board and round, and survives a reload', () => {
    const storage = memoryStorage();
    const k1 = queueStorageKey({ auditId: 'a', jurisdiction: 'J', board: 'b1', round: 1 });
    const k2 = queueStorageKey({ auditId: 'a', jurisdiction: 'J', board: 'b1', round: 2 });
    expect(k1).not.toBe(k2);
    saveQueue(storage, k1, enqueue([], entry(1)));
    expect(loadQueue(storage, k1)).toEqual([{ ...entry(1), attempts: 0, notBefore: 0 }]);
    expect(loadQueue(storage, k2)).toEqual([]);
    saveQueue(storage, k1, []);
    expect(storage.map.size).toBe(0);
    storage.setItem(k1, '{not json');
    expect(loadQueue(storage, k1)).toEqual([]);
  });

  it('replaces a waiting reading of the same card and keeps the order', () => {
    let q = enqueue(enqueue([], entry(1)), entry(2));
    q = enqueue(q, { ...entry(1), reading: { found: true, contests: {} } });
    expect(q.map((e) => [e.card.position, e.reading.found])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('backs off 1 s, 2 s, 4 s … up to a minute, and retries only what may pass later', () => {
    expect([1, 2, 3, 4, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 60_000]);
    const error = { kind: 'card.already-recorded', message: 'x' };
    expect(outcomeOf(200, null)).toEqual({ kind: 'recorded' });
    expect(outcomeOf(409, error)).toEqual({ kind: 'refused', error });
    expect(outcomeOf(422, error)).toEqual({ kind: 'refused', error });
    for (const status of [null, 401, 403, 429, 500, 503])
      expect(outcomeOf(status, error)).toEqual({ kind: 'failed' });
    expect(outcomeOf(400, null)).toEqual({ kind: 'failed' });
  });

  it('drops a recorded entry, keeps a refused one aside, and backs off a failed one', () => {
    const q: QueuedReading[] = enqueue(enqueue([], entry(1)), entry(2));
    const first = nextDue(q, 0)!;
    expect(first.card.position).toBe(1);
    const failed = afterSend({ entries: q, sent: first, outcome: { kind: 'failed' }, now: 10_000 });
    expect(failed[0]).toMatchObject({ attempts: 1, notBefore: 11_000 });
    expect(nextDue(failed, 10_500)!.card.position).toBe(2);
    expect(nextWake(failed)).toBe(0);
    const refused = afterSend({
      entries: failed,
      sent: failed[1]!,
      outcome: { kind: 'refused', error: { kind: 'k', message: 'm' } },
      now: 10_500,
    });
    expect(refused[1]!.refused).toEqual({ kind: 'k', message: 'm' });
    expect(nextDue(refused, 10_600)).toBeNull();
    expect(nextWake(refused)).toBe(11_000);
    const done = afterSend({
      entries: refused,
      sent: refused[0]!,
      outcome: { kind: 'recorded' },
      now: 11_000,
    });
    expect(done.map((e) => e.card.position)).toEqual([2]);
    expect(nextWake(done)).toBeNull();
  });

  it('keeps a newer reading that replaced the one in flight', () => {
    const q = enqueue([], entry(1));
    const inFlight = q[0]!;
    const replaced = enqueue(q, { ...entry(1), reading: { found: true, contests: {} } });
    expect(afterSend({ entries: replaced, sent: inFlight, outcome: { kind: 'recorded' }, now: 0 })).toEqual(
      replaced,
    );
  });
});
