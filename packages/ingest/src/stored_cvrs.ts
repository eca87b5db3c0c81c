/**
 * Reading ingested CVRs back as canonical records: the CVRs at given manifest cards, with their votes
 * decoded by the audit's contest numbering. This is the shape of the audit engine's `cvrsAt` (a CVR or
 * null per card, in the order asked), so an adapter can hand it to the engine without copying cards.
 */
import type { Cvr } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import { decodeCardVotes, type ContestNumbering } from './card_votes.js';

/** A card of the manifest: jurisdiction, tabulator (null when the manifest has none), batch, 1-based position. */
export interface CardKey {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
}

/**
 * The stored CVRs at these cards, in the order asked; null where the store has no CVR (a phantom).
 * Throws when a stored votes text does not decode with this numbering (the store or the numbering is
 * not the one the cards were ingested with: a bug, not a user's error).
 */
export async function storedCvrsAt(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly numbering: ContestNumbering;
  readonly cards: readonly CardKey[];
}): Promise<(Cvr | null)[]> {
  const { store, auditId, numbering, cards } = options;
  const key = (c: {
    readonly jurisdiction: string;
    readonly tabulator: string | null;
    readonly batch: string;
    readonly position: number;
  }): string => `${c.jurisdiction}\u0000${c.tabulator ?? ''}\u0000${c.batch}\u0000${c.position}`;
  const found = await store.getCvrs({
    auditId,
    keys: cards.map((c) => ({
      jurisdiction: c.jurisdiction,
      tabulator: c.tabulator ?? '',
      batch: c.batch,
      position: c.position,
    })),
  });
  const byKey = new Map(found.map((row) => [key(row), row]));
  return cards.map((card) => {
    const row = byKey.get(key(card));
    if (!row) return null;
    const contests = decodeCardVotes({ numbering, votes: row.votes });
    if (contests === null)
      throw new Error(
        `ingest: the stored votes "${row.votes}" of ${key(card)} do not fit the audit's contests`,
      );
    return {
      jurisdiction: row.jurisdiction,
      cvrId: row.cvrId,
      tabulator: card.tabulator,
      batch: row.batch,
      position: row.position,
      imprintedId: row.imprintedId,
      ballotStyle: row.ballotStyle,
      countingGroup: null,
      contests,
    };
  });
}
