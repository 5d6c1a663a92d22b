/**
 * The page's own copies of graph records, built to keep a 100k-element graph cheap to hold: every
 * repeated string is one shared instance (warp ids, type ids, type labels; an edge's endpoints are
 * its nodes' id strings), and each record is a fresh literal with in-object fields. A record that
 * arrived over the transport has its own copy of every string and its fields out of object: about
 * 11 heap objects per node and 8 per edge, against 4 and 3 here. Fewer live objects is what keeps
 * the page's major GC pauses short while the engine plays (issue 7's frame budget).
 *
 * Invariants:
 * - A compact record equals its input field for field (`toEqual`); every optional field is
 *   present, `undefined` when absent, so all records share one hidden class.
 * - The shared-string table only holds low-cardinality strings (warps, types, type labels) and is
 *   bounded (`SHARED_MAX`): a world that mints new types every tick cannot grow it without limit.
 */
import type { GraphEdgeDto, GraphNodeDto, Hex } from '../../engine/contract/index';
import { elementKey } from './keys';
import type { ElementKey } from './types';

/** Shared strings kept at most; past it the table starts over (sharing is an optimisation only). */
export const SHARED_MAX = 4096;

const shared = new Map<string, string>();

/** Strings in the shared table now (tests: the bound). */
export const sharedCount = (): number => shared.size;

/** The shared instance of a low-cardinality string. */
export function share(s: string): string {
  const x = shared.get(s);
  if (x !== undefined) return x;
  if (shared.size >= SHARED_MAX) shared.clear();
  shared.set(s, s);
  return s;
}

/** Shared instance of an optional low-cardinality string. */
const shareOpt = (s: string | undefined): string | undefined => (s === undefined ? undefined : share(s));

export function compactNode(n: GraphNodeDto): GraphNodeDto {
  return { id: n.id, warp: share(n.warp), type: share(n.type), label: n.label, typeLabel: shareOpt(n.typeLabel), portal: shareOpt(n.portal), reachable: n.reachable };
}

/** `e` with its endpoints' strings taken from the node records in `nodes` when they are there. */
export function compactEdge(e: GraphEdgeDto, nodes: Readonly<Record<ElementKey, GraphNodeDto>>): GraphEdgeDto {
  const warp = share(e.warp);
  return { id: e.id, warp, from: endpoint(nodes, warp, e.from), to: endpoint(nodes, warp, e.to), type: share(e.type), label: e.label, typeLabel: shareOpt(e.typeLabel) };
}

function endpoint(nodes: Readonly<Record<ElementKey, GraphNodeDto>>, warp: Hex, id: Hex): Hex {
  return nodes[elementKey(warp, id)]?.id ?? id;
}
