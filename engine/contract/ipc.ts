/**
 * The one IPC contract between the engine host and every UI (Electron renderer through the
 * preload bridge, or a browser page over WebSocket). Declares every channel once; both ends check
 * against these types, and `validate.ts` checks every incoming request at run time.
 *
 * Invariants:
 * - Channel names share the `echo:` prefix; invoke channels are request/response, event channels
 *   are pushes from the host.
 * - Payloads are plain data (see dto.ts); the contract names no transport.
 */
import type {
  DeterminismDto,
  DiffDto,
  DivergenceDto,
  EdgeDetailDto,
  EditDto,
  EditResultDto,
  ErrorDto,
  GraphSnapshotDto,
  Hex,
  IngestResultDto,
  MergePreviewDto,
  NodeDetailDto,
  OpProgressDto,
  ProvenanceDto,
  SlotDto,
  TickDetailDto,
  TickEventDto,
  TickSummaryDto,
  TimelineDto,
  VerifyDto,
  WorldDto,
} from './dto';

export type Resolution = 'ours' | 'theirs';

/**
 * Id of a long operation (`op` field of step, verify, merge, session export/import, determinism
 * check), chosen by the UI: `echo:op.cancel { op }` cancels it and `echo:op.progress` reports on it.
 * `[A-Za-z0-9._:-]{1,64}`.
 */
export type OpId = string;

/** Request/response channels. */
export interface EchoInvoke {
  'echo:world.load': { req: { world: string; params?: Record<string, string> }; res: WorldDto };
  'echo:world.info': { req: Record<string, never>; res: WorldDto };
  'echo:graph.snapshot': { req: { commit?: Hex | null }; res: GraphSnapshotDto };
  'echo:tick.step': { req: { n: number; op?: OpId }; res: TickSummaryDto[] };
  'echo:tick.play': { req: { ticksPerSecond: number }; res: { playing: boolean; ticksPerSecond: number } };
  'echo:tick.pause': { req: Record<string, never>; res: { playing: boolean } };
  'echo:tick.detail': { req: { commit: Hex }; res: TickDetailDto };
  'echo:timeline.get': { req: Record<string, never>; res: TimelineDto };
  'echo:timeline.seek': { req: { commit: Hex | null }; res: GraphSnapshotDto };
  'echo:timeline.fork': { req: { name: string; at?: Hex | null }; res: TimelineDto };
  'echo:timeline.switch': { req: { branch: string }; res: TimelineDto };
  'echo:timeline.verify': { req: { branch?: string; op?: OpId }; res: VerifyDto };
  'echo:timeline.mergePreview': { req: { ours: string; theirs: string }; res: MergePreviewDto };
  'echo:timeline.merge': { req: { ours: string; theirs: string; resolutions: Record<string, Resolution>; op?: OpId }; res: TimelineDto };
  'echo:timeline.diverge': { req: { a: string; b: string }; res: DivergenceDto };
  'echo:query.node': { req: { warp: Hex; id: Hex; commit?: Hex | null }; res: NodeDetailDto };
  'echo:query.diff': { req: { a: Hex | null; b: Hex }; res: DiffDto };
  'echo:query.blame': { req: { slot: SlotDto; branch?: string }; res: ProvenanceDto[] };
  'echo:session.export': { req: { op?: OpId }; res: { bytesBase64: string; commits: number } };
  'echo:session.import': { req: { bytesBase64: string; op?: OpId }; res: TimelineDto };
  'echo:determinism.check': { req: { ticks?: number; op?: OpId }; res: DeterminismDto };
  'echo:query.edge': { req: { warp: Hex; id: Hex; commit?: Hex | null }; res: EdgeDetailDto };
  /** Direct edits, applied in order and committed atomically as inputs of the next tick (run at once). */
  'echo:edit.apply': { req: { edits: EditDto[] }; res: EditResultDto };
  /** Ingests one intent (bytes as lowercase hex) and commits it with the next tick (run at once). */
  'echo:intent.ingest': { req: { hex: string }; res: IngestResultDto };
  /** Cancels the long operation `op` (running or queued); `cancelled` is false when none is known. */
  'echo:op.cancel': { req: { op: OpId }; res: { cancelled: boolean } };
}

/** Push events from the host. */
export interface EchoEvents {
  'echo:tick': TickEventDto;
  /** What changed in the timeline: the commits created since the previous event (see TimelineDto). */
  'echo:timeline.changed': TimelineDto;
  'echo:error': ErrorDto;
  'echo:playing': { playing: boolean; ticksPerSecond: number };
  'echo:op.progress': OpProgressDto;
}

export type InvokeChannel = keyof EchoInvoke;
export type EventChannel = keyof EchoEvents;
export type Req<K extends InvokeChannel> = EchoInvoke[K]['req'];
export type Res<K extends InvokeChannel> = EchoInvoke[K]['res'];

/** Every invoke channel, sorted (the preload exposes exactly these). */
export const INVOKE_CHANNELS: readonly InvokeChannel[] = [
  'echo:determinism.check',
  'echo:edit.apply',
  'echo:graph.snapshot',
  'echo:intent.ingest',
  'echo:op.cancel',
  'echo:query.blame',
  'echo:query.diff',
  'echo:query.edge',
  'echo:query.node',
  'echo:session.export',
  'echo:session.import',
  'echo:tick.detail',
  'echo:tick.pause',
  'echo:tick.play',
  'echo:tick.step',
  'echo:timeline.diverge',
  'echo:timeline.fork',
  'echo:timeline.get',
  'echo:timeline.merge',
  'echo:timeline.mergePreview',
  'echo:timeline.seek',
  'echo:timeline.switch',
  'echo:timeline.verify',
  'echo:world.info',
  'echo:world.load',
];

export const EVENT_CHANNELS: readonly EventChannel[] = ['echo:error', 'echo:op.progress', 'echo:playing', 'echo:tick', 'echo:timeline.changed'];

/** A typed failure reply (never a thrown stack across the boundary). */
export type Reply<K extends InvokeChannel> = { ok: true; value: Res<K> } | { ok: false; error: ErrorDto };

/** What a UI talks to: the same interface over Electron IPC and over WebSocket. */
export interface EchoBridge {
  invoke<K extends InvokeChannel>(channel: K, req: Req<K>): Promise<Res<K>>;
  on<K extends EventChannel>(channel: K, listener: (payload: EchoEvents[K]) => void): () => void;
}

/** Error thrown on the UI side when the host answered with a typed error. */
export class EchoRemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EchoRemoteError';
  }
}
