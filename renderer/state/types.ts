/**
 * The shape of the renderer's one store (STYLE.md item 11): five slices, each a nested object
 * holding its data and the actions that change it. Slice factories live in `slices/`; the store is
 * assembled in `store.ts`. Contract types are imported as types only.
 */
import type { SummaryIndex } from './summaryIndex';
import type {
  DeterminismDto,
  DiffDto,
  DivergenceDto,
  EdgeDetailDto,
  GraphEdgeDto,
  GraphSnapshotDto,
  Hex,
  InstanceDto,
  MergePreviewDto,
  NodeDetailDto,
  GraphNodeDto,
  OpProgressDto,
  Resolution,
  TickDetailDto,
  TickEventDto,
  TickSummaryDto,
  TimelineDto,
  VerifyDto,
  WorldDto,
} from '../../engine/contract/index';
import type { AppliedDelta } from './deltaRecords';

/** Store key of a node or edge: ids are per warp instance, so the warp is part of the key. */
export type ElementKey = string;

/**
 * What changed in the graph slice last: consumers (the canvas) apply it imperatively. Key lists are
 * in the order the host sent them (not sorted: a 100k-entity tick would spend ~70 ms sorting keys
 * nobody needs sorted); consumers that apply in id order sort what they use.
 */
export type GraphChange =
  | { readonly kind: 'reset' }
  | {
      readonly kind: 'delta';
      readonly upsertNodes: readonly ElementKey[];
      readonly removeNodes: readonly ElementKey[];
      readonly upsertEdges: readonly ElementKey[];
      readonly removeEdges: readonly ElementKey[];
      /**
       * The graph's shape changed: an element was added or removed, or an edge was re-pointed.
       * False for a tick that only rewrote existing records (attachments, types, labels).
       */
      readonly structural: boolean;
    };

/** The gapless-chain check over tick events (each delta starts where the view is; seq + 1). */
export interface SyncState {
  /** Last event sequence number seen (null: none since the world loaded). */
  readonly seq: number | null;
  readonly ok: boolean;
  /** Set on the first broken link; stays until a resync. */
  readonly error: string | null;
  /** Number of deltas applied since the last snapshot. */
  readonly deltasApplied: number;
}

/** Outcome of offering a tick event to the graph slice. */
export type TickOutcome = 'applied' | 'ignored' | 'resync' | 'desync';

export interface GraphSlice {
  readonly graph: {
    readonly loaded: boolean;
    readonly commit: Hex | null;
    readonly tick: number;
    readonly branch: string;
    readonly rootWarp: Hex;
    readonly rootNode: Hex;
    readonly instances: readonly InstanceDto[];
    readonly nodes: Readonly<Record<ElementKey, GraphNodeDto>>;
    readonly edges: Readonly<Record<ElementKey, GraphEdgeDto>>;
    /** Palette slot per node type, assigned in order of first sight (sorted within a batch). */
    readonly typeIndex: Readonly<Record<Hex, number>>;
    /** True when the view shows the active branch head (ticks extend it). */
    readonly live: boolean;
    /** A snapshot request is in flight: tick deltas are covered by it and ignored. */
    readonly resyncing: boolean;
    readonly version: number;
    /** Bumped by snapshots and by deltas that change the shape or node types (legend counts). */
    readonly shapeVersion: number;
    readonly change: GraphChange | null;
    readonly sync: SyncState;
    applySnapshot(s: GraphSnapshotDto, live: boolean): void;
    /** `prepared`: the delta's records computed in slices beforehand (used if still current). */
    receiveTick(e: TickEventDto, prepared?: AppliedDelta): TickOutcome;
    /** A tick event already covered by a later snapshot: only its sequence number is recorded. */
    coverTick(seq: number): void;
    beginResync(): void;
    endResync(): void;
    resetSync(): void;
  };
}

export interface TimelineSlice {
  readonly timeline: {
    readonly dto: TimelineDto | null;
    /** Summaries seen (tick events, tick details), by commit. */
    readonly summaries: SummaryIndex;
    readonly verify: Readonly<Record<string, VerifyDto>>;
    readonly divergence: (DivergenceDto & { readonly aName: string; readonly bName: string }) | null;
    readonly merge: {
      readonly ours: string;
      readonly theirs: string;
      readonly preview: MergePreviewDto;
      readonly resolutions: Readonly<Record<string, Resolution>>;
    } | null;
    setTimeline(dto: TimelineDto): void;
    /** Extends the commit list and the branch head from a tick summary (no round trip). */
    applySummary(s: TickSummaryDto): void;
    /** `applySummary` for each, in order, as one store update (copies the records once). */
    applySummaries(list: readonly TickSummaryDto[]): void;
    addSummary(s: TickSummaryDto): void;
    setVerify(v: VerifyDto): void;
    setDivergence(d: (DivergenceDto & { aName: string; bName: string }) | null): void;
    openMerge(ours: string, theirs: string, preview: MergePreviewDto): void;
    resolve(key: string, r: Resolution): void;
    resolveAll(r: Resolution): void;
    closeMerge(): void;
  };
}

