/**
 * BOAW pool wire protocol, shared by the pool (engine thread) and its worker threads.
 *
 * Per parallel tick the engine thread builds ONE SharedArrayBuffer (the "item table") that every
 * lane reads in place — no structured clone of object graphs, ever:
 *
 *   Int32 header[HEADER_INTS]   NEXT (next shard to claim), DONE (shards finished), POSTED (lane
 *                               results posted), FAIL (a lane could not take part), N (items),
 *                               NWARPS, TX_LO, TX_HI
 *   Int32 shardStart[257]       items of shard s are order[shardStart[s] .. shardStart[s+1])
 *   Int32 order[N]              item indices grouped by shard, drain order inside a shard
 *   warp ids                    NWARPS × 32 bytes
 *   items                       N × (u32 compact rule ‖ u32 warp index ‖ scope id 32 bytes)
 *
 * Lanes (the engine thread itself plus every worker) claim shards with `Atomics.add(NEXT, 1)`
 * until it passes 255, run the claimed shards' items in order, then: post their lane buffer
 * (a SharedArrayBuffer of lane items, engine/codec/opsBinary.ts) on their result port, add 1 to
 * POSTED, add the number of shards they claimed to DONE, and notify DONE. The engine thread
 * blocks on DONE (Atomics.wait, in slices, re-checking the value it just read) until it reaches
 * 256, then reads exactly POSTED results with `receiveMessageOnPort`. A lane that wakes after
 * every shard was claimed does nothing, so a slow or busy worker never delays a tick beyond the
 * shard it actually ran.
 *
 * Item i's origin is (intent = tx, rule = compact, match = i, op = k).
 */
import type { BoawItem } from '../../engine/boaw/seam';
import { NUM_SHARDS, shardOf } from '../../engine/boaw/shard';
import type { NodeId, WarpId } from '../../engine/ident';
import { toHex } from '../../engine/bytes';

export const H_NEXT = 0;
export const H_DONE = 1;
export const H_POSTED = 2;
export const H_FAIL = 3;
export const H_N = 4;
export const H_NWARPS = 5;
export const H_TX_LO = 6;
export const H_TX_HI = 7;
export const HEADER_INTS = 8;
const ITEM_BYTES = 40;

/** Messages the engine thread sends to a worker (over the worker's parentPort). */
export type ToWorker =
  | { t: 'load'; seq: number; state: SharedArrayBuffer; root: { warp: Uint8Array; local: Uint8Array }; rules: string[] }
  | { t: 'rules'; rules: string[] }
  | { t: 'edits'; bytes: SharedArrayBuffer }
  | { t: 'ops'; bytes: SharedArrayBuffer }
  | { t: 'lanes'; bufs: SharedArrayBuffer[]; n: number }
  | { t: 'exec'; seq: number; table: SharedArrayBuffer }
  | { t: 'verify'; seq: number };

/** Messages a worker sends on its result port (read synchronously by the engine thread). */
export type FromWorker =
  | { t: 'lane'; seq: number; buf: SharedArrayBuffer; busyMs: number; items: number }
  | { t: 'desync'; error: string };

/** Messages a worker sends on its parentPort (read asynchronously). */
export type WorkerEvent =
  | { t: 'ready'; rules: string[] }
  | { t: 'loaded'; seq: number; missing: number[] }
  | { t: 'root'; seq: number; root: string | null; error?: string }
  | { t: 'fatal'; error: string };

/** Decoded view of an item table. */
export interface ItemTable {
  readonly header: Int32Array;
  readonly shardStart: Int32Array;
  readonly order: Int32Array;
  readonly n: number;
  readonly tx: number;
  warp(i: number): WarpId;
  compact(i: number): number;
  /** A fresh (non-shared) copy of item i's scope. */
  scope(i: number): NodeId;
}

