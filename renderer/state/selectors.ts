/**
 * Pure selectors and formatters over store data (no React, no DOM): tested in
 * test/renderer/selectors.test.ts. Components call them inside `useEcho` or `useMemo`.
 */
import type {
  CandidateDto,
  CommitDto,
  DeterminismDto,
  GraphEdgeDto,
  Hex,
  GraphNodeDto,
  OverlapDto,
  SlotDto,
  TickSummaryDto,
  TimelineDto,
} from '../../engine/contract/index';
import { elementKey } from './keys';
import type { EchoState, ElementKey } from './types';

// ------------------------------------------------------------------ hashes

/** "9f3a12cd…a0c1"; `null` (the initial state U0) prints as "U0". */
export function shortHash(h: Hex | null | undefined): string {
  if (!h) return 'U0';
  return h.length <= 14 ? h : `${h.slice(0, 8)}…${h.slice(-4)}`;
}

// ---------------------------------------------------------------- timeline

// Timeline DTOs are immutable (the store replaces them), so what is derived from one is computed
// once per DTO and shared by every component that asks (the scrubber, the timeline panel, the
// profile): a long chain is walked once per timeline update, not once per caller.
const indexCache = new WeakMap<TimelineDto, Map<Hex, CommitDto>>();
const chainCache = new WeakMap<TimelineDto, Map<string, readonly CommitDto[]>>();
const treeCache = new WeakMap<TimelineDto, BranchRow[]>();

/** Commits by hash (shared per DTO: do not mutate). */
export function commitIndex(dto: TimelineDto | null): Map<Hex, CommitDto> {
  if (!dto) return new Map();
  let m = indexCache.get(dto);
  if (!m) {
    m = new Map();
    for (const c of dto.commits) m.set(c.commit, c);
    indexCache.set(dto, m);
  }
  return m;
}

export function branchHead(dto: TimelineDto | null, branch?: string): Hex | null {
  if (!dto) return null;
  const name = branch ?? dto.active;
  return dto.branches.find((b) => b.name === name)?.head ?? null;
}

/**
 * Seeds the derived data of `next`, a DTO that only appends `added` commits to `prev` (a batch of
 * tick summaries), from `prev`'s: O(added) plus one copy of each grown chain, instead of a walk of
 * the whole history per batch. The commit index is shared and extended (append-only: `prev`'s index
 * then also knows the added commits, which none of its heads reach). A branch's chain is `prev`'s
 * plus the new part when its new head reaches its old head by first parents within `added`; any
 * other branch (or a chain that ended at a commit the DTO did not know) is walked again on demand.
 */
export function extendTimeline(prev: TimelineDto, next: TimelineDto, added: readonly CommitDto[]): void {
  const index = commitIndex(prev);
  for (const c of added) index.set(c.commit, c);
  indexCache.set(next, index);
  const prevChains = chainCache.get(prev);
  if (!prevChains) return;
  const chains = new Map<string, readonly CommitDto[]>();
  for (const b of next.branches) {
    const old = prevChains.get(b.name);
    if (!old || (old.length > 0 && old[0]!.parents.length > 0)) continue;
    const oldHead = branchHead(prev, b.name);
    const part: CommitDto[] = [];
    let cur = b.head;
    while (cur !== oldHead && cur !== null && part.length <= added.length) {
      const c = index.get(cur);
      if (!c) break;
      part.push(c);
      cur = c.parents[0] ?? null;
    }
    if (cur === oldHead) chains.set(b.name, part.length === 0 ? old : old.concat(part.reverse()));
  }
  chainCache.set(next, chains);
}

/**
 * The complete timeline after an `echo:timeline.changed` event. A complete event (`base` 0) is
 * taken as it is. An incremental one (the commits the host created since its previous event) is
 * added to `prev` — the commits `prev` lacks, in the event's order, derived data carried over by
 * `extendTimeline` — when `prev` is of the same epoch and then holds exactly the host's count
 * (`base + commits.length`). Otherwise (no timeline yet, another epoch, a missed event) it returns
 * null and the caller fetches the whole timeline.
 */
