/**
 * The in/out slots of one tick, collected footprint by footprint as candidates are accepted
 * (`extend_slots_from_footprint`, ENGINE-SPEC §6.4), and their canonical lists.
 *
 * Same result as `extendSlotsFromFootprint` into two maps followed by `canonicalSlotPair` (the
 * property test compares them), with less work per slot: one map per slot kind, so an attachment
 * or port slot is keyed by the footprint's own key string (built once, its hash already cached)
 * instead of a freshly joined `slotSortKey`; node and edge slots still need the warp in front.
 *
 * Invariants:
 * - In-slots get every read and write, out-slots every write (ports: b_in → in, b_out → in and out),
 *   so out ⊆ in and each out-slot is the very object listed among the in-slots.
 * - `canonical()` orders slots by kind (node < edge < attachment < port, the tag that leads
 *   `slotSortKey`), then by the per-kind key, which is `slotSortKey` without its tag: the order is
 *   exactly `canonicalSlots`'. Iteration order of the maps never reaches the result.
 */
import { toHex } from './bytes';
import type { Footprint } from './footprint';
import { sortHexKeys } from './hexKeySort';
import type { WarpId } from './ident';
import type { SlotId } from './record';

/** One kind's slots: every slot by key, and the keys that were written. */
class KindSlots {
  readonly ins = new Map<string, SlotId>();
  readonly outs = new Map<string, SlotId>();

  // Equal keys are equal slots (the key spells every field), so the first object seen for a key
  // stays: a write after a read of the same slot lists the read's object on both sides.
  read(k: string, s: SlotId): void {
    if (!this.ins.has(k)) this.ins.set(k, s);
  }

  write(k: string, s: SlotId): void {
    const seen = this.ins.get(k);
    if (seen === undefined) this.ins.set(k, s);
    if (!this.outs.has(k)) this.outs.set(k, seen ?? s);
  }

  /** Appends this kind's in- and out-slots in key order. */
  appendSorted(ins: SlotId[], outs: SlotId[]): void {
    if (this.ins.size === 0) return;
    // Code-unit order: for these fixed-layout hex keys it is byte order.
    const keys = sortHexKeys(Array.from(this.ins.keys()));
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      ins.push(this.ins.get(k)!);
      const o = this.outs.get(k);
      if (o !== undefined) outs.push(o);
    }
  }
}

/** @public */
export class TickSlots {
  private readonly nodes = new KindSlots();
  private readonly edges = new KindSlots();
  private readonly attachments = new KindSlots();
  private readonly ports = new KindSlots();

  /** Adds the slots of an accepted footprint whose node and edge ids live in `warp`. */
  add(fp: Footprint, warp: WarpId): void {
    if (fp.hasNodeOrEdgeSets()) {
      const w = toHex(warp);
      for (const [k, id] of fp.nRead) this.nodes.read(w + k, { kind: 'node', key: { warp, local: id } });
      for (const [k, id] of fp.nWrite) this.nodes.write(w + k, { kind: 'node', key: { warp, local: id } });
      for (const [k, id] of fp.eRead) this.edges.read(w + k, { kind: 'edge', key: { warp, local: id } });
      for (const [k, id] of fp.eWrite) this.edges.write(w + k, { kind: 'edge', key: { warp, local: id } });
    }
    // Attachment keys and ports are keyed as the footprint keys them (`attachmentSortKey`,
    // `u64SortKey`): those strings are `slotSortKey` minus its tag.
    if (fp.aRead.size > 0) for (const [k, key] of fp.aRead) this.attachments.read(k, { kind: 'attachment', key });
    if (fp.aWrite.size > 0) for (const [k, key] of fp.aWrite) this.attachments.write(k, { kind: 'attachment', key });
    if (fp.bIn.size > 0) for (const [k, port] of fp.bIn) this.ports.read(k, { kind: 'port', port });
    if (fp.bOut.size > 0) for (const [k, port] of fp.bOut) this.ports.write(k, { kind: 'port', port });
  }

  /** The canonical in- and out-slot lists (what `canonicalSlotPair` returns for the same slots). */
  canonical(): { ins: SlotId[]; outs: SlotId[] } {
    const ins: SlotId[] = [];
    const outs: SlotId[] = [];
    for (const kind of [this.nodes, this.edges, this.attachments, this.ports]) kind.appendSorted(ins, outs);
    return { ins, outs };
  }
}
