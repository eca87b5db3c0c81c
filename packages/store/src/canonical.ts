/**
 * The canonical serialization of an event, and its hash.
 *
 * Canonical JSON (the same rules as RFC 8785, the JSON Canonicalization Scheme, for the values an
 * audit uses): object keys sorted by UTF-16 code units, no whitespace, strings and numbers written as
 * ECMAScript's JSON.stringify writes them. As JSON.stringify does, an object member whose value is
 * `undefined` is left out and an `undefined` array item is written `null` (so `{ a: undefined }` and
 * `{}` are the same event). Functions, symbols, bigints, NaN, ±Infinity, a bare `undefined` and
 * objects that are not plain (Date, Map, class instances) are refused, so a payload cannot hash one
 * way and read back another.
 *
 * The hash of an event is the lower-case hex SHA-256 of the UTF-8 bytes of
 * `canonicalJson({ at, auditId, author, payload, prevHash, seq, type })`, i.e. every field of the
 * event but `hash` itself. Each event names the hash of the one before (the first names GENESIS_HASH),
 * so changing, removing or reordering any event breaks every hash after it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { GENESIS_HASH } from './types.js';
import type { JsonValue, StoredEvent } from './types.js';

/** Canonical JSON text of a value; throws TypeError for anything that is not JSON (a bug in the caller). */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError('canonicalJson: only plain objects, arrays and primitives are JSON');
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(compareCodeUnits);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

/** Orders strings by UTF-16 code units (RFC 8785 §3.2.3), independent of locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** The hash of an event: SHA-256 of the canonical JSON of all its fields but `hash`. */
export function eventHash(event: Omit<StoredEvent, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      at: event.at,
      auditId: event.auditId,
      author: event.author,
      payload: event.payload,
      prevHash: event.prevHash,
      seq: event.seq,
      type: event.type,
    }),
  );
}

/** The first place where a chain of events is broken, as data. */
export interface ChainBreak {
  readonly kind: 'chain.bad-seq' | 'chain.bad-prev-hash' | 'chain.bad-hash';
  readonly seq: number;
  readonly message: string;
}

/**
 * Checks a whole log: seqs 1, 2, 3, …; each prevHash is the previous hash (GENESIS_HASH first); each
 * hash is the event's own hash. Returns the first break, or null when the chain is whole.
 */
export async function verifyChain(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
): Promise<ChainBreak | null> {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  for await (const event of events) {
    if (event.seq !== expectedSeq) {
      return {
        kind: 'chain.bad-seq',
        seq: event.seq,
        message: `Expected event ${expectedSeq}, found ${event.seq}.`,
      };
    }
    if (event.prevHash !== prev) {
      return {
        kind: 'chain.bad-prev-hash',
        seq: event.seq,
        message: `Event ${event.seq} does not name the hash of event ${event.seq - 1}.`,
      };
    }
    if (eventHash(event) !== event.hash) {
      return {
        kind: 'chain.bad-hash',
        seq: event.seq,
        message: `Event ${event.seq} was altered: its hash does not match.`,
      };
    }
    prev = event.hash;
    expectedSeq++;
  }
  return null;
}

/** True when a value is JSON that canonicalJson accepts (used to refuse bad payloads as data). */
export function isCanonicalizable(value: JsonValue): boolean {
  try {
    canonicalJson(value);
    return true;
  } catch {
    return false;
  }
}
