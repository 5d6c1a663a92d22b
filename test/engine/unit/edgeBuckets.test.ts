/**
 * A store's edge buckets against a naive twin: after any sequence of edge upserts (new edges,
 * re-upserts that move an edge to another source or to the end of its bucket), exact edge
 * deletes and node cascades — with or without a journal, and after rollbacks — every source's
 * `edgesFrom` lists the twin's edge ids in the twin's order. (Removal finds the edge by record
 * identity; this pins that it removes exactly that edge and keeps the others' order.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../../engine/graph';
import { makeEdgeId, makeNodeId, makeTypeId, toHex } from '../../../engine/index';
import { prop } from '../../support/prop';

const N = Array.from({ length: 5 }, (_, i) => makeNodeId(`n${i}`));
const E = Array.from({ length: 8 }, (_, i) => makeEdgeId(`e${i}`));
const ty = makeTypeId('t');

type Step = { kind: 'upsert'; e: number; from: number; to: number } | { kind: 'delete'; e: number; from: number } | { kind: 'cascade'; n: number } | { kind: 'journal'; rollback: boolean };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('upsert' as const), e: fc.nat(7), from: fc.nat(4), to: fc.nat(4) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), e: fc.nat(7), from: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cascade' as const), n: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('journal' as const), rollback: fc.boolean() }) },
);

/** The twin: per source, edge indices in bucket order; per edge, its source and target. */
class Twin {
  buckets = N.map(() => [] as number[]);
  edges = new Map<number, { from: number; to: number }>();
  nodes = new Set(N.map((_, i) => i));
  clone(): Twin {
    const t = new Twin();
    t.buckets = this.buckets.map((b) => b.slice());
    t.edges = new Map(this.edges);
    t.nodes = new Set(this.nodes);
    return t;
  }
  remove(e: number): void {
    const x = this.edges.get(e)!;
    this.buckets[x.from] = this.buckets[x.from]!.filter((y) => y !== e);
    this.edges.delete(e);
  }
}

describe('edge buckets', () => {
  it('keep the twin’s edges in the twin’s order through upserts, deletes, cascades and rollbacks', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const s = new GraphStore();
        for (const n of N) s.insertNode(n, { ty });
        let twin = new Twin();
        let saved: { twin: Twin; journal: ReturnType<GraphStore['beginJournal']> } | null = null;
        for (const st of steps) {
          if (st.kind === 'upsert') {
            if (twin.edges.has(st.e)) twin.remove(st.e);
            twin.edges.set(st.e, { from: st.from, to: st.to });
            twin.buckets[st.from]!.push(st.e);
            s.insertEdge(N[st.from]!, { id: E[st.e]!, from: N[st.from]!, to: N[st.to]!, ty });
          } else if (st.kind === 'delete') {
            const ok = twin.edges.get(st.e)?.from === st.from;
            if (ok) twin.remove(st.e);
            expect(s.deleteEdgeExact(N[st.from]!, E[st.e]!)).toBe(ok);
          } else if (st.kind === 'cascade') {
            const had = twin.nodes.has(st.n);
            if (had) {
              twin.nodes.delete(st.n);
              for (const [e, x] of [...twin.edges]) if (x.from === st.n || x.to === st.n) twin.remove(e);
            }
            expect(s.deleteNodeCascade(N[st.n]!)).toBe(had);
          } else if (!saved) {
            saved = { twin: twin.clone(), journal: s.beginJournal() };
          } else {
            if (st.rollback) {
              s.rollback(saved.journal);
              twin = saved.twin;
            }
            s.endJournal();
            saved = null;
          }
          for (let i = 0; i < N.length; i++) expect(s.edgesFrom(N[i]!).map((e) => toHex(e.id))).toEqual(twin.buckets[i]!.map((e) => toHex(E[e]!)));
        }
      }),
      prop(400),
    );
  });
});
