/**
 * The compact text encoding of a card's votes, as the store keeps it (the store itself treats it as
 * opaque text). Contests and choices are numbered by the audit's own lists (index 0, 1, 2, …).
 *
 *   `0:1;1:17`    contest 0 marked choice 1, contest 1 marked choice 17
 *   `0:;1:3`      contest 0 is on the card with no mark (an undervote), contest 1 marked choice 3
 *   `2:4.1.7`     contest 2 marked choices 4, 1 and 7, in this order (a ranking for IRV; overvotes)
 *   ``            no contest of the audit is on the card
 *
 * A contest that is not on the card does not appear. Contests are written in increasing index order,
 * so equal votes have equal text.
 */

/** contest index → the marked choice indexes, in rank order (empty: on the card, no mark). */
export type CardVotes = ReadonlyMap<number, readonly number[]>;

/** Encodes a card's votes as compact text (see the module comment). */
export function encodeVotes(votes: CardVotes): string {
  const contests = [...votes.keys()].sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i < contests.length; i++) {
    const contest = contests[i]!;
    assertIndex(contest);
    const choices = votes.get(contest)!;
    for (const choice of choices) assertIndex(choice);
    out += `${i === 0 ? '' : ';'}${contest}:${choices.join('.')}`;
  }
  return out;
}

/** Decodes the text written by encodeVotes; returns null when the text is not in that form. */
export function decodeVotes(text: string): Map<number, number[]> | null {
  const votes = new Map<number, number[]>();
  if (text === '') return votes;
  for (const part of text.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return null;
    const contest = parseIndex(part.slice(0, colon));
    if (contest === null || votes.has(contest)) return null;
    const rest = part.slice(colon + 1);
    const choices: number[] = [];
    if (rest !== '') {
      for (const c of rest.split('.')) {
        const choice = parseIndex(c);
        if (choice === null) return null;
        choices.push(choice);
      }
    }
    votes.set(contest, choices);
  }
  return votes;
}

function parseIndex(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) return null;
  return Number(text);
}

function assertIndex(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 999_999_999) throw new RangeError(`encodeVotes: bad index ${n}`);
}