export function completeTimeline(prev: TimelineDto | null, ev: TimelineDto): TimelineDto | null {
  if (ev.base === 0) return ev;
  if (!prev || prev.epoch !== ev.epoch) return null;
  const index = commitIndex(prev);
  const added = ev.commits.filter((c) => !index.has(c.commit));
  if (prev.commits.length + added.length !== ev.base + ev.commits.length) return null;
  const next: TimelineDto = { ...ev, base: 0, commits: added.length ? prev.commits.concat(added) : prev.commits };
  extendTimeline(prev, next, added);
  return next;
}

/** First-parent chain from U0 to `head`, oldest first (commits the DTO does not know end the walk). */
export function chainOf(dto: TimelineDto | null, head: Hex | null, index = commitIndex(dto)): CommitDto[] {
  const out: CommitDto[] = [];
  const seen = new Set<Hex>();
  let cur = head;
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const c = index.get(cur);
    if (!c) break;
    out.push(c);
    cur = c.parents[0] ?? null;
  }
  return out.reverse();
}

export function branchChain(dto: TimelineDto | null, branch?: string): readonly CommitDto[] {
  if (!dto) return [];
  const name = branch ?? dto.active;
  let byBranch = chainCache.get(dto);
  if (!byBranch) chainCache.set(dto, (byBranch = new Map()));
  let chain = byBranch.get(name);
  if (!chain) byBranch.set(name, (chain = chainOf(dto, branchHead(dto, name))));
  return chain;
}

/**
 * Where `commit` is on `chain`: 1 for its first commit … chain.length for its head; 0 when it is
 * not on it. Searched from the head, where the viewed commit nearly always is.
 */
export function chainPosition(chain: readonly CommitDto[], commit: Hex | null): number {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.commit === commit) return i + 1;
  return 0;
}

/** First parent of a commit (null for a depth-1 commit, whose parent is U0). */
export function parentOf(dto: TimelineDto | null, commit: Hex | null): Hex | null {
  if (!commit || !dto) return null;
  return dto.commits.find((c) => c.commit === commit)?.parents[0] ?? null;
}

export interface BranchRow {
  readonly name: string;
  readonly head: Hex | null;
  readonly tick: number;
  readonly active: boolean;
  /** Where the branch leaves the branch it shares the longest history with. */
  readonly forkedFrom: { readonly branch: string; readonly commit: Hex | null; readonly tick: number } | null;
  /** Commits of this branch after its fork point (first-parent). */
  readonly own: number;
  /** Merge commits on the branch's own part of the chain. */
  readonly merges: readonly CommitDto[];
}

/** The branch tree: main first, then by name; each with its fork point and merge commits. */
export function branchTree(dto: TimelineDto | null): BranchRow[] {
  if (!dto) return [];
  const cached = treeCache.get(dto);
  if (cached) return cached;
  const tree = buildBranchTree(dto);
  treeCache.set(dto, tree);
  return tree;
}

function buildBranchTree(dto: TimelineDto): BranchRow[] {
  const chains = new Map(dto.branches.map((b) => [b.name, branchChain(dto, b.name)] as const));
  const names = [...dto.branches.map((b) => b.name)].sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const b = dto.branches.find((x) => x.name === name)!;
    const chain = chains.get(name)!;
    let forkedFrom: BranchRow['forkedFrom'] = null;
    let common = 0;
    if (name !== 'main') {
      let best = -1;
      for (const other of names) {
        if (other === name) continue;
        const oc = chains.get(other)!;
        let k = 0;
        while (k < chain.length && k < oc.length && chain[k]!.commit === oc[k]!.commit) k++;
        if (k > best) {
          best = k;
          forkedFrom = { branch: other, commit: k > 0 ? chain[k - 1]!.commit : null, tick: k > 0 ? chain[k - 1]!.tick : 0 };
        }
      }
      common = Math.max(0, best);
    }
    const ownPart = chain.slice(common);
    return {
      name,
      head: b.head,
      tick: b.tick,
      active: name === dto.active,
      forkedFrom,
      own: ownPart.length,
      merges: ownPart.filter((c) => c.kind === 'merge'),
    };
  });
}

