/**
 * The board's outbox as a React hook: the queue (queue.ts) held in localStorage under one key per audit,
 * jurisdiction, board and round, and a sender that sends one entry at a time, in order, backs off after
 * failures (1 s doubling to a minute), tries again at once when the browser comes back online, and
 * reports each recorded card so the page can refresh its list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  afterSend,
  enqueue as enqueueEntry,
  loadQueue,
  nextDue,
  nextWake,
  saveQueue,
  type QueuedReading,
  type QueueStorage,
  type SendOutcome,
} from './queue.js';

export interface BoardQueue {
  readonly entries: readonly QueuedReading[];
  /** Stores the reading (synchronously, before anything is sent) and starts sending. */
  enqueue(entry: Pick<QueuedReading, 'key' | 'card' | 'reading' | 'correction'>): void;
  /** Drops a refused entry (the board will enter the card again or correct it). */
  dismiss(key: string): void;
  /** Whether the last send reached the server (false: offline or the server is down). */
  readonly connected: boolean;
}

function browserStorage(): QueueStorage {
  return window.localStorage;
}

export function useBoardQueue(options: {
  readonly storageKey: string;
  readonly send: (entry: QueuedReading) => Promise<SendOutcome>;
  readonly onRecorded: () => void;
}): BoardQueue {
  const { storageKey, send, onRecorded } = options;
  const storage = useRef<QueueStorage>(browserStorage());
  const entriesRef = useRef<QueuedReading[]>(loadQueue(storage.current, storageKey));
  const [entries, setEntries] = useState<readonly QueuedReading[]>(entriesRef.current);
  const [connected, setConnected] = useState(true);
  const busy = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);
  const latest = useRef({ send, onRecorded });
  latest.current = { send, onRecorded };

  const commit = useCallback(
    (next: QueuedReading[]) => {
      entriesRef.current = next;
      saveQueue(storage.current, storageKey, next);
      setEntries(next);
    },
    [storageKey],
  );

  const pump = useCallback(async () => {
    if (busy.current || !alive.current) return;
    busy.current = true;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    try {
      for (;;) {
        const due = nextDue(entriesRef.current, Date.now());
        if (due === null || !alive.current) break;
        const outcome = await latest.current.send(due);
        if (!alive.current) break;
        setConnected(outcome.kind !== 'failed');
        commit(afterSend({ entries: entriesRef.current, sent: due, outcome, now: Date.now() }));
        if (outcome.kind === 'recorded') latest.current.onRecorded();
      }
    } finally {
      busy.current = false;
    }
    const wake = nextWake(entriesRef.current);
    if (wake !== null && alive.current)
      timer.current = setTimeout(() => void pump(), Math.max(0, wake - Date.now()) + 50);
  }, [commit]);

  useEffect(() => {
    alive.current = true;
    const online = () => {
      // Back online: try everything waiting at once instead of waiting out the back-off.
      // (An entry replaced while in flight is simply sent again: the server answers a repeat with the same 200.)
      commit(
        entriesRef.current.map((e) =>
          e.refused === undefined && e.notBefore > 0 ? { ...e, notBefore: 0 } : e,
        ),
      );
      void pump();
    };
    window.addEventListener('online', online);
    void pump();
    return () => {
      alive.current = false;
      window.removeEventListener('online', online);
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [pump, commit]);

  const enqueue = useCallback<BoardQueue['enqueue']>(
    (entry) => {
      commit(enqueueEntry(entriesRef.current, entry));
      void pump();
    },
    [commit, pump],
  );
  const dismiss = useCallback(
    (key: string) => commit(entriesRef.current.filter((e) => e.key !== key)),
    [commit],
  );
  return { entries, enqueue, dismiss, connected };
}
