/**
 * BOAW ("Bag-Of-Authoritative-Writes") parallel rewrite execution: shards, execution helpers, the
 * canonical merge, strict footprints, the replica a worker keeps, and the seam the engine calls.
 * Threads live outside engine/ (main/workers/boawPool.ts); everything here is pure.
 */
export * from './shard';
export * from './exec';
export * from './merge';
export * from './footprintCheck';
export * from './seam';
export * from './replica';