export type MarkKind = 'rejected' | 'fork' | 'merge';
export interface ScrubberMark {
  readonly tick: number;
  readonly kind: MarkKind;
  readonly commit: Hex;
  readonly title: string;
}

/** Fork points of other branches on `dto`'s chains: commit → branch names. */
function forkPoints(dto: TimelineDto | null): Map<Hex, string[]> {
  const forkAt = new Map<Hex, string[]>();
  for (const row of branchTree(dto)) {
    if (row.forkedFrom?.commit) forkAt.set(row.forkedFrom.commit, [...(forkAt.get(row.forkedFrom.commit) ?? []), row.name]);
  }
  return forkAt;
}

/** Mark kinds in the order a commit's marks are listed. */
const MARK_KINDS: readonly MarkKind[] = ['rejected', 'merge', 'fork'];
const MARK_NOUN: Record<MarkKind, string> = { rejected: 'ticks with rejections', fork: 'fork points', merge: 'merges' };

/** Whether commit `c` carries a mark of `kind` (`forkAt`: fork points, from `forkPoints`). */
function hasMark(kind: MarkKind, c: CommitDto, forkAt: ReadonlyMap<Hex, string[]>): boolean {
  return kind === 'rejected' ? c.rejected > 0 : kind === 'merge' ? c.kind === 'merge' : forkAt.has(c.commit);
}

function markTitle(kind: MarkKind, c: CommitDto, forkAt: ReadonlyMap<Hex, string[]>): string {
  if (kind === 'rejected') return `tick ${c.tick}: ${c.rejected} rejected`;
  if (kind === 'merge') return `tick ${c.tick}: merge`;
  return `tick ${c.tick}: fork point of ${forkAt.get(c.commit)!.join(', ')}`;
}

/** Marks on the scrubber of `chain`: rejections, fork points of other branches, merge commits. */
export function scrubberMarks(dto: TimelineDto | null, chain: readonly CommitDto[]): ScrubberMark[] {
  const marks: ScrubberMark[] = [];
  const forkAt = forkPoints(dto);
  for (const c of chain) {
    for (const kind of MARK_KINDS) if (hasMark(kind, c, forkAt)) marks.push({ tick: c.tick, kind, commit: c.commit, title: markTitle(kind, c, forkAt) });
  }
  return marks;
}

/** A scrubber mark as drawn: one per (bin, kind), at a fraction of the track. */
export interface DrawnMark {
  readonly kind: MarkKind;
  /** Bin number (the React key with `kind`). */
  readonly bin: number;
  /** Where on the track, 0 (U0) … 1 (the last commit). */
  readonly at: number;
  readonly count: number;
  readonly title: string;
}

/**
 * The marks of `chain` as drawn on the scrubber. Up to `bins` commits each mark keeps its own place
 * (tick / length). Beyond that the track is cut into `bins` equal parts at fixed places, and each
 * part shows one mark per kind whose title counts them: the number of elements stays bounded however
 * long the chain grows, a mark does not move when the chain grows by one, and no per-commit mark
 * object is made (one pass over the chain, O(length) with a small constant).
 */
