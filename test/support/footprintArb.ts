/**
 * A fast-check arbitrary over footprints using every set (node/edge read and write, attachments of
 * both owners, ports in and out), drawn from a small pool of ids and two warps so that footprints
 * share slots often. `sets` bounds each set's size; `ports` is the pool ports are drawn from.
 */
import fc from 'fast-check';
import { Footprint, ROOT_WARP, edgeBeta, makeNodeId, makeWarpId, nodeAlpha, type NodeId } from '../../engine/index';

export const FP_WARPS = [ROOT_WARP, makeWarpId('w1')] as const;
export const warpArb = fc.integer({ min: 0, max: FP_WARPS.length - 1 }).map((i) => FP_WARPS[i]!);

export interface FootprintArbOptions {
  /** How many distinct node ids the sets draw from. */
  readonly ids: number;
  /** Largest size of a node/attachment set, of an edge set, of a port set. */
  readonly sets: { readonly nodes: number; readonly edges: number; readonly ports: number };
  readonly ports: fc.Arbitrary<bigint>;
  /** Draw a factor mask over the whole u64 range (else 0). */
  readonly mask: boolean;
}

/** The pool's ids, by index (the same for every call with the same `count`). */
export const fpIds = (count: number): NodeId[] => Array.from({ length: count }, (_, i) => makeNodeId(`p${i}`));

export function footprintArb(o: FootprintArbOptions): fc.Arbitrary<Footprint> {
  const ids = fpIds(o.ids);
  const idArb = fc.integer({ min: 0, max: ids.length - 1 }).map((i) => ids[i]!);
  const att = fc.tuple(warpArb, idArb, fc.boolean());
  return fc
    .record({
      nr: fc.array(idArb, { maxLength: o.sets.nodes }),
      nw: fc.array(idArb, { maxLength: o.sets.nodes }),
      er: fc.array(idArb, { maxLength: o.sets.edges }),
      ew: fc.array(idArb, { maxLength: o.sets.edges }),
      ar: fc.array(att, { maxLength: o.sets.nodes }),
      aw: fc.array(att, { maxLength: o.sets.nodes }),
      pi: fc.array(o.ports, { maxLength: o.sets.ports }),
      po: fc.array(o.ports, { maxLength: o.sets.ports }),
      mask: o.mask ? fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) : fc.constant(0n),
    })
    .map((r) => {
      const fp = new Footprint();
      r.nr.forEach((x) => fp.readNode(x));
      r.nw.forEach((x) => fp.writeNode(x));
      r.er.forEach((x) => fp.readEdge(x as never));
      r.ew.forEach((x) => fp.writeEdge(x as never));
      r.ar.forEach(([w, x, node]) => fp.readAttachment(node ? nodeAlpha(w, x) : edgeBeta(w, x as never)));
      r.aw.forEach(([w, x, node]) => fp.writeAttachment(node ? nodeAlpha(w, x) : edgeBeta(w, x as never)));
      r.pi.forEach((p) => fp.portIn(p));
      r.po.forEach((p) => fp.portOut(p));
      return fp.withFactorMask(r.mask);
    });
}
