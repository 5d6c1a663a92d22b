/**
 * The in/out slots of one tick, collected footprint by footprint as candidates are accepted
 * (`extend_slots_from_footprint`, ENGINE-SPEC §6.4), and their canonical lists, packed.
 *
 * Same result as `extendSlotsFromFootprint` into two maps followed by `canonicalSlotPair` and
 * `PackedSlots.pair` (the property test compares them), with less work per slot: no map and no
 * slot object. Each use of a slot is appended to its kind's list with the footprint's own key
 * string (attachment and port keys are built once by the footprint; node and edge keys need the
 * warp in front); `packed()` orders each list by key, merges repeats of a slot, and writes the
 * canonical encodings (`writeSlot`'s bytes) straight from the ids.
 *
 * Invariants:
 * - In-slots get every read and write, out-slots every write (ports: b_in → in, b_out → in and out),
 *   so out ⊆ in: the out list picks the written in-slots and shares their bytes.
 * - Slots are ordered by kind (node < edge < attachment < port, the tag that leads
 *   `slotSortKey`), then by the per-kind key, which is `slotSortKey` without its tag: the order is
 *   exactly `canonicalSlots'`. Equal keys are equal slots (the key spells every field).
 *   Insertion order never reaches the result.
 */
import type { Footprint } from './footprint';
import { hexKeyOrder } from './hexKeySort';
import type { WarpId } from './ident';
import { ownerTag, planeTag, type AttachmentKey, type PortKey } from './record';
import { SLOT_ENCODED_BYTES } from './codec/canonical';
import { PackedSlots } from './slotList';
import { toHex } from './bytes';

/** Every use of one kind's slots: key, what encodes it, and whether the use writes. */
class KindUses<V> {
  readonly keys: string[] = [];
  readonly values: V[] = [];
  readonly writes: number[] = [];

  use(k: string, v: V, write: boolean): void {
    this.keys.push(k);
    this.values.push(v);
    this.writes.push(write ? 1 : 0);
  }
}

interface LocalId {
  readonly warp: WarpId;
  readonly local: Uint8Array;
}

/** Encoded length of one slot per kind, in tag order (node, edge, attachment, port). */
const SLOT_BYTES = [SLOT_ENCODED_BYTES.node, SLOT_ENCODED_BYTES.edge, SLOT_ENCODED_BYTES.attachment, SLOT_ENCODED_BYTES.port] as const;

/** @public */
export class TickSlots {
  private readonly nodes = new KindUses<LocalId>();
  private readonly edges = new KindUses<LocalId>();
  private readonly attachments = new KindUses<AttachmentKey>();
  private readonly ports = new KindUses<PortKey>();

  /** Adds the slots of an accepted footprint whose node and edge ids live in `warp`. */
  add(fp: Footprint, warp: WarpId): void {
    if (fp.hasNodeOrEdgeSets()) {
      const w = toHex(warp);
      for (const [k, id] of fp.nRead) this.nodes.use(w + k, { warp, local: id }, false);
      for (const [k, id] of fp.nWrite) this.nodes.use(w + k, { warp, local: id }, true);
      for (const [k, id] of fp.eRead) this.edges.use(w + k, { warp, local: id }, false);
      for (const [k, id] of fp.eWrite) this.edges.use(w + k, { warp, local: id }, true);
    }
    // Attachment keys and ports are keyed as the footprint keys them (`attachmentSortKey`,
    // `u64SortKey`): those strings are `slotSortKey` minus its tag.
    if (fp.aRead.size > 0) for (const [k, key] of fp.aRead) this.attachments.use(k, key, false);
    if (fp.aWrite.size > 0) for (const [k, key] of fp.aWrite) this.attachments.use(k, key, true);
    if (fp.bIn.size > 0) for (const [k, port] of fp.bIn) this.ports.use(k, port, false);
    if (fp.bOut.size > 0) for (const [k, port] of fp.bOut) this.ports.use(k, port, true);
  }

  /** The canonical in- and out-slot lists, packed (the out list shares the in list's bytes). */
  packed(): [PackedSlots, PackedSlots] {
    const kinds = [this.nodes, this.edges, this.attachments, this.ports] as const;
    // Slots in key order, kind by kind: where each one's encoding ends, whether any use wrote it,
    // and (per kind, by use) which slot a use is the first use of (−1: a repeat).
    let uses = 0;
    for (const k of kinds) uses += k.keys.length;
    const ends = new Uint32Array(uses);
    const written = new Uint8Array(uses);
    const slotOfUse: Int32Array[] = [];
    let slots = 0;
    let bytes = 0;
    for (let t = 0; t < kinds.length; t++) {
      const { keys, writes } = kinds[t]!;
      const order = hexKeyOrder(keys);
      const slotOf = new Int32Array(keys.length).fill(-1);
      let prev: string | null = null;
      for (let i = 0; i < order.length; i++) {
        const u = order[i]!;
        const key = keys[u]!;
        if (key === prev) {
          if (writes[u]) written[slots - 1] = 1;
          continue;
        }
        prev = key;
        slotOf[u] = slots;
        written[slots] = writes[u]!;
        bytes += SLOT_BYTES[t]!;
        ends[slots++] = bytes;
      }
      slotOfUse.push(slotOf);
    }
    // Encoded use by use, in insertion order (the ids are read in the order they were allocated:
    // reading them in key order costs ~5x more in cache misses at 100k slots).
    const out = new Uint8Array(bytes);
    const view = new DataView(out.buffer);
    for (let t = 0; t < kinds.length; t++) {
      const slotOf = slotOfUse[t]!;
      const size = SLOT_BYTES[t]!;
      for (let u = 0; u < slotOf.length; u++) {
        const s = slotOf[u]!;
        if (s < 0) continue;
        const at = ends[s]! - size;
        out[at] = t + 1;
        if (t < 2) {
          const v = (t === 0 ? this.nodes : this.edges).values[u]!;
          copy32(out, at + 1, v.warp);
          copy32(out, at + 33, v.local);
        } else if (t === 2) {
          const k = this.attachments.values[u]!;
          out[at + 1] = ownerTag(k.owner);
          out[at + 2] = planeTag(k.plane);
          copy32(out, at + 3, k.warp);
          copy32(out, at + 35, k.local);
        } else {
          view.setBigUint64(at + 1, BigInt.asUintN(64, this.ports.values[u]!), true);
        }
      }
    }
    let outs = 0;
    for (let s = 0; s < slots; s++) outs += written[s]!;
    const pick = new Uint32Array(outs);
    for (let s = 0, j = 0; s < slots; s++) if (written[s]) pick[j++] = s;
    return PackedSlots.fromEncoded(out, ends.slice(0, slots), pick);
  }
}

/** Copies a 32-byte id. */
function copy32(out: Uint8Array, at: number, id: Uint8Array): void {
  if (id.length !== 32) throw new RangeError(`slot ids must be 32 bytes, got ${id.length}`);
  out.set(id, at);
}