export function drawnMarks(dto: TimelineDto | null, chain: readonly CommitDto[], bins: number): DrawnMark[] {
  const max = chain.length;
  if (max === 0) return [];
  if (max <= bins) return scrubberMarks(dto, chain).map((m) => ({ kind: m.kind, bin: m.tick, at: m.tick / max, count: 1, title: m.title }));
  const forkAt = forkPoints(dto);
  const kinds = MARK_KINDS.length;
  const count = new Int32Array(kinds * bins);
  const first = new Int32Array(kinds * bins);
  const last = new Int32Array(kinds * bins);
  const add = (k: number, bin: number, i: number) => {
    const j = k * bins + bin;
    if (count[j]++ === 0) first[j] = i;
    last[j] = i;
  };
  for (let i = 0; i < max; i++) {
    const c = chain[i]!;
    const bin = Math.min(bins - 1, Math.floor((i * bins) / max));
    for (let k = 0; k < kinds; k++) if (hasMark(MARK_KINDS[k]!, c, forkAt)) add(k, bin, i);
  }
  const out: DrawnMark[] = [];
  for (let k = 0; k < kinds; k++) {
    const kind = MARK_KINDS[k]!;
    for (let bin = 0; bin < bins; bin++) {
      const j = k * bins + bin;
      const n = count[j]!;
      if (n === 0) continue;
      const c = chain[first[j]!]!;
      const title = n === 1 ? markTitle(kind, c, forkAt) : `ticks ${c.tick}–${chain[last[j]!]!.tick}: ${n} ${MARK_NOUN[kind]}`;
      out.push({ kind, bin, at: (bin + 0.5) / bins, count: n, title });
    }
  }
  return out;
}

/**
 * The commits a commit picker lists: the `limit` most recently created (the DTO lists commits in
 * creation order) plus any of `keep` (the picked ones) that are older, newest tick first. Bounded,
 * so a long history neither sorts every commit nor draws thousands of options per timeline update.
 */
export function commitOptions(dto: TimelineDto | null, keep: readonly (Hex | null | undefined)[], limit: number): CommitDto[] {
  if (!dto) return [];
  const recent = dto.commits.slice(-limit);
  const listed = new Set(recent.map((c) => c.commit));
  const index = commitIndex(dto);
  for (const k of keep) {
    const c = k ? index.get(k) : undefined;
    if (c && !listed.has(c.commit)) {
      listed.add(c.commit);
      recent.push(c);
    }
  }
  return recent.sort((a, b) => b.tick - a.tick || (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0));
}

/** Smallest unused `fork-N`. */
export function nextForkName(dto: TimelineDto | null): string {
  const names = new Set(dto?.branches.map((b) => b.name) ?? []);
  for (let i = 1; ; i++) if (!names.has(`fork-${i}`)) return `fork-${i}`;
}

// ------------------------------------------------------------------- badge

export interface SyncBadge {
  readonly level: 'ok' | 'error' | 'pending';
  readonly text: string;
}

/** The top bar's verified badge: gapless delta chain (and replay-verify, when run) or a loud error. */
export function syncBadge(s: EchoState): SyncBadge {
  const g = s.graph;
  if (!g.loaded) return { level: 'pending', text: 'connecting…' };
  if (!g.sync.ok) return { level: 'error', text: `DESYNC: ${g.sync.error ?? 'tick stream broken'}` };
  const v = s.timeline.verify[s.timeline.dto?.active ?? g.branch];
  if (v && !v.ok) return { level: 'error', text: `replay failed at ${shortHash(v.firstBad)}: ${v.error ?? 'hash mismatch'}` };
  if (s.timeline.dto && !s.timeline.dto.verified) return { level: 'error', text: 'host reports the timeline unverified' };
  return { level: 'ok', text: `in sync with commit ${shortHash(g.commit)}` };
}

// ------------------------------------------------------------------- graph

/**
 * Fill colours for node types: well-separated hues that stay clear of the footprint colours
 * (blue reads, orange writes, red blockers, yellow selection).
 */
export const TYPE_PALETTE = ['#14b8a6', '#a855f7', '#84cc16', '#ec4899', '#92400e', '#64748b', '#ca8a04', '#94a3b8', '#6366f1', '#15803d'] as const;

/** Gives every type not yet in `index` the next palette slot, in sorted type order (deterministic). */
export function assignTypeIndex(index: Readonly<Record<Hex, number>>, types: Iterable<Hex>): Readonly<Record<Hex, number>> {
  const fresh = Array.from(new Set(types))
    .filter((t) => index[t] === undefined)
    .sort();
  if (fresh.length === 0) return index;
  const out: Record<Hex, number> = { ...index };
  let next = Object.keys(index).length;
  for (const t of fresh) out[t] = next++;
  return out;
}

