/**
 * Read-only views of the state for adapters: the cards of a round and their retrieval lists (walking
 * order, as Arlo prints them), the progress of a round, and the audit's status.
 */
import { retrievalLists, type Draw, type RetrievalList } from '@openrla/sampling';
import type { ManifestBatch } from '@openrla/formats';
import { auditComplete } from './execute.js';
import { cardKey, type AuditState } from './state.js';
import type { CardRef, ContestRoundResult } from './types.js';

/** Retrieval lists of a round (1-based): drawn cards with their tickets, hand-count cards with none. */
export function roundRetrievalLists(options: {
  readonly state: AuditState;
  readonly round: number;
  /** The manifests, for each batch's container (optional). */
  readonly manifests?: readonly ManifestBatch[];
}): RetrievalList[] {
  const r = options.state.rounds[options.round - 1];
  if (r === undefined) return [];
  const draws: Draw[] = r.draws
    .filter((d) => !d.phantom)
    .map((d) => ({
      ticket: d.ticket,
      jurisdiction: d.card.jurisdiction,
      tabulator: d.card.tabulator,
      batch: d.card.batch,
      position: d.card.position,
      generation: d.generation,
    }));
  const lists = retrievalLists({ draws, manifest: options.manifests ?? [] });
  if (r.handCountCards.length === 0) return lists;
  const extra = retrievalLists({
    draws: r.handCountCards.map((c) => ({
      ticket: '',
      jurisdiction: c.jurisdiction,
      tabulator: c.tabulator,
      batch: c.batch,
      position: c.position,
      generation: 1,
    })),
    manifest: options.manifests ?? [],
  });
  const merged = new Map(lists.map((l) => [l.jurisdiction, [...l.rows]]));
  for (const l of extra)
    merged.set(l.jurisdiction, [
      ...(merged.get(l.jurisdiction) ?? []),
      ...l.rows.map((row) => ({ ...row, tickets: [], timesDrawn: 0 })),
    ]);
  return [...merged.entries()].map(([jurisdiction, rows]) => ({ jurisdiction, rows }));
}

/** The cards of the open (or last) round still to record, by jurisdiction. */
export function cardsToRecord(state: AuditState): CardRef[] {
  const r = state.rounds[state.rounds.length - 1];
  if (r === undefined) return [];
  const byKey = new Map<string, CardRef>();
  for (const d of r.draws) if (!d.phantom) byKey.set(cardKey(d.card), d.card);
  for (const c of r.handCountCards) byKey.set(cardKey(c), c);
  return r.cards.filter((k) => !state.readings.has(k)).map((k) => byKey.get(k)!);
}

export interface AuditStatus {
  readonly rounds: number;
  readonly roundOpen: boolean;
  readonly complete: boolean;
  readonly contests: Readonly<Record<string, ContestRoundResult | null>>;
}

export function auditStatus(state: AuditState): AuditStatus {
  const contests: Record<string, ContestRoundResult | null> = {};
  for (const c of state.definition?.contests ?? []) contests[c.name] = state.results.get(c.name) ?? null;
  const last = state.rounds[state.rounds.length - 1];
  return {
    rounds: state.rounds.length,
    roundOpen: last !== undefined && last.results === null,
    complete: auditComplete(state),
    contests,
  };
}
