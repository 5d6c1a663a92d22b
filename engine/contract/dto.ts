/**
 * Plain-data shapes that cross the IPC / WebSocket boundary. Only structured-clone-safe values:
 * objects, arrays, strings, numbers, booleans, null. Ids are lowercase 64-digit hex (`Hex`).
 * Nothing here is hashed; canonical bytes never travel as JSON.
 */

/** Lowercase hex of a 32-byte id. */
export type Hex = string;

export interface AttachmentDto {
  readonly kind: 'atom' | 'descend';
  /** Atom: type id; descend: child warp. */
  readonly typeId?: Hex;
  readonly warp?: Hex;
  /** Name of the world codec that decoded it, when one matched. */
  readonly codec?: string;
  /** Decoded value (plain data) from the world's codec. */
  readonly decoded?: unknown;
  /** Raw bytes as hex (atoms). */
  readonly hex?: string;
  readonly length?: number;
}

/**
 * A node as the graph views hold it (snapshots and tick deltas): its shape and what the canvas
 * draws, never its attachment's value. A world that rewrites 100k attachments per tick changes no
 * graph record, so its tick deltas stay small; the inspector asks for values (`echo:query.node`).
 */
export interface GraphNodeDto {
  readonly id: Hex;
  readonly warp: Hex;
  readonly type: Hex;
  /** Human label when the id was derived from a known label (e.g. makeNodeId("cell-0-0")). */
  readonly label?: string;
  readonly typeLabel?: string;
  /** The child warp, when the node's α attachment is a portal (descend); absent otherwise. */
  readonly portal?: Hex;
  /** True when reachable from the root (only reachable nodes count in the state root). */
  readonly reachable: boolean;
}

/** An edge as the graph views hold it: its shape, never its β attachment (`echo:query.edge`). */
export interface GraphEdgeDto {
  readonly id: Hex;
  readonly warp: Hex;
  readonly from: Hex;
  readonly to: Hex;
  readonly type: Hex;
  readonly label?: string;
  readonly typeLabel?: string;
}

/** A node with its α attachment decoded (the inspector's `echo:query.node`). */
export interface NodeDto extends Omit<GraphNodeDto, 'portal'> {
  readonly attachment: AttachmentDto | null;
}

/** An edge with its β attachment decoded (the inspector's `echo:query.edge`). */
export interface EdgeDto extends GraphEdgeDto {
  readonly attachment: AttachmentDto | null;
}

export interface InstanceDto {
  readonly warp: Hex;
  readonly rootNode: Hex;
  readonly label?: string;
  /** The portal slot: owner node/edge id in the parent warp. */
  readonly parent: { readonly owner: 'node' | 'edge'; readonly warp: Hex; readonly local: Hex } | null;
}

/** The whole graph at one commit (sent once per subscription, never per tick). */
export interface GraphSnapshotDto {
  readonly commit: Hex | null;
  readonly tick: number;
  readonly branch: string;
  readonly rootWarp: Hex;
  readonly rootNode: Hex;
  readonly instances: readonly InstanceDto[];
  readonly nodes: readonly GraphNodeDto[];
  readonly edges: readonly GraphEdgeDto[];
}

/** The change between two consecutive commits of the viewed branch. */
export interface GraphDeltaDto {
  readonly fromCommit: Hex | null;
  readonly toCommit: Hex;
  /**
   * Nodes whose graph record changed (created, type, label, reachability, portal). An attachment
   * value rewrite alone changes no graph record and is not listed; `valueChanges` counts those.
   */
  readonly upsertNodes: readonly GraphNodeDto[];
  readonly removeNodes: readonly { readonly warp: Hex; readonly id: Hex }[];
  readonly upsertEdges: readonly GraphEdgeDto[];
  readonly removeEdges: readonly { readonly warp: Hex; readonly id: Hex }[];
  readonly instances: readonly InstanceDto[];
  /** Attachments (α and β) whose value changed with no change to any graph record. */
  readonly valueChanges: number;
}

export interface RuleCountDto {
  readonly rule: string;
  readonly applied: number;
  readonly rejected: number;
}