export type Selected = { readonly warp: Hex; readonly id: Hex } | null;

export interface SelectionSlice {
  readonly selection: {
    readonly node: Selected;
    readonly edge: Selected;
    /** Index (canonical order) of the selected candidate of the viewed tick. */
    readonly candidate: number | null;
    selectNode(warp: Hex, id: Hex): void;
    selectEdge(warp: Hex, id: Hex): void;
    selectCandidate(i: number | null): void;
    clear(): void;
  };
}

export type InspectorTab = 'node' | 'tick' | 'diff' | 'profile';

export interface InspectorSlice {
  readonly inspector: {
    readonly tab: InspectorTab;
    readonly nodeDetail: NodeDetailDto | null;
    /** Detail of the selected edge (`echo:query.edge`): record, decoded β, provenance. */
    readonly edgeDetail: EdgeDetailDto | null;
    readonly tickDetail: TickDetailDto | null;
    readonly diff: DiffDto | null;
    /** Explicit diff endpoints; null = default (viewed tick vs its parent). */
    readonly diffPair: { readonly a: Hex | null; readonly b: Hex } | null;
    setTab(t: InspectorTab): void;
    setNodeDetail(d: NodeDetailDto | null): void;
    setEdgeDetail(d: EdgeDetailDto | null): void;
    setTickDetail(d: TickDetailDto | null): void;
    setDiff(d: DiffDto | null): void;
    setDiffPair(p: { a: Hex | null; b: Hex } | null): void;
  };
}

export type ToastLevel = 'error' | 'info' | 'success';
export interface Toast {
  readonly id: number;
  readonly level: ToastLevel;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}

/** A long operation the UI started (cancellable; progress from `echo:op.progress`). */
export interface OpState {
  readonly id: string;
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** Cancel was requested; the reply is still pending. */
  readonly cancelling: boolean;
}

export interface UiSlice {
  readonly ui: {
    readonly theme: 'dark' | 'light';
    readonly world: WorldDto | null;
    readonly playing: boolean;
    readonly ticksPerSecond: number;
    readonly stepN: number;
    readonly search: string;
    /** Hide (not just dim) elements that do not match the search. */
    readonly filterOnly: boolean;
    /** Which warp instance the canvas shows (null: the root warp). */
    readonly viewWarp: Hex | null;
    /** Above this many elements the canvas shows focus + k hops unless showAll. */
    readonly focusThreshold: number;
    readonly hops: number;
    readonly showAll: boolean;
    readonly determinism: DeterminismDto | null;
    readonly busy: Readonly<Record<string, boolean>>;
    /** Long operations in flight, by op id. */
    readonly ops: Readonly<Record<string, OpState>>;
    readonly toasts: readonly Toast[];
    readonly nextToastId: number;
    /** Bumped to ask the search box to take focus (keyboard "/"). */
    readonly searchFocus: number;
    setTheme(t: 'dark' | 'light'): void;
    setWorld(w: WorldDto | null): void;
    setPlaying(playing: boolean, tps?: number): void;
    setTicksPerSecond(tps: number): void;
    setStepN(n: number): void;
    setSearch(q: string): void;
    setFilterOnly(v: boolean): void;
    setViewWarp(w: Hex | null): void;
    setFocusThreshold(n: number): void;
    setHops(n: number): void;
    setShowAll(v: boolean): void;
    setDeterminism(d: DeterminismDto | null): void;
    setBusy(key: string, v: boolean): void;
    startOp(id: string, label: string): void;
    /** Progress of a known op (events for unknown ops are ignored). */
    opProgress(p: OpProgressDto): void;
    markCancelling(id: string): void;
    endOp(id: string): void;
    pushToast(t: Omit<Toast, 'id'>): number;
    dismissToast(id: number): void;
    focusSearch(): void;
  };
}

export type EchoState = GraphSlice & TimelineSlice & SelectionSlice & InspectorSlice & UiSlice;
