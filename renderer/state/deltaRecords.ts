/**
 * The graph slice's records after one tick delta — new `nodes`/`edges` records (copies of the
 * untouched ones are shared), the change list the canvas applies, and whether the shape changed.
 *
 * A generator, so the same code runs two ways: straight through (`runDelta`, small deltas, inside
 * the store update), or sliced (`sliced: true`: records copied key by key, a yield every `STEP`
 * operations) by the controller, which spreads a 100k-element delta over many short tasks and
 * then swaps the prepared records in with one cheap store update (graphSlice `receiveTick`).
 */
import type { GraphEdgeDto, GraphDeltaDto, Hex, GraphNodeDto } from '../../engine/contract/index';
import { compactEdge, compactNode } from './compactRecords';
import { elementKey } from './keys';
import { assignTypeIndex } from './selectors';
import type { ElementKey, GraphChange } from './types';

/** Element operations between two yields of a sliced run. */
export const STEP = 4000;

export interface AppliedDelta {
  /** The records it was computed from (a prepared result is valid only on these). */
  readonly baseNodes: Readonly<Record<ElementKey, GraphNodeDto>>;
  readonly baseEdges: Readonly<Record<ElementKey, GraphEdgeDto>>;
  readonly delta: GraphDeltaDto;
  readonly nodes: Readonly<Record<ElementKey, GraphNodeDto>>;
  readonly edges: Readonly<Record<ElementKey, GraphEdgeDto>>;
  readonly typeIndex: Readonly<Record<Hex, number>>;
  readonly change: Extract<GraphChange, { kind: 'delta' }>;
  /** Shape or node types changed (what the legend counts). */
  readonly shapeChanged: boolean;
}

/**
 * An empty record in V8's dictionary mode (a hash table). Filled with keys that are new every tick
 * (element ids of a churning graph), a fresh `{}` or `{ ...base }` builds a new hidden class per
 * key — 2–4 ms per 750 keys (the churn bench), twice per delta — where a dictionary takes them at
 * hash-insert cost (~0.15 ms). Deleting a property other than the last added one is what switches
 * an object to dictionary mode; the records go there anyway with the delta's first delete.
 */
function dictionary<T>(): Record<string, T> {
  const out = { a: undefined, b: undefined } as Record<string, T | undefined>;
  delete out['a'];
  delete out['b'];
  return out as Record<string, T>;
}

function* copy<T>(base: Readonly<Record<string, T>>, sliced: boolean): Generator<void, Record<string, T>, void> {
  const keys = Object.keys(base);
  if (sliced) yield;
  const out = dictionary<T>();
  for (let i = 0; i < keys.length; i++) {
    out[keys[i]!] = base[keys[i]!]!;
    if (sliced && i % STEP === STEP - 1) yield;
  }
  return out;
}

export function* applyDelta(
  baseNodes: Readonly<Record<ElementKey, GraphNodeDto>>,
  baseEdges: Readonly<Record<ElementKey, GraphEdgeDto>>,
  baseTypeIndex: Readonly<Record<Hex, number>>,
  d: GraphDeltaDto,
  sliced = false,
): Generator<void, AppliedDelta, void> {
  // Copy a record only when the delta touches it: a 100k-element copy costs ~0.1 s.
  const nodes = d.upsertNodes.length || d.removeNodes.length ? yield* copy(baseNodes, sliced) : (baseNodes as Record<ElementKey, GraphNodeDto>);
  const edges = d.upsertEdges.length || d.removeEdges.length ? yield* copy(baseEdges, sliced) : (baseEdges as Record<ElementKey, GraphEdgeDto>);
  const upsertNodes: string[] = [];
  const removeNodes: string[] = [];
  const upsertEdges: string[] = [];
  const removeEdges: string[] = [];
  let structural = false;
  let typesChanged = false;
  let ops = 0;
  const tick = () => sliced && ++ops % STEP === 0;
  yield* removeKeys(d.removeEdges, edges, removeEdges, tick);
  yield* removeKeys(d.removeNodes, nodes, removeNodes, tick);
  if (removeEdges.length || removeNodes.length) structural = true;
  const types = new Set<Hex>();
  for (const n of d.upsertNodes) {
    const k = elementKey(n.warp, n.id);
    const old = nodes[k];
    if (!old) structural = true;
    else if (old.type !== n.type || old.typeLabel !== n.typeLabel) typesChanged = true;
    nodes[k] = compactNode(n);
    types.add(n.type);
    upsertNodes.push(k);
    if (tick()) yield;
  }
  for (const x of d.upsertEdges) {
    const k = elementKey(x.warp, x.id);
    const old = edges[k];
    if (!old || old.from !== x.from || old.to !== x.to) structural = true;
    edges[k] = compactEdge(x, nodes);
    upsertEdges.push(k);
    if (tick()) yield;
  }
  return {
    baseNodes,
    baseEdges,
    delta: d,
    nodes,
    edges,
    typeIndex: assignTypeIndex(baseTypeIndex, types),
    change: { kind: 'delta', upsertNodes, removeNodes, upsertEdges, removeEdges, structural },
    shapeChanged: structural || typesChanged,
  };
}

/** Deletes the referenced elements that `rec` has, listing their keys in `removed`. */
function* removeKeys<T>(refs: readonly { readonly warp: Hex; readonly id: Hex }[], rec: Record<ElementKey, T>, removed: string[], tick: () => boolean): Generator<void, void, void> {
  for (const r of refs) {
    const k = elementKey(r.warp, r.id);
    if (k in rec) {
      delete rec[k];
      removed.push(k);
    }
    if (tick()) yield;
  }
}

/** Runs a generator to its end in this task. */
export function runToEnd<T>(g: Generator<void, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}
