/**
 * @openrla/store/chain — the event log's canonical JSON and hash chain, without any store: what a
 * verifier needs to check a published log (`verifyChain`), in Node or in a browser (no Node APIs).
 */
export { canonicalJson, eventHash, sha256Hex, verifyChain, type ChainBreak } from './canonical.js';
export { GENESIS_HASH, type JsonValue, type StoredEvent } from './types.js';
