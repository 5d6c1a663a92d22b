/**
 * BOAW virtual shards (ENGINE-SPEC §5.3): the unit of work a lane claims during parallel execution.
 *
 * FROZEN (changing it reshuffles which lane runs which item; it never reaches a hash, but the
 * upstream test vectors pin it and so do ours):
 * - NUM_SHARDS = 256 (a power of two), SHARD_MASK = 255.
 * - shardOf(scope) = u64le(scope[0..8]) & SHARD_MASK, i.e. simply scope[0]. Bytes after index 7
 *   are ignored. Vectors: BE BA FE CA EF BE AD DE … → 190, all-zero → 0, first byte 42 → 42,
 *   FF × 8 → 255.
 *
 * Invariants:
 * - `partitionIntoShards` returns exactly NUM_SHARDS lists; each item lands in
 *   `shards[shardOf(item.scope)]`, and every shard keeps input order.
 * - NUM_SHARDS and shardOf appear in no hash, patch or receipt (the upstream doc comment that says
 *   otherwise is wrong, §5.3).
 */
import { EngineError } from '../errors';

/** @public */
export const NUM_SHARDS = 256;
/** @public */
export const SHARD_MASK = NUM_SHARDS - 1;

/** The shard of a scope: the low 8 bits of its first 8 bytes read as a little-endian u64. @public */
export function shardOf(scope: Uint8Array): number {
  if (scope.length < 8) throw new EngineError('InvalidArgument', `shardOf: scope has ${scope.length} bytes, needs at least 8`);
  // u64le(scope[0..8]) & 0xff only keeps bits 0..7, which are exactly scope[0].
  return scope[0]! & SHARD_MASK;
}

/** Buckets items by `shardOf(item.scope)`, keeping input order inside each shard. @public */
export function partitionIntoShards<T extends { readonly scope: Uint8Array }>(items: readonly T[]): T[][] {
  const shards: T[][] = Array.from({ length: NUM_SHARDS }, () => []);
  for (const it of items) shards[shardOf(it.scope)]!.push(it);
  return shards;
}
