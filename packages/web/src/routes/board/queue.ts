/**
 * The audit board's outbox: every card reading is written to the browser's storage before it is sent,
 * and stays there until the server answers it, so entries survive a reload, a closed tab and a lost
 * connection (decision 0012 §6). Pure functions over a list of entries plus a small storage interface
 * (localStorage in the app, a Map in tests); the sending loop lives in `use_board_queue.ts`.
 *
 * Never doubled: a retry of the same reading is answered by the server with the same 200 and appends
 * nothing (decision 0009 §4), so resending after a lost answer is safe.
 */
import type { CardReading, CardRef } from '@openrla/audit';
import type { ApiError } from '../../api/request.js';

/** One reading waiting to be sent (or refused by the server and kept to show the board why). */
export interface QueuedReading {
  /** The engine's key of the card (`cardKey`). */
  readonly key: string;
  readonly card: CardRef;
  readonly reading: CardReading;
  readonly correction?: { readonly reason: string };
  /** Sends so far that got no answer (network down, server busy). */
  readonly attempts: number;
  /** Epoch ms before which the next send waits (back-off). */
  readonly notBefore: number;
  /** The server refused it (a 4xx with error data): kept, not retried, until the board acts. */
  readonly refused?: ApiError;
}

/** The part of the Web Storage API the queue uses. */
export interface QueueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where one board's queue for one round lives: audits, jurisdictions and rounds never mix. */
export function queueStorageKey(options: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly board: string;
  readonly round: number;
}): string {
  const { auditId, jurisdiction, board, round } = options;
  return `openrla.board-queue/${JSON.stringify([auditId, jurisdiction, board, round])}`;
}

function isQueued(value: unknown): value is QueuedReading {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['key'] === 'string' &&
    typeof v['card'] === 'object' &&
    typeof v['reading'] === 'object' &&
    typeof v['attempts'] === 'number' &&
    typeof v['notBefore'] === 'number'
  );
}

/** The stored queue (empty when there is none or it cannot be read). */
export function loadQueue(storage: QueueStorage, key: string): QueuedReading[] {
  const text = storage.getItem(key);
  if (text === null) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isQueued) : [];
  } catch {
    return [];
  }
}

export function saveQueue(storage: QueueStorage, key: string, entries: readonly QueuedReading[]): void {
  if (entries.length === 0) storage.removeItem(key);
  else storage.setItem(key, JSON.stringify(entries));
}

/**
 * Adds a reading to the queue. A reading of a card already waiting replaces it (the board changed its
 * mind before it was sent); the order of cards is kept otherwise.
 */
export function enqueue(
  entries: readonly QueuedReading[],
  entry: Pick<QueuedReading, 'key' | 'card' | 'reading' | 'correction'>,
): QueuedReading[] {
  const fresh: QueuedReading = { ...entry, attempts: 0, notBefore: 0 };
  const at = entries.findIndex((e) => e.key === entry.key);
  if (at < 0) return [...entries, fresh];
  return entries.map((e, i) => (i === at ? fresh : e));
}

/** Wait before the next try after `attempts` failed sends: 1 s, 2 s, 4 s, … at most 60 s. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** What a send's outcome means for the entry. */
export type SendOutcome =
  | { readonly kind: 'recorded' }
  | { readonly kind: 'refused'; readonly error: ApiError }
  | { readonly kind: 'failed' };

/**
 * Classifies an HTTP answer: 200 is recorded; a 4xx with the server's error data is a refusal the board
 * must see (except 401, 403, 408 and 429, which a later try may pass: a session being renewed, a slow
 * or busy server); anything else (no answer, 5xx) is a failure to retry.
 */
export function outcomeOf(status: number | null, error: ApiError | null): SendOutcome {
  if (status !== null && status >= 200 && status < 300) return { kind: 'recorded' };
  if (
    status !== null &&
    status >= 400 &&
    status < 500 &&
    ![401, 403, 408, 429].includes(status) &&
    error !== null
  )
    return { kind: 'refused', error };
  return { kind: 'failed' };
}

/** The queue after an entry's send: removed when recorded, marked when refused, backed off when failed. */
export function afterSend(options: {
  readonly entries: readonly QueuedReading[];
  readonly sent: QueuedReading;
  readonly outcome: SendOutcome;
  readonly now: number;
}): QueuedReading[] {
  const { entries, sent, outcome, now } = options;
  // The board may have replaced the entry while it was in flight: then the newer one stays as it is.
  return entries.flatMap((e) => {
    if (e.key !== sent.key || e !== sent) return [e];
    switch (outcome.kind) {
      case 'recorded':
        return [];
      case 'refused':
        return [{ ...e, refused: outcome.error }];
      case 'failed': {
        const attempts = e.attempts + 1;
        return [{ ...e, attempts, notBefore: now + backoffMs(attempts) }];
      }
    }
  });
}

/** The next entry to send at `now` (in queue order, skipping refused ones), or null. */
export function nextDue(entries: readonly QueuedReading[], now: number): QueuedReading | null {
  return entries.find((e) => e.refused === undefined && e.notBefore <= now) ?? null;
}

/** When the earliest waiting entry may be sent (epoch ms), or null when nothing waits. */
export function nextWake(entries: readonly QueuedReading[]): number | null {
  const waiting = entries.filter((e) => e.refused === undefined).map((e) => e.notBefore);
  return waiting.length === 0 ? null : Math.min(...waiting);
}