/** Lays out a tick's items in a SharedArrayBuffer. */
export function buildItemTable(tx: number, items: readonly BoawItem[]): SharedArrayBuffer {
  const n = items.length;
  const warpIx = new Map<string, number>();
  const byObject = new Map<Uint8Array, number>(); // items usually share warp objects: skip the hex
  const warps: WarpId[] = [];
  const wi = new Int32Array(n);
  const counts = new Int32Array(NUM_SHARDS + 1);
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    let x = byObject.get(it.warp);
    if (x === undefined) {
      const k = toHex(it.warp);
      x = warpIx.get(k);
      if (x === undefined) {
        x = warps.length;
        warpIx.set(k, x);
        warps.push(it.warp);
      }
      byObject.set(it.warp, x);
    }
    wi[i] = x;
    counts[shardOf(it.scope) + 1]! += 1;
  }
  const intsBytes = (HEADER_INTS + NUM_SHARDS + 1 + n) * 4;
  const sab = new SharedArrayBuffer(intsBytes + warps.length * 32 + n * ITEM_BYTES);
  const header = new Int32Array(sab, 0, HEADER_INTS);
  const shardStart = new Int32Array(sab, HEADER_INTS * 4, NUM_SHARDS + 1);
  const order = new Int32Array(sab, (HEADER_INTS + NUM_SHARDS + 1) * 4, n);
  for (let s = 0; s < NUM_SHARDS; s++) shardStart[s + 1] = shardStart[s]! + counts[s + 1]!;
  const fill = shardStart.slice(0, NUM_SHARDS);
  for (let i = 0; i < n; i++) order[fill[shardOf(items[i]!.scope)]!++] = i;
  header[H_N] = n;
  header[H_NWARPS] = warps.length;
  header[H_TX_LO] = tx % 0x80000000;
  header[H_TX_HI] = Math.floor(tx / 0x80000000);
  const bytes = new Uint8Array(sab);
  let o = intsBytes;
  for (const w of warps) {
    bytes.set(w, o);
    o += 32;
  }
  const dv = new DataView(sab);
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    dv.setUint32(o, it.compactRule, true);
    dv.setUint32(o + 4, wi[i]!, true);
    bytes.set(it.scope, o + 8);
    o += ITEM_BYTES;
  }
  return sab;
}

/** Reads an item table built by `buildItemTable`. */
export function readItemTable(sab: SharedArrayBuffer): ItemTable {
  const header = new Int32Array(sab, 0, HEADER_INTS);
  const n = header[H_N]!;
  const nw = header[H_NWARPS]!;
  const shardStart = new Int32Array(sab, HEADER_INTS * 4, NUM_SHARDS + 1);
  const order = new Int32Array(sab, (HEADER_INTS + NUM_SHARDS + 1) * 4, n);
  const bytes = new Uint8Array(sab);
  const dv = new DataView(sab);
  const warpsAt = (HEADER_INTS + NUM_SHARDS + 1 + n) * 4;
  const warps: WarpId[] = [];
  for (let k = 0; k < nw; k++) warps.push(bytes.slice(warpsAt + 32 * k, warpsAt + 32 * (k + 1)) as WarpId);
  const itemsAt = warpsAt + 32 * nw;
  return {
    header,
    shardStart,
    order,
    n,
    tx: header[H_TX_HI]! * 0x80000000 + header[H_TX_LO]!,
    warp: (i) => warps[dv.getUint32(itemsAt + i * ITEM_BYTES + 4, true)]!,
    compact: (i) => dv.getUint32(itemsAt + i * ITEM_BYTES, true),
    scope: (i) => bytes.slice(itemsAt + i * ITEM_BYTES + 8, itemsAt + i * ITEM_BYTES + 40) as NodeId,
  };
}

/**
 * The lane loop: claims shards until none is left and runs their items in order. Returns the
 * number of shards claimed (the caller adds it to DONE after publishing its results).
 */
export function claimShards(t: ItemTable, run: (itemIx: number) => void): number {
  let claimed = 0;
  for (;;) {
    const s = Atomics.add(t.header, H_NEXT, 1);
    if (s >= NUM_SHARDS) return claimed;
    claimed++;
    const end = t.shardStart[s + 1]!;
    for (let k = t.shardStart[s]!; k < end; k++) run(t.order[k]!);
  }
}

/** Copies bytes into a fresh SharedArrayBuffer (so every worker can read them without a copy). */
export function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
}