/** Hashes and counts of one commit. */
export interface TickSummaryDto {
  readonly commit: Hex;
  readonly parents: readonly Hex[];
  readonly tick: number;
  readonly branch: string;
  readonly kind: 'tick' | 'merge';
  readonly stateRoot: Hex;
  readonly patchDigest: Hex;
  readonly planDigest: Hex;
  readonly decisionDigest: Hex;
  readonly rewritesDigest: Hex;
  readonly candidates: number;
  readonly applied: number;
  readonly rejected: number;
  readonly ops: number;
  readonly perRule: readonly RuleCountDto[];
  /** Wall time of the commit on the host (not deterministic; never hashed). */
  readonly millis: number;
}

/** A tick event: the summary plus the graph delta that reaches `summary.commit`. */
export interface TickEventDto {
  readonly summary: TickSummaryDto;
  readonly delta: GraphDeltaDto;
  /** Sequence number of the event stream (gapless per subscription). */
  readonly seq: number;
}

export type SlotDto =
  | { readonly kind: 'node' | 'edge'; readonly warp: Hex; readonly id: Hex; readonly label?: string }
  | { readonly kind: 'attachment'; readonly owner: 'node' | 'edge'; readonly plane: 'alpha' | 'beta'; readonly warp: Hex; readonly id: Hex; readonly label?: string }
  | { readonly kind: 'port'; readonly port: string };

export interface FootprintDto {
  readonly reads: readonly SlotDto[];
  readonly writes: readonly SlotDto[];
  readonly ports: readonly SlotDto[];
}

export interface OverlapDto {
  readonly slot: SlotDto;
  readonly candidate: string;
  readonly blocker: string;
}

export interface CandidateDto {
  readonly index: number;
  readonly rule: string;
  readonly ruleId: Hex;
  readonly scope: Hex;
  readonly scopeWarp: Hex;
  readonly scopeLabel?: string;
  readonly scopeHash: Hex;
  readonly disposition: 'applied' | 'rejected';
  readonly blockedBy: readonly number[];
  readonly footprint: FootprintDto;
  /** For a rejected candidate: per blocker, the exact overlapping slots. */
  readonly overlaps: readonly { readonly blocker: number; readonly slots: readonly OverlapDto[] }[];
}

export interface OpDto {
  readonly op: string;
  readonly key: string;
  readonly summary: string;
}

export interface TickDetailDto {
  readonly summary: TickSummaryDto;
  readonly candidates: readonly CandidateDto[];
  readonly ops: readonly OpDto[];
  readonly inSlots: readonly SlotDto[];
  readonly outSlots: readonly SlotDto[];
  readonly inputs: readonly string[];
}

export interface CommitDto {
  readonly commit: Hex;
  readonly parents: readonly Hex[];
  readonly tick: number;
  readonly kind: 'tick' | 'merge';
  readonly createdOn: string;
  readonly rejected: number;
}

export interface BranchDto {
  readonly name: string;
  readonly head: Hex | null;
  readonly tick: number;
}

/**
 * The timeline: branches, the commit DAG, the viewed commit.
 *
 * `commits` lists commits in the order the host created them (that order never changes: commits
 * are only ever added). `echo:timeline.get` and `echo:session.import` carry the whole list (`base` 0);
 * an `echo:timeline.changed` event carries only the commits created since the host's previous
 * event that no `echo:tick` event carried (`base` = how many came before them), and the replies of
 * fork, switch and merge are the event they caused — so a seek, fork or branch switch in a long
 * history costs no more than its news. A receiver that does not hold exactly the first `base` commits of the
 * same `epoch` asks for the whole timeline (`echo:timeline.get`).
 */
export interface TimelineDto {
  readonly active: string;
  readonly branches: readonly BranchDto[];
  readonly commits: readonly CommitDto[];
  /** Commits created before the first of `commits` and not repeated here (0: `commits` is complete). */
  readonly base: number;
  /** Which timeline this is: a new world or an imported session starts another epoch. */
  readonly epoch: number;
  /** The commit the view shows (the active head unless scrubbed back). */
  readonly viewing: Hex | null;
  readonly verified: boolean;
}

export interface WorldDto {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly rules: readonly string[];
  readonly codecs: readonly string[];
  /** Codecs that can also encode a value (usable in attachment edits). */
  readonly encoders: readonly string[];
  /** Executors' ops are checked against their declared write footprints (world opt-out: false). */
  readonly strictFootprints: boolean;
  /** The world consumes intents (registers `sys/ack_pending`): `echo:intent.ingest` is served. */
  readonly intents: boolean;
}

