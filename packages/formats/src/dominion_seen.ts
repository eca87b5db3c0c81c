/**
 * Compact memory of the cards a Dominion reader has seen, for duplicate detection at statewide scale
 * (spec/formats.md: a county's export must not hold a card twice; ~13 million cards statewide).
 *
 * A `Map<number, number>` costs ~40–80 bytes a card and keeps the garbage collector busy; here keys
 * are whole numbers (a CvrNumber, or a batch and a record packed into one number) and values are the
 * line (or any positive number) where the card was seen. While keys are dense — CvrNumbers 1..N,
 * records 1..k in each batch — they live in pages of a `Uint32Array` (4 bytes a card); when they turn
 * out sparse, the table moves to an open-addressing hash over typed arrays (~16–24 bytes a card).
 */

/** A table from whole-number keys (0 ≤ key < 2^53) to positive values below 2^32; 0 means absent. */
export interface LineTable {
  /** The value stored for `key`, or 0 when there is none. */
  get(key: number): number;
  /** Stores `value` (≥ 1; values past 2^32 - 1 are kept as 2^32 - 1) for `key`. */
  set(key: number, value: number): void;
  /** How many keys are stored. */
  readonly size: number;
}

const TWO_32 = 4294967296;

/** Mixes a whole number below 2^53 into 32 bits (a multiplicative hash of its two halves). */
function mix(key: number): number {
  const lo = key >>> 0;
  const hi = (key / TWO_32) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Open addressing with linear probing; a zero value marks an empty slot. */
interface HashPart {
  keys: Float64Array;
  values: Uint32Array;
  mask: number;
}

function hashGet(h: HashPart, key: number): number {
  let i = mix(key) & h.mask;
  for (;;) {
    const v = h.values[i]!;
    if (v === 0) return 0;
    if (h.keys[i] === key) return v;
    i = (i + 1) & h.mask;
  }
}

/** Sets a key; returns true when the key is new. */
function hashSet(h: HashPart, key: number, value: number): boolean {
  let i = mix(key) & h.mask;
  for (;;) {
    const v = h.values[i]!;
    if (v === 0) {
      h.keys[i] = key;
      h.values[i] = value;
      return true;
    }
    if (h.keys[i] === key) {
      h.values[i] = value;
      return false;
    }
    i = (i + 1) & h.mask;
  }
}

function createHashPart(capacity: number): HashPart {
  let size = 1024;
  while (size < capacity * 2) size *= 2;
  return { keys: new Float64Array(size), values: new Uint32Array(size), mask: size - 1 };
}

/**
 * A line table that starts dense (pages of 2^`pageBits` slots) and becomes a hash when fewer than
 * one slot in eight of its pages is used.
 */
export function createLineTable(pageBits = 12): LineTable {
  const pageSize = 2 ** pageBits;
  let pages: Map<number, Uint32Array> | null = new Map();
  let hash: HashPart | null = null;
  let size = 0;
  let lastPageNo = -1;
  let lastPage: Uint32Array | null = null;

  function toHash(): void {
    const h = createHashPart(size * 2);
    for (const [no, page] of pages!) {
      for (let s = 0; s < pageSize; s++) if (page[s] !== 0) hashSet(h, no * pageSize + s, page[s]!);
    }
    hash = h;
    pages = null;
    lastPage = null;
  }

  function growHash(): void {
    const old = hash!;
    const h = createHashPart(size * 2);
    for (let i = 0; i < old.values.length; i++)
      if (old.values[i] !== 0) hashSet(h, old.keys[i]!, old.values[i]!);
    hash = h;
  }

  return {
    get size() {
      return size;
    },
    get(key: number): number {
      if (hash !== null) return hashGet(hash, key);
      const no = Math.floor(key / pageSize);
      const page = no === lastPageNo ? lastPage : pages!.get(no);
      if (page === undefined || page === null) return 0;
      return page[key - no * pageSize]!;
    },
    set(key: number, line: number): void {
      const value = line > 0xffffffff ? 0xffffffff : line;
      if (hash === null) {
        const no = Math.floor(key / pageSize);
        let page = no === lastPageNo ? lastPage : (pages!.get(no) ?? null);
        if (page === null) {
          if ((pages!.size + 1) * pageSize > 8 * (size + 1) + 64 * pageSize) toHash();
          else {
            page = new Uint32Array(pageSize);
            pages!.set(no, page);
          }
        }
        if (page !== null) {
          lastPageNo = no;
          lastPage = page;
          const slot = key - no * pageSize;
          if (page[slot] === 0) size++;
          page[slot] = value;
          return;
        }
      }
      if (hashSet(hash!, key, value)) {
        size++;
        if (size * 2 > hash!.values.length) growHash();
      }
    },
  };
}

/**
 * Cards seen by (batch key, record): batches get small ordinals, and (ordinal, record) is packed into
 * one number for a `LineTable`. Records that do not fit (not whole, negative, ≥ 2^32) and batches past
 * the 2^21st go to plain maps, so every (batch, record) pair keeps its own identity.
 */
export interface RecordTable {
  /** The value stored for the record of this batch, or 0. */
  get(options: { readonly batch: string; readonly record: number }): number;
  set(options: { readonly batch: string; readonly record: number; readonly value: number }): void;
}

export function createRecordTable(): RecordTable {
  const ordinals = new Map<string, number>();
  const table = createLineTable(8);
  const others = new Map<string, Map<number, number>>();
  let lastBatch: string | null = null;
  let lastOrdinal = -1;
  /** The packed key of a record, or -1 when it goes to the plain maps. */
  function packed(batch: string, record: number, create: boolean): number {
    if (!(Number.isInteger(record) && record >= 0 && record < TWO_32)) return -1;
    let ordinal: number;
    if (batch === lastBatch) ordinal = lastOrdinal;
    else {
      const known = ordinals.get(batch);
      if (known === undefined) {
        if (!create || ordinals.size >= 1 << 21) return -1;
        ordinal = ordinals.size;
        ordinals.set(batch, ordinal);
      } else ordinal = known;
      lastBatch = batch;
      lastOrdinal = ordinal;
    }
    return ordinal * TWO_32 + record; // -0 lands on 0, as in a Map
  }
  return {
    get({ batch, record }) {
      const key = packed(batch, record, false);
      return key >= 0 ? table.get(key) : (others.get(batch)?.get(record) ?? 0);
    },
    set({ batch, record, value }) {
      const key = packed(batch, record, true);
      if (key >= 0) {
        table.set(key, value);
        return;
      }
      let m = others.get(batch);
      if (m === undefined) others.set(batch, (m = new Map()));
      m.set(record, value);
    },
  };
}
