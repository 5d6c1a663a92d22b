/** Tiny builders of contract DTOs for store and selector tests. */
import type { CommitDto, GraphEdgeDto, GraphNodeDto, GraphSnapshotDto, TickEventDto, TickSummaryDto, TimelineDto } from '../../engine/contract/index';

export const W = 'a'.repeat(64);
export const h = (n: number | string) => String(n).padStart(2, '0').repeat(32).slice(0, 64);

export function node(id: string, extra: Partial<GraphNodeDto> = {}): GraphNodeDto {
  return { id, warp: W, type: 't'.padEnd(64, '0'), label: `n-${id.slice(0, 4)}`, reachable: true, ...extra };
}

export function edge(id: string, from: string, to: string): GraphEdgeDto {
  return { id, warp: W, from, to, type: 'e'.padEnd(64, '0') };
}

export function snapshot(commit: string | null, nodes: GraphNodeDto[], edges: GraphEdgeDto[] = [], tick = 0): GraphSnapshotDto {
  return { commit, tick, branch: 'main', rootWarp: W, rootNode: nodes[0]?.id ?? h(0), instances: [], nodes, edges };
}

export function summary(commit: string, parent: string | null, tick: number, extra: Partial<TickSummaryDto> = {}): TickSummaryDto {
  const z = '0'.repeat(64);
  return {
    commit,
    parents: parent ? [parent] : [],
    tick,
    branch: 'main',
    kind: 'tick',
    stateRoot: z,
    patchDigest: z,
    planDigest: z,
    decisionDigest: z,
    rewritesDigest: z,
    candidates: 3,
    applied: 2,
    rejected: 1,
    ops: 2,
    perRule: [{ rule: 'r', applied: 2, rejected: 1 }],
    millis: 1,
    ...extra,
  };
}

export function tickEvent(seq: number, from: string | null, to: string, tick: number, up: GraphNodeDto[] = [], rm: string[] = []): TickEventDto {
  return {
    seq,
    summary: summary(to, from, tick),
    delta: { fromCommit: from, toCommit: to, upsertNodes: up, removeNodes: rm.map((id) => ({ warp: W, id })), upsertEdges: [], removeEdges: [], instances: [], valueChanges: 0 },
  };
}

export function commit(c: string, parents: string[], tick: number, extra: Partial<CommitDto> = {}): CommitDto {
  return { commit: c, parents, tick, kind: parents.length > 1 ? 'merge' : 'tick', createdOn: 'main', rejected: 0, ...extra };
}

export function timeline(commits: CommitDto[], branches: { name: string; head: string | null }[], active = 'main'): TimelineDto {
  const tickOf = (x: string | null) => commits.find((c) => c.commit === x)?.tick ?? 0;
  return { active, branches: branches.map((b) => ({ ...b, tick: tickOf(b.head) })), commits, base: 0, epoch: 1, viewing: branches.find((b) => b.name === active)?.head ?? null, verified: true };
}
