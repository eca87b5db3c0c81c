export * from './types.js';
export { canonicalJson, eventHash, sha256Hex, verifyChain } from './canonical.js';
export type { ChainBreak } from './canonical.js';
export { encodeVotes, decodeVotes } from './votes_codec.js';
export type { CardVotes } from './votes_codec.js';
export { openStore, storeOptionsFromEnv } from './open_store.js';
export type { StoreOptions } from './open_store.js';
export { FILE_CHUNK_BYTES } from './sql_store.js';
export { MIGRATIONS_DIR, loadMigrations } from './migrate.js';