export interface NodeDetailDto {
  readonly node: NodeDto;
  readonly out: readonly EdgeDto[];
  readonly in: readonly EdgeDto[];
  readonly provenance: readonly ProvenanceDto[];
}

export interface EdgeDetailDto {
  readonly edge: EdgeDto;
  /** Who wrote the edge record and its β attachment, and when (oldest first). */
  readonly provenance: readonly ProvenanceDto[];
}

export interface ProvenanceDto {
  readonly commit: Hex;
  readonly tick: number;
  readonly by: string;
  readonly before: string;
  readonly after: string;
}

export interface MergeConflictDto {
  readonly key: string;
  readonly slot: string;
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
  readonly oursCommits: readonly Hex[];
  readonly theirsCommits: readonly Hex[];
}

export interface MergePreviewDto {
  readonly base: Hex | null;
  readonly ours: Hex | null;
  readonly theirs: Hex | null;
  readonly clean: number;
  readonly conflicts: readonly MergeConflictDto[];
}

export interface DivergenceDto {
  readonly index: number | null;
  readonly a: Hex | null;
  readonly b: Hex | null;
  readonly hashCompares: number;
  readonly receipts: { readonly onlyA: readonly string[]; readonly onlyB: readonly string[] };
  readonly ops: { readonly onlyA: readonly string[]; readonly onlyB: readonly string[] };
}

export interface DiffDto {
  readonly a: Hex | null;
  readonly b: Hex | null;
  readonly ops: readonly OpDto[];
  readonly slots: readonly SlotDto[];
}

export interface VerifyDto {
  readonly branch: string;
  readonly ok: boolean;
  readonly count: number;
  readonly firstBad?: Hex;
  readonly error?: string;
}

export interface DeterminismDto {
  readonly ticks: number;
  readonly chains: readonly { readonly label: string; readonly heads: readonly Hex[] }[];
  readonly agree: boolean;
  readonly firstDifference: { readonly tick: number; readonly labels: readonly string[] } | null;
}

export interface ErrorDto {
  readonly code: string;
  readonly message: string;
}

/** Plain JSON data (what a world codec's `encode` receives). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** A new atom attachment: raw bytes with their type id, or a value encoded by a world codec. */
export type AttachmentInputDto = { readonly typeId: Hex; readonly hex: string } | { readonly codec: string; readonly value: JsonValue };

/**
 * One direct edit from the UI. Ids: an explicit `id`, or a `name` the host derives it from
 * (`makeNodeId(name)` / `makeEdgeId(name)`); types: `type` (hex) or `typeName` (`makeTypeId`);
 * an edge's target: `to` (hex) or `toName` (`makeNodeId(toName)`, e.g. a node added just before).
 */
export type EditDto =
  | { readonly kind: 'setAttachment'; readonly owner: 'node' | 'edge'; readonly warp: Hex; readonly id: Hex; readonly value: AttachmentInputDto | null }
  | { readonly kind: 'addNode'; readonly warp: Hex; readonly id?: Hex; readonly name?: string; readonly type?: Hex; readonly typeName?: string }
  | { readonly kind: 'deleteNode'; readonly warp: Hex; readonly id: Hex }
  | { readonly kind: 'addEdge'; readonly warp: Hex; readonly from: Hex; readonly to?: Hex; readonly toName?: string; readonly id?: Hex; readonly name?: string; readonly type?: Hex; readonly typeName?: string }
  | { readonly kind: 'deleteEdge'; readonly warp: Hex; readonly id: Hex };

/** The commit that carries the edits (as inputs of the next tick, which the host runs at once). */
export interface EditResultDto {
  readonly summary: TickSummaryDto;
  /** Ids created by `addNode` / `addEdge` edits, in request order. */
  readonly created: readonly Hex[];
}

export interface IngestResultDto {
  readonly intentId: Hex;
  readonly disposition: 'accepted' | 'duplicate';
  /** The commit that carries the ingest (the next tick, run at once). */
  readonly summary: TickSummaryDto;
}

/** Progress of a long operation started with an `op` id (throttled; never hashed). */
export interface OpProgressDto {
  readonly op: string;
  readonly label: string;
  readonly done: number;
  readonly total: number;
}
