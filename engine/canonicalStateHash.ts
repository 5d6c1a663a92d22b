/**
 * `GraphStore::canonical_state_hash()` = DIND_STATE_HASH_V2 (ENGINE-SPEC §7.7): one store, every
 * node and edge (reachable or not), no warp ids, no instance metadata.
 *
 * Frozen — the DIND goldens pin it:
 *   "DIND_STATE_HASH_V2\0" ‖ u64le(#nodes) ‖ for each node ascending: "N\0" ‖ id ‖ ty ‖ ATT
 *   ‖ u64le(#edges) ‖ for each edge ascending by id: "E\0" ‖ id ‖ from ‖ to ‖ ty ‖ ATT
 *   ATT := 00 | 01 ‖ ("ATOM" ‖ type_id ‖ u64le(len) ‖ bytes | "DESC" ‖ warp_id)
 */
import { ByteWriter, fromHex, utf8 } from './bytes';
import type { GraphStore } from './graph';
import { defaultBlake3, type Blake3 } from './hash';
import type { Hash } from './ident';
import type { AttachmentValue } from './record';

const HEADER = utf8('DIND_STATE_HASH_V2\0');
const TAG_N = utf8('N\0');
const TAG_E = utf8('E\0');
const ATOM = utf8('ATOM');
const DESC = utf8('DESC');

function writeAtt(w: ByteWriter, v: AttachmentValue | undefined): void {
  if (!v) {
    w.u8(0);
    return;
  }
  w.u8(1);
  if (v.kind === 'atom') w.bytes(ATOM).bytes(v.typeId).u64(v.bytes.length).bytes(v.bytes);
  else w.bytes(DESC).bytes(v.warp);
}

/** DIND_STATE_HASH_V2 of one store. @public */
export function canonicalStateHash(store: GraphStore, hasher: Blake3 = defaultBlake3): Hash {
  const stream = hasher.stream();
  const w = new ByteWriter(1 << 16, stream);
  w.bytes(HEADER).u64(store.nodeCount);
  for (const k of store.nodeIdsSorted()) {
    w.bytes(TAG_N).bytes(fromHex(k)).bytes(store.nodeByHex(k)!.ty);
    writeAtt(w, store.nodeAttachmentByHex(k));
  }
  w.u64(store.edgeCount);
  for (const k of store.edgeIdsSorted()) {
    const e = store.edgeByHex(k)!;
    w.bytes(TAG_E).bytes(e.id).bytes(e.from).bytes(e.to).bytes(e.ty);
    writeAtt(w, store.edgeAttachmentByHex(k));
  }
  w.flush();
  return stream.digest();
}
