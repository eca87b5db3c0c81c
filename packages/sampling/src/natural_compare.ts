/**
 * Natural ("human") order of names, as a person walks shelves: "Batch 2" before "Batch 10", "Batch 1"
 * before "Batch 1 - 1". Runs of digits compare by value, other text case-insensitively; the plain
 * string order breaks the remaining ties so that the order is total.
 */

function chunks(text: string): string[] {
  return text.match(/\d+|\D+/g) ?? [];
}

function isDigits(chunk: string): boolean {
  const c = chunk.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Compares two runs of decimal digits by value, without overflow (any length). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Negative when `a` comes before `b` in natural order, positive after, 0 only when a === b. */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    const dx = isDigits(x);
    const dy = isDigits(y);
    let c: number;
    if (dx && dy) c = compareDigits(x, y);
    else if (dx !== dy) c = dx ? -1 : 1;
    else {
      const lx = x.toLowerCase();
      const ly = y.toLowerCase();
      c = lx < ly ? -1 : lx > ly ? 1 : 0;
    }
    if (c !== 0) return c;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : 1;
}
