/**
 * Identifiers: 32-byte content-addressed ids with domain prefixes (ENGINE-SPEC §1).
 *
 * Frozen: the preimages below are warp-core's; changing any of them changes every hash.
 * - node id  = BLAKE3("node:" ‖ label)      - type id = BLAKE3("type:" ‖ label)
 * - edge id  = BLAKE3("edge:" ‖ label)      - warp id = BLAKE3("warp:" ‖ label)
 * - intent   = BLAKE3("intent:" ‖ bytes)    - channel = BLAKE3("channel:" ‖ label)
 * - scope hash = BLAKE3(rule_id ‖ warp_id ‖ node_id) (96 bytes, no prefix)
 * No separator and no length prefix are added; `makeEdgeId("edge:root/sim")` hashes "edge:edge:root/sim".
 *
 * Ids are branded `Uint8Array`s so a `NodeId` cannot be passed where an `EdgeId` is expected.
 */
import { blake3 } from './hash';
import { concatBytes, fromHex, toHex, utf8 } from './bytes';

/** Any 32-byte BLAKE3 digest. @public */
export type Hash = Uint8Array;
/** @public */ export type NodeId = Uint8Array & { readonly __brand: 'NodeId' };
/** @public */ export type EdgeId = Uint8Array & { readonly __brand: 'EdgeId' };
/** @public */ export type TypeId = Uint8Array & { readonly __brand: 'TypeId' };
/** @public */ export type WarpId = Uint8Array & { readonly __brand: 'WarpId' };

/** Lowercase hex of a 32-byte id, used as an ordered-map key. @public */
export type IdHex = string;

/** Length of every id in bytes. @public */
export const ID_LEN = 32;

/**
 * Ids made from labels are 32-byte views into shared 4 KiB slabs rather than arrays with buffers of
 * their own: V8 spends ~240 B of memory on a 32-byte array with its own buffer and ~170 B on a
 * view (slab share included), and a million-element graph holds two million ids. Pure memory
 * layout: ids are immutable, their bytes are the digest's, and nothing reads the cursor but this
 * allocator (the same kind of module-level cache as hash.ts's pooled hashers). Slabs are small so
 * that one surviving id of a churning world pins little.
 */
const SLAB_BYTES = 4096;
let slab = new Uint8Array(0);
let slabUsed = 0;

function compactCopy(digest: Uint8Array): Uint8Array {
  if (slabUsed + ID_LEN > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const id = slab.subarray(slabUsed, slabUsed + ID_LEN);
  slabUsed += ID_LEN;
  id.set(digest);
  return id;
}

function label(prefix: string, s: string): Uint8Array {
  return compactCopy(blake3(utf8(prefix + s)));
}

/** @public */ export const makeNodeId = (s: string): NodeId => label('node:', s) as NodeId;
/** @public */ export const makeTypeId = (s: string): TypeId => label('type:', s) as TypeId;
/** @public */ export const makeEdgeId = (s: string): EdgeId => label('edge:', s) as EdgeId;
/** @public */ export const makeWarpId = (s: string): WarpId => label('warp:', s) as WarpId;
/** Channel id of the materialization bus (a TypeId in warp-core). @public */
export const makeChannelId = (s: string): TypeId => label('channel:', s) as TypeId;

/** Rule id by the "rule:" family convention: BLAKE3("rule:" ‖ name). @public */
export const makeRuleId = (name: string): Hash => label('rule:', name);

/** Intent id: BLAKE3("intent:" ‖ bytes). @public */
export function computeIntentId(bytes: Uint8Array): Hash {
  return blake3(concatBytes(utf8('intent:'), bytes));
}

/**
 * Staging for `scopeHash`'s 96-byte preimage, reused: a fresh 96-byte array is allocated outside
 * the JS heap (over 64 bytes), which cost more than the hash itself at 100k candidates. Every
 * byte is overwritten before each use and the array never escapes (the hash copies its input),
 * so no call can observe another (as fixedQ32's F32_SCRATCH).
 */
const SCOPE_PREIMAGE = new Uint8Array(96);

/** Scope hash: BLAKE3(rule_id ‖ warp_id ‖ node_id). @throws RangeError unless all three are 32 bytes. @public */
export function scopeHash(ruleId: Hash, warp: WarpId, node: NodeId): Hash {
  if (ruleId.length !== 32 || warp.length !== 32 || node.length !== 32) throw new RangeError('scopeHash: rule id, warp and node must be 32 bytes');
  SCOPE_PREIMAGE.set(ruleId, 0);
  SCOPE_PREIMAGE.set(warp, 32);
  SCOPE_PREIMAGE.set(node, 64);
  return blake3(SCOPE_PREIMAGE);
}

/** Brands raw bytes as an id after checking the length. @throws RangeError. @public */
export function asId<T extends NodeId | EdgeId | TypeId | WarpId>(bytes: Uint8Array): T {
  if (bytes.length !== ID_LEN) throw new RangeError(`id must be ${ID_LEN} bytes, got ${bytes.length}`);
  return bytes as T;
}

/** Parses a 64-digit hex id. @throws RangeError. @public */
export function idFromHex<T extends NodeId | EdgeId | TypeId | WarpId>(hex: string): T {
  if (hex.length !== 64) throw new RangeError(`id hex must be 64 digits, got ${hex.length}`);
  return fromHex(hex) as T;
}

/** Hex key of an id. @public */
export const idHex = (id: Uint8Array): IdHex => toHex(id);

/** 32 zero bytes. @public */
export const ZERO_ID = new Uint8Array(32);

/** The canonical root warp, `makeWarpId("root")`. @public */
export const ROOT_WARP: WarpId = makeWarpId('root');

/** Default policy id: u32le⁻¹("NOP0") = 0x30504F4E. @public */
export const POLICY_ID_NO_POLICY_V0 = 0x30504f4e;
