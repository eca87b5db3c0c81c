/**
 * The shapes that go in and out of an ingest: what a county uploads (paths, readable sources or byte
 * streams), the audit's contest list that numbers contests and choices for the votes codec, progress,
 * and located errors as plain data.
 */
import type { Source } from '@openrla/formats';

/**
 * An error a user caused (a bad file, a contest the audit does not know), located when possible.
 * Reader errors (`FormatError`) and store errors (`StoreError`) both fit this shape unchanged.
 */
export interface IngestError {
  readonly kind: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  /** JSON/XML path, a ZIP entry, or for a card: `cvr <cvrId>`. */
  readonly path?: string;
}

/** Bytes that can be read only once (an HTTP upload): they are stored first, then read back from the store. */
export interface ByteStreamInput {
  readonly name: string;
  readonly stream: AsyncIterable<Uint8Array>;
}

/**
 * One uploaded file: a path on disk (a folder stands for its files), a re-readable `Source` from
 * `@openrla/formats`, or a one-shot byte stream.
 */
export type FileInput = string | Source | ByteStreamInput;

/**
 * A contest as the audit defines it. Its place in the audit's list is its index in the votes codec, and
 * the place of a choice in `choices` is the choice's index (store/votes_codec.ts).
 */
export interface AuditContest {
  readonly name: string;
  readonly choices: readonly string[];
  /** Votes allowed; used only to store an overvote that the export reports without naming choices. */
  readonly votesAllowed?: number;
  /** Ranked-choice contest: its cards are stored as (choice, rank) pairs. Default false. */
  readonly ranked?: boolean;
}

/** Where an ingest is: storing the uploaded bytes, then reading and importing the cards. */
export interface IngestProgress {
  readonly phase: 'store' | 'read';
  readonly bytes: number;
  readonly totalBytes: number | null;
  readonly cards: number;
}
