/** @openrla/sampling — verifiable ballot sampling (spec/sampling.md). Browser-safe; Node extras in ./node. */
export {
  drawSample,
  drawSampleWith,
  samplePositions,
  samplePositionsWith,
  checkSampleRequest,
  keysOnThisThread,
  type Draw,
  type SampleError,
  type SampleRequest,
  type KeyComputer,
  type PrefixBatch,
  type PositionDraw,
  type PositionSampleOptions,
} from './draw_sample.js';
export {
  ballotId,
  batchId,
  ballotIdPrefix,
  pythonStrRepr,
  isPythonPrintable,
  type BallotLocation,
} from './ballot_id.js';
export {
  firstTicket,
  nextTicket,
  trimTicket,
  uniformFraction,
  sha256Hex,
  seedHashOf,
  fractionOfHex,
  seedMidstate,
} from './tickets.js';
export {
  consistentSample,
  drawFromCandidates,
  type TicketDraw,
  type CandidateDraw,
} from './consistent_sampler.js';
export { validateManifest, batchKey, type ManifestBatch, type ManifestError } from './manifest.js';
export { sha256 } from './sha256.js';
export { utf8Encode } from './utf8.js';
export {
  ticketKeys,
  prefixBytes,
  reversedKey,
  keyThreshold,
  KEY_DIGITS,
  type KeyBatch,
} from './ticket_keys.js';
export { ok, err, type Result } from './result.js';
export {
  rivest2011Sample,
  rivest2011Value,
  coloradoSelection,
  boardShares,
  auditLabShuffle,
  type ColoradoDraw,
  type Rivest2011Error,
} from './rivest_2011.js';
export { checkDiceSeed, MIN_SEED_DIGITS, type SeedWarning } from './seed.js';
export { naturalCompare } from './natural_compare.js';
export { retrievalLists, compareRetrievalRows, type RetrievalList, type RetrievalRow } from './retrieval.js';