/** Colour of a type: its palette slot when it has one, else a hue derived from the type id. */
export function typeColour(type: Hex, theme: 'dark' | 'light' = 'dark', slot?: number): string {
  if (slot !== undefined && slot < TYPE_PALETTE.length) return TYPE_PALETTE[slot]!;
  const hue = parseInt(type.slice(0, 6) || '0', 16) % 360;
  const sat = 55 + (parseInt(type.slice(6, 8) || '0', 16) % 25);
  return theme === 'dark' ? `hsl(${hue}, ${sat}%, 62%)` : `hsl(${hue}, ${sat}%, 42%)`;
}

/** A node's display name: its label, else its type label and a short id. */
export function nodeName(n: Pick<GraphNodeDto, 'label' | 'id'> & { typeLabel?: string }): string {
  return n.label ?? (n.typeLabel ? `${n.typeLabel}:${n.id.slice(0, 6)}` : n.id.slice(0, 8));
}

export function typeName(t: { typeLabel?: string; type: Hex }): string {
  return t.typeLabel ?? t.type.slice(0, 8);
}

/** The warp the canvas shows (the root warp unless a portal was opened). */
export function viewedWarp(s: EchoState): Hex {
  return s.ui.viewWarp ?? s.graph.rootWarp;
}

export function nodesInWarp(nodes: Readonly<Record<ElementKey, GraphNodeDto>>, warp: Hex): GraphNodeDto[] {
  return Object.values(nodes)
    .filter((n) => n.warp === warp)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function edgesInWarp(edges: Readonly<Record<ElementKey, GraphEdgeDto>>, warp: Hex): GraphEdgeDto[] {
  return Object.values(edges)
    .filter((e) => e.warp === warp)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface LegendEntry {
  readonly type: Hex;
  readonly label: string;
  readonly count: number;
}

/** Types present among `nodes`, with counts, by label. */
export function legendEntries(nodes: readonly GraphNodeDto[]): LegendEntry[] {
  const m = new Map<Hex, { label: string; count: number }>();
  for (const n of nodes) {
    const e = m.get(n.type) ?? { label: typeName(n), count: 0 };
    e.count++;
    m.set(n.type, e);
  }
  return Array.from(m.entries())
    .map(([type, e]) => ({ type, ...e }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * Search: `type:x` matches the type label or type id; `id:x` an id prefix; anything else a
 * case-insensitive substring of label, type label or id.
 */
export function matchesSearch(n: GraphNodeDto, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (q.startsWith('type:')) {
    const t = q.slice(5).trim();
    return (n.typeLabel ?? '').toLowerCase().includes(t) || n.type.startsWith(t);
  }
  if (q.startsWith('id:')) return n.id.startsWith(q.slice(3).trim());
  return (n.label ?? '').toLowerCase().includes(q) || (n.typeLabel ?? '').toLowerCase().includes(q) || n.id.startsWith(q);
}

export interface VisibleSet {
  readonly mode: 'all' | 'focus';
  /** Node keys to draw. */
  readonly nodes: ReadonlySet<ElementKey>;
  /** Elements in the viewed warp (nodes + edges). */
  readonly total: number;
  /** Focus mode: the k-hop context was cut short to stay within the threshold. */
  readonly truncated?: boolean;
}

/**
 * Which nodes the canvas draws: all of the warp's, or — above `threshold` elements and without
 * "show all" — the focus (selection, footprint, search hits) plus up to `hops` hops around it.
 * The context never makes the drawn elements (nodes + the edges among them) exceed `threshold`:
 * hops are added breadth-first in sorted key order until the next node would overflow it
 * (`truncated`), so a hub with 100k neighbours shows a bounded neighbourhood, not the whole graph.
 * The focus nodes themselves are always drawn.
 */
export function visibleNodes(
  nodes: readonly GraphNodeDto[],
  edges: readonly GraphEdgeDto[],
  opts: { threshold: number; showAll: boolean; hops: number; focus: readonly ElementKey[]; filter?: (n: GraphNodeDto) => boolean },
): VisibleSet {
  const total = nodes.length + edges.length;
  const pool = opts.filter ? nodes.filter(opts.filter) : nodes;
  if (opts.showAll || total <= opts.threshold) return { mode: 'all', nodes: new Set(pool.map((n) => elementKey(n.warp, n.id))), total };
  const allowed = new Set(pool.map((n) => elementKey(n.warp, n.id)));
  // Undirected adjacency, one entry per edge end (a self-loop once).
  const adj = new Map<ElementKey, ElementKey[]>();
  for (const e of edges) {
    const a = elementKey(e.warp, e.from);
    const b = elementKey(e.warp, e.to);
    (adj.get(a) ?? adj.set(a, []).get(a)!).push(b);
    if (a !== b) (adj.get(b) ?? adj.set(b, []).get(b)!).push(a);
  }
  const out = new Set<ElementKey>();
  let elements = 0;
  /** Elements that drawing `k` adds: the node and its edges to nodes already drawn. */
  const cost = (k: ElementKey) => {
    let c = 1;
    for (const m of adj.get(k) ?? []) if (out.has(m) || m === k) c++;
    return c;
  };
  let frontier = opts.focus.filter((k) => allowed.has(k));
  for (const k of frontier) {
    if (out.has(k)) continue;
    elements += cost(k);
    out.add(k);
  }
  let truncated = false;
  for (let h = 0; h < opts.hops && frontier.length && !truncated; h++) {
    const next: ElementKey[] = [];
    const candidates = new Set<ElementKey>();
    for (const k of frontier) for (const m of adj.get(k) ?? []) if (!out.has(m) && allowed.has(m)) candidates.add(m);
    for (const m of Array.from(candidates).sort()) {
      const c = cost(m);
      if (elements + c > opts.threshold) {
        truncated = true;
        break;
      }
      elements += c;
      out.add(m);
      next.push(m);
    }
    frontier = next;
  }
  return { mode: 'focus', nodes: out, total, truncated };
}

// -------------------------------------------------------------------- ticks

/** "α(cell-0-2)", "β(edge-x)", "node(cell-1-1)", "edge(…)", "port 3". */
export function slotText(s: SlotDto): string {
  switch (s.kind) {
    case 'attachment':
      return `${s.plane === 'alpha' ? 'α' : 'β'}(${s.label ?? s.id.slice(0, 8)})`;
    case 'node':
    case 'edge':
      return `${s.kind}(${s.label ?? s.id.slice(0, 8)})`;
    case 'port':
      return `port ${s.port}`;
  }
}

function accessVerb(a: string): string {
  switch (a) {
    case 'read':
      return 'reads';
    case 'write':
      return 'writes';
    case 'port-in':
      return 'binds in-port';
    case 'port-out':
      return 'binds out-port';
    default:
      return a;
  }
}

/** "reads α(cell-0-2), which demo/diffuse at #0 writes" — one exact overlapping slot. */
export function overlapSentence(ov: OverlapDto, blocker: Pick<CandidateDto, 'rule' | 'index'>): string {
  const also = ov.candidate === ov.blocker ? 'also ' : '';
  return `${accessVerb(ov.candidate)} ${slotText(ov.slot)}, which ${blocker.rule} at #${blocker.index} ${also}${accessVerb(ov.blocker)}`;
}

export function scopeText(c: Pick<CandidateDto, 'scopeLabel' | 'scope'>): string {
  return c.scopeLabel ?? c.scope.slice(0, 8);
}

/** The element a slot lives on (a node or an edge of the canvas), or null for ports. */
export function slotElement(s: SlotDto): { kind: 'node' | 'edge'; key: ElementKey } | null {
  if (s.kind === 'port') return null;
  if (s.kind === 'attachment') return { kind: s.owner, key: elementKey(s.warp, s.id) };
  return { kind: s.kind, key: elementKey(s.warp, s.id) };
}

export interface FootprintOverlay {
  readonly reads: ReadonlySet<ElementKey>;
  readonly writes: ReadonlySet<ElementKey>;
  readonly blockers: ReadonlySet<ElementKey>;
  readonly scope: ElementKey | null;
}

/** Canvas overlay of one candidate: elements read, written, and the scopes of its blockers. */
export function footprintOverlay(c: CandidateDto | null, all: readonly CandidateDto[]): FootprintOverlay {
  const reads = new Set<ElementKey>();
  const writes = new Set<ElementKey>();
  const blockers = new Set<ElementKey>();
  if (!c) return { reads, writes, blockers, scope: null };
  for (const s of c.footprint.reads) {
    const el = slotElement(s);
    if (el) reads.add(el.key);
  }
  for (const s of c.footprint.writes) {
    const el = slotElement(s);
    if (el) writes.add(el.key);
  }
  for (const b of c.blockedBy) {
    const bc = all[b];
    if (bc) blockers.add(elementKey(bc.scopeWarp, bc.scope));
  }
  return { reads, writes, blockers, scope: elementKey(c.scopeWarp, c.scope) };
}

// ------------------------------------------------------------------ profile

export interface ProfileRow {
  readonly tick: number;
  readonly commit: Hex;
  readonly kind: 'tick' | 'merge';
  readonly candidates: number;
  readonly applied: number;
  readonly rejected: number;
  readonly ops: number;
  /** Wall time on the host; null when unknown. Not deterministic. */
  readonly millis: number | null;
  readonly perRule: TickSummaryDto['perRule'];
}

/** One row per commit of `chain` whose summary is known. */
export function profileRows(chain: readonly CommitDto[], summaries: { get(commit: Hex): TickSummaryDto | undefined }): ProfileRow[] {
  const rows: ProfileRow[] = [];
  for (const c of chain) {
    const s = summaries.get(c.commit);
    if (!s) continue;
    rows.push({ tick: c.tick, commit: c.commit, kind: s.kind, candidates: s.candidates, applied: s.applied, rejected: s.rejected, ops: s.ops, millis: s.millis > 0 ? s.millis : null, perRule: s.perRule });
  }
  return rows;
}

/** Per-rule totals over rows, by rule name. */
export function ruleTotals(rows: readonly ProfileRow[]): { rule: string; applied: number; rejected: number }[] {
  const m = new Map<string, { applied: number; rejected: number }>();
  for (const r of rows)
    for (const p of r.perRule) {
      const x = m.get(p.rule) ?? { applied: 0, rejected: 0 };
      x.applied += p.applied;
      x.rejected += p.rejected;
      m.set(p.rule, x);
    }
  return Array.from(m.entries())
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([rule, x]) => ({ rule, ...x }));
}

// -------------------------------------------------------------- determinism

/** "A = B = C ✓" when all runs agree, else e.g. "A = B ≠ C at tick 7". Letters follow chain order. */
export function determinismText(d: DeterminismDto): string {
  const letters = d.chains.map((_, i) => String.fromCharCode(65 + i));
  if (d.agree) return `${letters.join(' = ')} ✓ (${d.ticks} ticks)`;
  const k = (d.firstDifference?.tick ?? 1) - 1;
  const ref = d.chains[0]?.heads[k];
  let s = letters[0]!;
  for (let i = 1; i < d.chains.length; i++) s += `${d.chains[i]!.heads[k] === ref ? ' = ' : ' ≠ '}${letters[i]}`;
  return `${s} at tick ${d.firstDifference?.tick ?? '?'}`;
}

/** Every conflict of the prepared merge has a resolution. */
export function mergeReady(s: EchoState): boolean {
  const m = s.timeline.merge;
  return !!m && m.preview.conflicts.every((c) => m.resolutions[c.key] !== undefined);
}
