/**
 * The engine host: owns the loaded world, its timeline and the play loop, and answers every
 * channel of the IPC contract (engine/contract). Transport-neutral: Electron main (through a worker
 * thread), the browser-mode WebSocket server and tests all drive `handle()` and listen to events.
 *
 * Invariants:
 * - Every request is validated (`validateRequest`) before it touches the engine; a malformed or
 *   hostile message gets `{ ok: false, error: { code: 'BadRequest' } }` and changes nothing.
 * - Any failure inside a handler becomes a typed error reply; the host keeps running.
 * - Per tick the host pushes hashes, counts and a compact graph delta — never the whole graph; a
 *   subscriber gets the whole graph once through `echo:graph.snapshot`.
 * - Tick events form a gapless chain: each delta names the commit it starts from and the commit it
 *   reaches, with a sequence number.
 */
import {
  toHex,
  appliedCount,
  dispositionAt,
  fromHex,
  computeIntentId,
  computeStateRoot,
  pendingEdgeId,
  reachability,
  INBOX_NODE,
  ROOT_SIM_EDGE,
  SIM_INBOX_EDGE,
  SIM_NODE,
  ACK_PENDING_RULE_NAME,
  type AttachmentValue,
  type EdgeRecord,
  type WarpOp,
  type SlotId,
} from '../../engine/index';
import { conflictingSlots, type Footprint } from '../../engine/footprint';
import { diffState } from '../../engine/diff';
import { labellingWorldApi, WorldSession, type LabelBook, type WorldDefinition } from '../../engine/world';
import { Timeline, type CommitNode, type StateSlot } from '../../engine/timeline/index';
import type { WarpState } from '../../engine/warpState';
import {
  validateRequest,
  ContractError,
  type AttachmentDto,
  type CandidateDto,
  type EchoEvents,
  type EdgeDto,
  type EditDto,
  type EditResultDto,
  type IngestResultDto,
  type EventChannel,
  type GraphDeltaDto,
  type GraphEdgeDto,
  type GraphNodeDto,
  type GraphSnapshotDto,
  type InstanceDto,
  type InvokeChannel,
  type NodeDto,
  type OpDto,
  type Reply,
  type Req,
  type Res,
  type SlotDto,
  type CommitDto,
  type TickSummaryDto,
  type TimelineDto,
  type WorldDto,
} from '../../engine/contract/index';
import { BUILTIN_WORLDS, loadWorld } from '../worlds/loader';
import { SessionJournal } from '../sessions/journal';
import { encodeSession, openSession, restoreTimeline } from '../../engine/timeline/index';
import { OpRun } from './ops';
import { applyUiEdits, type AppliedEdits } from './edits';

type Emit = <K extends EventChannel>(channel: K, payload: EchoEvents[K]) => void;

/** Options of a host. */
export interface EngineHostOptions {
  /** Checkpoint interval of the timeline (default 16: a seek replays at most 15 commits; see docs/timelines.md). */
  readonly checkpointEvery?: number;
  /** Clock for the `millis` figures (never hashed). */
  readonly now?: () => number;
  /**
   * Autosave: an append-only journal file rewritten on every world load / session import and
   * appended (fsync) after every change, so a crash loses at most the last tick.
   */
  readonly journalPath?: string;
  /**
   * True when the request with this token (the relay's request id) was cancelled. The worker
   * wires it to the SharedArrayBuffer ring its `HostClient` writes (main/host/ops.ts); long
   * operations poll it between ticks and commits.
   */
  readonly isCancelled?: (token: number) => boolean;
}

/** What the relay knows about a request (the worker passes its request id as the token). */
export interface RequestMeta {
  readonly token?: number;
}

type Handlers = { [K in InvokeChannel]: (req: Req<K>) => Res<K> | Promise<Res<K>> };

/** Raised inside handlers for a request that is well-formed but cannot be served. */
export class HostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the graph views were last told about the head: its reachable and its portal nodes. */
interface ViewFacts {
  readonly commit: string | null;
  readonly reach: Map<string, Set<string>>;
  /** `warp + id` of every node whose α attachment is a portal (descend). */
  readonly portals: ReadonlySet<string>;
}

/** Keys (`warp + id`) of the portal nodes of `state`, in O(#portals). */
function portalNodes(state: WarpState): Set<string> {
  const out = new Set<string>();
  for (const [w, store] of state.stores.unorderedEntries()) for (const [owner] of store.descendingAttachments()) if (owner.owner === 'node') out.add(w + toHex(owner.local));
  return out;
}

export class EngineHost {
  private session!: WorldSession;
  private timeline!: Timeline;
  private world!: WorldDefinition;
  private worldSource = '';
  private labels: LabelBook = new Map();
  private viewing: string | null = null;
  /**
   * What the graph views last saw of the head (reachability, portal nodes) and at which commit: a
   * delta from that commit re-sends exactly the nodes whose reachability or portal flag changed.
   */
  private lastView: ViewFacts | null = null;
  private seq = 0;
  /** The running timeline's epoch (TimelineDto.epoch): a new one per adopted world or session. */
  private epoch = 0;
  /** Commit DTOs in the timeline's creation order, built once per commit (commits never change). */
  private commitDtos: CommitDto[] = [];
  /** How many of them the last `echo:timeline.changed` event had announced. */
  private announced = 0;
  private playTimer: ReturnType<typeof setInterval> | null = null;
  private tps = 10;
  private readonly listeners = new Set<Emit>();
  private readonly now: () => number;
  private readonly handlers: Handlers;
  private journal: SessionJournal | null = null;
  /** Token of the request being served (set synchronously around each handler call). */
  private token: number | undefined = undefined;
  /** Op ids of the long operations running now, and those cancelled in-process. */
  private readonly runningOps = new Set<string>();
  private readonly cancelledOps = new Set<string>();
  /** Edges removed by a node deletion's cascade, for the delta of the commit carrying it. */
  private pendingCascade: readonly { warp: string; id: string }[] = [];

  constructor(private readonly opts: EngineHostOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.handlers = this.makeHandlers();
  }

  /** Loads a world (built-in name or path) and starts a fresh timeline on it. */
  async load(spec: string, params: Record<string, string> = {}): Promise<WorldDto> {
    const labels: LabelBook = new Map();
    const { path, world } = await loadWorld(spec, process.cwd(), labellingWorldApi(labels));
    const session = new WorldSession(world, params, { strictFootprints: world.strictFootprints ?? true });
    const timeline = new Timeline(session, { checkpointEvery: this.opts.checkpointEvery ?? 16 });
    // Only replace the running world once the new one loaded: a broken world leaves the current one.
    this.adopt(world, path, labels, session, timeline);
    return this.worldDto();
  }

  /** Makes a freshly built world + timeline the running one (after everything else succeeded). */
  private adopt(world: WorldDefinition, source: string, labels: LabelBook, session: WorldSession, timeline: Timeline): void {
    this.pause();
    this.world = world;
    this.worldSource = source;
    this.labels = labels;
    this.session = session;
    this.timeline = timeline;
    this.viewing = null;
    this.seq = 0;
    this.epoch++;
    this.commitDtos = [];
    this.announced = 0;
    this.resetReach();
    this.startJournal();
    this.announceTimeline();
  }

  private startJournal(): void {
    if (!this.opts.journalPath) return;
    this.journal?.close();
    this.journal = SessionJournal.create(this.opts.journalPath, this.timeline, { worldName: this.world.name, params: this.session.params });
  }

  /** Appends what changed to the autosave journal (no-op without one). */
  private autosave(): void {
    this.journal?.sync();
  }

  /** Session bytes of the whole timeline (every branch). */
  exportSession(): Uint8Array {
    return encodeSession(this.timeline, { worldName: this.world.name, params: this.session.params });
  }

  /**
   * Verifies a session file completely, then replaces the running timeline with it. The world must
   * be the loaded one or a built-in world of the same name; nothing changes on any error.
   */
  async importSession(bytes: Uint8Array, run?: OpRun): Promise<TimelineDto> {
    run?.check();
    const { data } = openSession(bytes, run && ((done, total) => run.step(done, 2 * total, 'import: verifying')));
    const name = data.header.worldName;
    let world = this.world;
    let source = this.worldSource;
    const labels: LabelBook = this.world && this.world.name === name ? this.labels : new Map();
    if (!this.world || this.world.name !== name) {
      if (!Object.hasOwn(BUILTIN_WORLDS, name)) throw new HostError('WorldMismatch', `the session was recorded with world "${name}"; open that world file first`);
      const loaded = await loadWorld(name, process.cwd(), labellingWorldApi(labels));
      world = loaded.world;
      source = loaded.path;
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(data.header.params)) params[k] = String(v);
    const session = new WorldSession(world, params, { strictFootprints: world.strictFootprints ?? true });
    const timeline = restoreTimeline(session, data, {
      checkpointEvery: this.opts.checkpointEvery ?? 16,
      ...(run ? { onProgress: (done: number, total: number) => run.step(total + done, 2 * total, 'import: restoring') } : {}),
    });
    run?.check();
    this.adopt(world, source, labels, session, timeline);
    return this.timelineDto();
  }

  /**
   * After fork / switch / merge: the view follows the new head, autosave, tell subscribers. The
   * reply is the event itself: the caller, a subscriber too, has just folded it in.
   */
  private headMoved(): TimelineDto {
    this.viewing = null;
    this.resetReach();
    this.autosave();
    return this.announceTimeline();
  }

  private resetReach(): void {
    const state = this.session.engine.warpState;
    this.lastView = { commit: this.timeline.head(), reach: reachability(state, this.timeline.env.root), portals: portalNodes(state) };
  }

  /** Subscribes to pushed events; returns an unsubscribe function. */
  subscribe(listener: Emit): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit: Emit = (channel, payload) => {
    for (const l of this.listeners) l(channel, payload);
  };

  /** Validates and serves one request; never throws. */
  async handle(channel: unknown, payload: unknown, meta: RequestMeta = {}): Promise<Reply<InvokeChannel>> {
    let checked: { channel: InvokeChannel; req: unknown };
    try {
      checked = validateRequest(channel, payload);
    } catch (e) {
      return { ok: false, error: { code: 'BadRequest', message: e instanceof ContractError ? e.message : 'malformed request' } };
    }
    try {
      if (!this.session && checked.channel !== 'echo:world.load' && checked.channel !== 'echo:session.import') throw new HostError('NoWorld', 'no world is loaded');
      const h = this.handlers[checked.channel] as (r: unknown) => unknown;
      // Handlers read the token synchronously (long operations capture it before any await).
      this.token = meta.token;
      let pending: unknown;
      try {
        pending = h(checked.req);
      } finally {
        this.token = undefined;
      }
      const value = await pending;
      return { ok: true, value } as Reply<InvokeChannel>;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return { ok: false, error: { code: typeof code === 'string' ? code : 'HostError', message: e instanceof Error ? e.message : String(e) } };
    }
  }

  /** Stops the play loop (idempotent). */
  pause(): void {
    if (this.playTimer) clearInterval(this.playTimer);
    this.playTimer = null;
  }

  dispose(): void {
    this.pause();
    this.listeners.clear();
    this.journal?.close();
    this.journal = null;
  }

  // --------------------------------------------------------------- handlers

  private makeHandlers(): Handlers {
    return {
      'echo:world.load': (r) => this.load(r.world, r.params ?? {}),
      'echo:world.info': () => this.worldDto(),
      'echo:graph.snapshot': (r) => {
        const commit = r.commit === undefined ? this.viewing ?? this.timeline.head() : r.commit;
        return this.snapshotDto(commit);
      },
      'echo:tick.step': (r) => this.withOp(r.op, `step ${r.n}`, (run) => this.step(r.n, run)),
      'echo:tick.play': (r) => {
        this.pause();
        this.tps = r.ticksPerSecond;
        const every = Math.max(1, Math.round(1000 / r.ticksPerSecond));
        this.playTimer = setInterval(() => {
          try {
            this.step(1);
          } catch (e) {
            this.pause();
            this.emit('echo:error', { code: (e as { code?: string }).code ?? 'TickFailed', message: e instanceof Error ? e.message : String(e) });
            this.emit('echo:playing', { playing: false, ticksPerSecond: this.tps });
          }
        }, every);
        this.emit('echo:playing', { playing: true, ticksPerSecond: this.tps });
        return { playing: true, ticksPerSecond: this.tps };
      },
      'echo:tick.pause': () => {
        this.pause();
        this.emit('echo:playing', { playing: false, ticksPerSecond: this.tps });
        return { playing: false };
      },
      'echo:tick.detail': (r) => this.tickDetail(this.timeline.commit(r.commit)),
      'echo:timeline.get': () => this.timelineDto(),
      'echo:timeline.seek': (r) => {
        if (r.commit !== null) this.timeline.commit(r.commit);
        const head = this.timeline.head();
        this.viewing = r.commit === head ? null : r.commit;
        this.announceTimeline();
        return this.snapshotDto(r.commit);
      },
      'echo:timeline.fork': (r) => {
        const at = r.at === undefined ? (this.viewing ?? this.timeline.head()) : r.at;
        this.timeline.fork(r.name, at);
        return this.headMoved();
      },
      'echo:timeline.switch': (r) => {
        this.pause();
        this.timeline.switchTo(r.branch);
        return this.headMoved();
      },
      'echo:timeline.verify': (r) => {
        const branch = r.branch ?? this.timeline.activeBranch;
        const v = this.withOp(r.op, `verify ${branch}`, (run) => this.timeline.verify(branch, (done, total) => run.step(done, total)));
        return v.ok ? { branch, ok: true, count: v.count } : { branch, ok: false, count: v.count, firstBad: v.firstBad, error: v.error };
      },
      'echo:timeline.mergePreview': (r) => {
        const p = this.timeline.mergePreview(r.ours, r.theirs);
        return {
          base: p.base,
          ours: p.ours,
          theirs: p.theirs,
          clean: p.clean.length,
          conflicts: p.conflicts.map((c) => ({
            key: c.key,
            slot: this.stateSlotLabel(c.slot),
            base: this.slotValueLabel(c.base),
            ours: this.slotValueLabel(c.ours),
            theirs: this.slotValueLabel(c.theirs),
            oursCommits: c.oursCommits,
            theirsCommits: c.theirsCommits,
          })),
        };
      },
      'echo:timeline.merge': (r) => {
        this.withOp(r.op, `merge ${r.theirs} into ${r.ours}`, (run) => this.timeline.merge(r.ours, r.theirs, r.resolutions, () => run.check()));
        this.pause();
        return this.headMoved();
      },
      'echo:timeline.diverge': (r) => {
        const d = this.timeline.firstDivergence(r.a, r.b);
        return { index: d.index, a: d.a, b: d.b, hashCompares: d.hashCompares, receipts: d.receipts, ops: d.ops };
      },
      'echo:query.node': (r) => {
        const state = this.stateFor(r.commit === undefined ? this.viewing ?? this.timeline.head() : r.commit);
        const store = state.stores.get(r.warp);
        const rec = store?.nodeByHex(r.id);
        if (!store || !rec) throw new HostError('NotFound', `node ${r.id} not found in warp ${r.warp}`);
        const reach = reachability(state, this.timeline.env.root);
        const node = this.nodeDto(state, r.warp, r.id, reach);
        const out = store.edgesFromHex(r.id).map((e) => this.edgeDto(r.warp, e, store.edgeAttachment(e.id)));
        const inn = store.edgesToHex(r.id).map((k) => {
          const e = store.edgeByHex(k)!;
          return this.edgeDto(r.warp, e, store.edgeAttachmentByHex(k));
        });
        const provenance = [
          ...this.blameDto({ kind: 'node', warp: fromHex(r.warp) as never, id: fromHex(r.id) }),
          ...this.blameDto({ kind: 'nodeAttachment', warp: fromHex(r.warp) as never, id: fromHex(r.id) }),
        ].sort((a, b) => a.tick - b.tick);
        return { node, out, in: inn, provenance };
      },
      'echo:query.diff': (r) => {
        const a = this.stateFor(r.a);
        const b = this.stateFor(r.b);
        const node = this.timeline.commit(r.b);
        return { a: r.a, b: r.b, ops: diffState(a, b).map((op) => this.opDto(op)), slots: Array.from(node.outSlots, (s) => this.slotDto(s)) };
      },
      'echo:query.blame': (r) => {
        const s = r.slot;
        if (s.kind === 'port') throw new HostError('BadRequest', 'ports have no history');
        const kind = s.kind === 'attachment' ? (s.owner === 'node' ? 'nodeAttachment' : 'edgeAttachment') : s.kind;
        return this.blameDto({ kind, warp: fromHex(s.warp) as never, id: fromHex(s.id) }, r.branch);
      },
      'echo:session.export': (r) =>
        this.withOp(r.op, 'export', (run) => {
          run.check();
          const bytes = this.exportSession();
          run.check();
          return { bytesBase64: Buffer.from(bytes).toString('base64'), commits: this.timeline.allCommits().length };
        }),
      'echo:session.import': (r) => {
        const run = this.beginOp(r.op, 'import');
        return this.importSession(new Uint8Array(Buffer.from(r.bytesBase64, 'base64')), run).finally(() => this.endOp(run));
      },
      'echo:determinism.check': (r) => this.withOp(r.op, 'determinism check', (run) => this.determinismCheck(r.ticks, run)),
      'echo:query.edge': (r) => {
        const state = this.stateFor(r.commit === undefined ? (this.viewing ?? this.timeline.head()) : r.commit);
        const store = state.stores.get(r.warp);
        const rec = store?.edgeByHex(r.id);
        if (!store || !rec) throw new HostError('NotFound', `edge ${r.id} not found in warp ${r.warp}`);
        const provenance = [
          ...this.blameDto({ kind: 'edge', warp: fromHex(r.warp) as never, id: fromHex(r.id) }),
          ...this.blameDto({ kind: 'edgeAttachment', warp: fromHex(r.warp) as never, id: fromHex(r.id) }),
        ].sort((a, b) => a.tick - b.tick);
        return { edge: this.edgeDto(r.warp, rec, store.edgeAttachmentByHex(r.id)), provenance };
      },
      'echo:edit.apply': (r) => this.applyEdits(r.edits),
      'echo:intent.ingest': (r) => this.ingest(r.hex),
      'echo:op.cancel': (r) => {
        // In-process hosts only (tests); a worker's HostClient answers this channel itself.
        const running = this.runningOps.has(r.op);
        if (running) this.cancelledOps.add(r.op);
        return { cancelled: running };
      },
    };
  }

  // ------------------------------------------------------------------ steps

  // -------------------------------------------------------- long operations

  /** Starts a long operation (cancellable through its op id or the request token). */
  private beginOp(op: string | undefined, label: string): OpRun {
    const token = this.token;
    if (op !== undefined) this.runningOps.add(op);
    const cancelled = () => (op !== undefined && this.cancelledOps.has(op)) || (token !== undefined && this.opts.isCancelled?.(token) === true);
    return new OpRun(op, label, cancelled, (p) => this.emit('echo:op.progress', p), this.now);
  }

  private endOp(run: OpRun): void {
    if (run.id === undefined) return;
    this.runningOps.delete(run.id);
    this.cancelledOps.delete(run.id);
  }

  private withOp<T>(op: string | undefined, label: string, work: (run: OpRun) => T): T {
    const run = this.beginOp(op, label);
    try {
      return work(run);
    } finally {
      this.endOp(run);
    }
  }

  // ------------------------------------------------------------ direct edits

  private requireHead(what: string): void {
    if (this.viewing !== null) throw new HostError('NotAtHead', `${what} apply to the head of the active branch: seek to the head (or fork here) first`);
  }

  /** Applies UI edits and commits them as inputs of the next tick (all or nothing). */
  private applyEdits(edits: readonly EditDto[]): EditResultDto {
    this.requireHead('edits');
    const e = this.session.engine;
    const mark = e.inputMark();
    let applied: AppliedEdits;
    try {
      applied = applyUiEdits({ engine: e, codecs: this.world.codecs ?? [], labels: this.labels }, edits);
    } catch (err) {
      e.rollbackInputs(mark);
      throw err;
    }
    return { summary: this.commitInputs(mark, applied.cascadedEdges), created: applied.created };
  }

  /** Ingests one intent and commits it with the next tick. */
  private ingest(hex: string): IngestResultDto {
    this.requireHead('intents');
    const e = this.session.engine;
    if (!e.rule(ACK_PENDING_RULE_NAME)) throw new HostError('NoIntents', `world "${this.world.name}" does not consume intents (it registers no ${ACK_PENDING_RULE_NAME} rule)`);
    const mark = e.inputMark();
    const d = e.ingestIntent(fromHex(hex));
    return { intentId: toHex(d.intentId), disposition: d.kind, summary: this.commitInputs(mark, []) };
  }

  /**
   * Runs the next tick now, carrying the direct edits made since `mark` as its recorded inputs
   * (the engine's model: an edit is an input of the tick that follows it). If the tick fails the
   * edits are undone too, so the request changes nothing.
   */
  private commitInputs(mark: number, cascade: readonly { warp: string; id: string }[]): TickSummaryDto {
    this.pendingCascade = cascade;
    try {
      return this.step(1)[0]!;
    } catch (err) {
      this.session.engine.rollbackInputs(mark);
      throw err;
    } finally {
      this.pendingCascade = [];
    }
  }

  // ------------------------------------------------------------------ steps

  /**
   * Runs `n` ticks. Cancellation is checked before each tick: ticks committed before the cancel
   * stay (each is a complete, verified commit already streamed to subscribers).
   */
  private step(n: number, run?: OpRun): TickSummaryDto[] {
    if (this.viewing !== null) {
      // Stepping from a scrubbed-back position continues the branch head; the view follows it.
      this.viewing = null;
    }
    const out: TickSummaryDto[] = [];
    for (let i = 0; i < n; i++) {
      if (run) {
        run.check(`after ${i} of ${n} ticks (the ${i} committed ticks stay)`);
        run.progress(i, n);
      }
      const from = this.timeline.head();
      const known = this.timeline.commitCount();
      const t0 = this.now();
      const [node] = this.timeline.step(1);
      const millis = this.now() - t0;
      const summary = this.summaryDto(node!, millis);
      out.push(summary);
      this.autosave();
      this.emit('echo:tick', { summary, delta: this.deltaDto(from, node!), seq: ++this.seq });
      // The tick event carried its commit to every subscriber: when the tick created it (a known
      // commit adds nothing) and every commit before it was announced, it counts as announced and
      // the next timeline event leaves it out. (A subscriber that lost the tick event cannot
      // complete that timeline event and fetches the whole timeline.)
      if (this.announced === known && this.timeline.commitCount() === known + 1) this.announced++;
    }
    return out;
  }

  private determinismCheck(ticks: number | undefined, run: OpRun) {
    const chain = this.timeline.chain(this.timeline.head());
    const upto = chain.findIndex((c) => c.kind === 'merge');
    const usable = (upto < 0 ? chain : chain.slice(0, upto)).slice(0, ticks ?? chain.length);
    const total = 2 * usable.length;
    let done = 0;
    const runChain = (label: string, shuffleSeed?: number) => {
      const s = new WorldSession(this.world, this.paramStrings(), { strictFootprints: this.session.engine.strictFootprintsEnabled });
      const heads: string[] = [];
      usable.forEach((c, k) => {
        run.step(done++, total);
        for (const e of c.inputs) s.engine.edit(e);
        heads.push(toHex(s.runTick(k, shuffleSeed === undefined ? {} : { shuffleSeed }).snapshot.hash));
      });
      return { label, heads };
    };
    const recorded = { label: 'recorded', heads: usable.map((c) => c.hex) };
    const chains = [recorded, runChain('1 worker'), runChain('shuffled apply order', 0x5eed)];
    let first: { tick: number; labels: string[] } | null = null;
    for (let k = 0; k < usable.length && !first; k++) {
      const hs = new Set(chains.map((c) => c.heads[k]));
      if (hs.size > 1) first = { tick: k + 1, labels: chains.filter((c) => c.heads[k] !== chains[0]!.heads[k]).map((c) => c.label) };
    }
    return { ticks: usable.length, chains, agree: first === null, firstDifference: first };
  }

  private paramStrings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.session.params)) out[k] = String(v);
    return out;
  }

  // ------------------------------------------------------------------- DTOs

  private label(hex: string): string | undefined {
    const l = this.labels.get(hex);
    return l ? l.slice(l.indexOf(':') + 1) : undefined;
  }

  private worldDto(): WorldDto {
    return {
      name: this.world.name,
      description: this.world.description,
      source: this.worldSource,
      params: { ...this.session.params },
      rules: this.session.engine.registeredRules().map((r) => r.name),
      codecs: (this.world.codecs ?? []).map((c) => c.name),
      encoders: (this.world.codecs ?? []).filter((c) => typeof c.encode === 'function').map((c) => c.name),
      strictFootprints: this.session.engine.strictFootprintsEnabled,
      intents: this.session.engine.rule(ACK_PENDING_RULE_NAME) !== undefined,
    };
  }

  private attachmentDto(v: AttachmentValue | undefined): AttachmentDto | null {
    if (!v) return null;
    if (v.kind === 'descend') return { kind: 'descend', warp: toHex(v.warp) };
    const typeId = toHex(v.typeId);
    const codec = this.world.codecs?.find((c) => toHex(c.typeId) === typeId);
    let decoded: unknown;
    if (codec) {
      try {
        decoded = JSON.parse(JSON.stringify(codec.decode(v.bytes), (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
      } catch {
        decoded = undefined;
      }
    }
    const hex = v.bytes.length <= 4096 ? toHex(v.bytes) : toHex(v.bytes.subarray(0, 4096)) + '…';
    return { kind: 'atom', typeId, ...(codec && decoded !== undefined ? { codec: codec.name, decoded } : {}), hex, length: v.bytes.length };
  }

  private graphNodeDto(state: WarpState, warp: string, id: string, reach: Map<string, Set<string>>): GraphNodeDto {
    const store = state.stores.get(warp)!;
    const rec = store.nodeByHex(id)!;
    const label = this.label(id);
    const type = toHex(rec.ty);
    const typeLabel = this.label(type);
    const att = store.nodeAttachmentByHex(id);
    return {
      id,
      warp,
      type,
      ...(label ? { label } : {}),
      ...(typeLabel ? { typeLabel } : {}),
      ...(att?.kind === 'descend' ? { portal: toHex(att.warp) } : {}),
      reachable: reach.get(warp)?.has(id) ?? false,
    };
  }

  private graphEdgeDto(warp: string, e: EdgeRecord): GraphEdgeDto {
    const id = toHex(e.id);
    const label = this.label(id);
    const typeLabel = this.label(toHex(e.ty));
    return { id, warp, from: toHex(e.from), to: toHex(e.to), type: toHex(e.ty), ...(label ? { label } : {}), ...(typeLabel ? { typeLabel } : {}) };
  }

  /** A node's graph record plus its α decoded (the inspector's detail). */
  private nodeDto(state: WarpState, warp: string, id: string, reach: Map<string, Set<string>>): NodeDto {
    const { portal: _portal, ...shape } = this.graphNodeDto(state, warp, id, reach);
    return { ...shape, attachment: this.attachmentDto(state.stores.get(warp)!.nodeAttachmentByHex(id)) };
  }

  /** An edge's graph record plus its β decoded (the inspector's detail). */
  private edgeDto(warp: string, e: EdgeRecord, att: AttachmentValue | undefined): EdgeDto {
    return { ...this.graphEdgeDto(warp, e), attachment: this.attachmentDto(att) };
  }

  private instancesDto(state: WarpState): InstanceDto[] {
    return Array.from(state.instances.sortedEntries()).map(([k, inst]) => ({
      warp: k,
      rootNode: toHex(inst.rootNode),
      ...(this.label(k) ? { label: this.label(k)! } : {}),
      parent: inst.parent ? { owner: inst.parent.owner, warp: toHex(inst.parent.warp), local: toHex(inst.parent.local) } : null,
    }));
  }

  private stateFor(commit: string | null): WarpState {
    if (commit !== null && commit === this.timeline.head()) return this.session.engine.warpState;
    return this.timeline.stateAt(commit);
  }

  private snapshotDto(commit: string | null): GraphSnapshotDto {
    const state = this.stateFor(commit);
    const reach = reachability(state, this.timeline.env.root);
    if (commit === this.timeline.head()) this.lastView = { commit, reach, portals: portalNodes(state) };
    const nodes: GraphNodeDto[] = [];
    const edges: GraphEdgeDto[] = [];
    for (const [w, store] of state.stores.sortedEntries()) {
      for (const id of store.nodeIdsSorted()) nodes.push(this.graphNodeDto(state, w, id, reach));
      for (const id of store.edgeIdsSorted()) edges.push(this.graphEdgeDto(w, store.edgeByHex(id)!));
    }
    return {
      commit,
      tick: commit ? this.timeline.commit(commit).depth : 0,
      branch: this.timeline.activeBranch,
      rootWarp: toHex(this.timeline.env.root.warp),
      rootNode: toHex(this.timeline.env.root.local),
      instances: this.instancesDto(state),
      nodes,
      edges,
    };
  }

  /**
   * The compact graph change of one commit, from its diff patch (never the whole graph). Lists
   * the graph records the commit changed; an attachment value rewrite alone is only counted
   * (`valueChanges`): a node is re-sent for an α change only when it is, or was, a portal — known
   * from `lastView` when it describes `from`, otherwise every α change is re-sent.
   */
  private deltaDto(from: string | null, node: CommitNode): GraphDeltaDto {
    const state = this.session.engine.warpState;
    const reach = reachability(state, this.timeline.env.root);
    const prev = this.lastView?.commit === from ? this.lastView : null;
    const upNodes = new Map<string, GraphNodeDto>();
    const rmNodes = new Map<string, { warp: string; id: string }>();
    const upEdges = new Map<string, GraphEdgeDto>();
    const rmEdges = new Map<string, { warp: string; id: string }>();
    // Attachments whose value alone changed (`warp + id`), by owner.
    const valueNodes = new Set<string>();
    const valueEdges = new Set<string>();
    const touchNode = (w: string, id: string) => {
      const store = state.stores.get(w);
      if (store?.nodeByHex(id)) upNodes.set(w + id, this.graphNodeDto(state, w, id, reach));
      else rmNodes.set(w + id, { warp: w, id });
    };
    const touchEdge = (w: string, id: string) => {
      const store = state.stores.get(w);
      const e = store?.edgeByHex(id);
      if (store && e) upEdges.set(w + id, this.graphEdgeDto(w, e));
      else rmEdges.set(w + id, { warp: w, id });
    };
    let instancesChanged = false;
    for (const op of node.record.patch.ops) {
      switch (op.op) {
        case 'UpsertNode':
        case 'DeleteNode':
          touchNode(toHex(op.node.warp), toHex(op.node.local));
          break;
        case 'UpsertEdge':
          touchEdge(toHex(op.warp), toHex(op.record.id));
          break;
        case 'DeleteEdge':
          touchEdge(toHex(op.warp), toHex(op.edgeId));
          break;
        case 'SetAttachment': {
          const w = toHex(op.key.warp);
          const id = toHex(op.key.local);
          if (op.key.owner === 'node' && (!prev || op.value?.kind === 'descend' || prev.portals.has(w + id))) touchNode(w, id);
          else (op.key.owner === 'node' ? valueNodes : valueEdges).add(w + id);
          break;
        }
        case 'OpenPortal': {
          instancesChanged = true;
          const cw = toHex(op.childWarp);
          touchNode(toHex(op.key.warp), toHex(op.key.local));
          const child = state.stores.get(cw);
          if (child) for (const id of child.nodeIdsSorted()) touchNode(cw, id);
          break;
        }
        case 'UpsertWarpInstance':
          instancesChanged = true;
          break;
        case 'DeleteWarpInstance': {
          // The instance's store goes with it, without a DeleteNode/DeleteEdge per element: list
          // what it held at `from` (a rare op, so rebuilding that state here is affordable).
          instancesChanged = true;
          const w = toHex(op.warp);
          const gone = this.timeline.stateAt(from).stores.get(w);
          if (gone) {
            for (const id of gone.nodeIdsSorted()) touchNode(w, id);
            for (const id of gone.edgeIdsSorted()) touchEdge(w, id);
          }
          break;
        }
      }
    }
    // Inputs (intents, direct edits) changed things outside the patch: include what they touched.
    const rootWarp = toHex(this.timeline.env.root.warp);
    for (const e of node.inputs) {
      if (e.kind === 'ingestIntent') {
        const intent = toHex(computeIntentId(e.bytes));
        for (const id of [toHex(SIM_NODE), toHex(INBOX_NODE), intent]) touchNode(rootWarp, id);
        for (const id of [toHex(ROOT_SIM_EDGE), toHex(SIM_INBOX_EDGE), toHex(pendingEdgeId(INBOX_NODE, computeIntentId(e.bytes)))]) touchEdge(rootWarp, id);
      } else if (e.kind === 'insertEdge') touchEdge(toHex(e.warp), toHex(e.record.id));
      else if (e.kind === 'deleteEdge' || e.kind === 'setEdgeAttachment') touchEdge(toHex(e.warp), toHex(e.id));
      else touchNode(toHex(e.warp), toHex(e.id));
    }
    for (const c of this.pendingCascade) touchEdge(c.warp, c.id);
    // Nodes whose reachability flipped (e.g. a consumed intent's event node) are re-sent too.
    if (prev) {
      for (const [w, set] of reach) for (const id of set) if (!prev.reach.get(w)?.has(id) && state.stores.get(w)?.nodeByHex(id)) touchNode(w, id);
      for (const [w, set] of prev.reach) for (const id of set) if (!reach.get(w)?.has(id) && state.stores.get(w)?.nodeByHex(id)) touchNode(w, id);
    }
    this.lastView = { commit: node.hex, reach, portals: portalNodes(state) };
    let valueChanges = 0;
    for (const k of valueNodes) if (!upNodes.has(k) && !rmNodes.has(k)) valueChanges++;
    for (const k of valueEdges) if (!upEdges.has(k) && !rmEdges.has(k)) valueChanges++;
    return {
      fromCommit: from,
      toCommit: node.hex,
      upsertNodes: Array.from(upNodes.values()),
      removeNodes: Array.from(rmNodes.values()),
      upsertEdges: Array.from(upEdges.values()),
      removeEdges: Array.from(rmEdges.values()),
      instances: instancesChanged ? this.instancesDto(state) : [],
      valueChanges,
    };
  }

  private summaryDto(node: CommitNode, millis: number): TickSummaryDto {
    const r = node.record;
    const per = new Map<string, { applied: number; rejected: number }>();
    // Per entry: its rule name and disposition only (a packed entry is not decoded for them).
    const entries = r.receipt.entries;
    let applied = 0;
    for (let i = 0; i < entries.length; i++) {
      const name = r.ruleNames.at(i) ?? toHex(entries.at(i)!.ruleId);
      const x = per.get(name) ?? { applied: 0, rejected: 0 };
      if (dispositionAt(entries, i) === 'applied') {
        x.applied++;
        applied++;
      } else x.rejected++;
      per.set(name, x);
    }
    const s = r.snapshot;
    return {
      commit: node.hex,
      parents: node.parentHexes,
      tick: node.depth,
      branch: this.timeline.activeBranch,
      kind: node.kind,
      stateRoot: toHex(s.stateRoot),
      patchDigest: toHex(s.patchDigest),
      planDigest: toHex(s.planDigest),
      decisionDigest: toHex(s.decisionDigest),
      rewritesDigest: toHex(s.rewritesDigest),
      candidates: r.receipt.entries.length,
      applied,
      rejected: r.receipt.entries.length - applied,
      ops: r.patch.ops.length,
      perRule: Array.from(per.entries())
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([rule, x]) => ({ rule, ...x })),
      millis,
    };
  }

  private tickDetail(node: CommitNode) {
    const r = node.record;
    const footprintDto = (fp: Footprint, warp: Uint8Array) => ({
      reads: [...Array.from(fp.nRead.values()).map((id) => this.slotDto({ kind: 'node', key: { warp: warp as never, local: id } })), ...Array.from(fp.eRead.values()).map((id) => this.slotDto({ kind: 'edge', key: { warp: warp as never, local: id } })), ...Array.from(fp.aRead.values()).map((key) => this.slotDto({ kind: 'attachment', key }))],
      writes: [...Array.from(fp.nWrite.values()).map((id) => this.slotDto({ kind: 'node', key: { warp: warp as never, local: id } })), ...Array.from(fp.eWrite.values()).map((id) => this.slotDto({ kind: 'edge', key: { warp: warp as never, local: id } })), ...Array.from(fp.aWrite.values()).map((key) => this.slotDto({ kind: 'attachment', key }))],
      ports: [...Array.from(fp.bIn.values()), ...Array.from(fp.bOut.values())].map((p) => this.slotDto({ kind: 'port', port: p })),
    });
    // Decoded once: the history keeps footprints packed, and each overlap reads two of them.
    const fps = Array.from(r.footprints);
    const entries = Array.from(r.receipt.entries);
    const candidates: CandidateDto[] = entries.map((e, i) => {
      const blockers = r.receipt.blockedBy[i] ?? [];
      const scope = toHex(e.scope.local);
      const label = this.label(scope);
      return {
        index: i,
        rule: r.ruleNames.at(i) ?? toHex(e.ruleId),
        ruleId: toHex(e.ruleId),
        scope,
        scopeWarp: toHex(e.scope.warp),
        ...(label ? { scopeLabel: label } : {}),
        scopeHash: toHex(e.scopeHash),
        disposition: e.disposition,
        blockedBy: [...blockers],
        footprint: footprintDto(fps[i]!, e.scope.warp),
        overlaps: blockers.map((b) => ({
          blocker: b,
          slots: conflictingSlots(fps[i]!, e.scope.warp, fps[b]!, entries[b]!.scope.warp).map((o) => ({ slot: this.slotDto(o.slot), candidate: o.candidate, blocker: o.blocker })),
        })),
      };
    });
    return {
      summary: this.summaryDto(node, 0),
      candidates,
      ops: Array.from(r.patch.ops, (op) => this.opDto(op)),
      inSlots: Array.from(r.patch.inSlots, (s) => this.slotDto(s)),
      outSlots: Array.from(r.patch.outSlots, (s) => this.slotDto(s)),
      inputs: node.inputs.map((e) => e.kind),
    };
  }

  private slotDto(s: SlotId): SlotDto {
    switch (s.kind) {
      case 'node':
      case 'edge': {
        const id = toHex(s.key.local);
        const label = this.label(id);
        return { kind: s.kind, warp: toHex(s.key.warp), id, ...(label ? { label } : {}) };
      }
      case 'attachment': {
        const id = toHex(s.key.local);
        const label = this.label(id);
        return { kind: 'attachment', owner: s.key.owner, plane: s.key.plane, warp: toHex(s.key.warp), id, ...(label ? { label } : {}) };
      }
      case 'port':
        return { kind: 'port', port: s.port.toString() };
    }
  }

  private opDto(op: WarpOp): OpDto {
    const name = (hex: string) => this.label(hex) ?? hex.slice(0, 12);
    let summary: string;
    switch (op.op) {
      case 'UpsertNode':
        summary = `node ${name(toHex(op.node.local))} : ${name(toHex(op.record.ty))}`;
        break;
      case 'DeleteNode':
        summary = `delete node ${name(toHex(op.node.local))}`;
        break;
      case 'UpsertEdge':
        summary = `edge ${name(toHex(op.record.id))}: ${name(toHex(op.record.from))} → ${name(toHex(op.record.to))}`;
        break;
      case 'DeleteEdge':
        summary = `delete edge ${name(toHex(op.edgeId))}`;
        break;
      case 'SetAttachment': {
        const a = this.attachmentDto(op.value ?? undefined);
        summary = `${op.key.owner === 'node' ? 'α' : 'β'}(${name(toHex(op.key.local))}) := ${a ? (a.decoded !== undefined ? JSON.stringify(a.decoded) : a.kind === 'descend' ? `portal ${name(a.warp!)}` : `${a.length} bytes`) : 'none'}`;
        break;
      }
      case 'OpenPortal':
        summary = `portal α(${name(toHex(op.key.local))}) → ${name(toHex(op.childWarp))}`;
        break;
      case 'UpsertWarpInstance':
        summary = `instance ${name(toHex(op.instance.warpId))}`;
        break;
      case 'DeleteWarpInstance':
        summary = `delete instance ${name(toHex(op.warp))}`;
        break;
    }
    return { op: op.op, key: opKeyShort(op), summary };
  }

  private blameDto(slot: StateSlot, branch?: string) {
    return this.timeline.blame(slot, branch).map((b) => ({
      commit: b.commit,
      tick: b.depth,
      by: b.by.kind === 'rule' ? `${b.by.rule} @ ${this.label(b.by.scope) ?? b.by.scope.slice(0, 12)}` : b.by.kind === 'input' ? `direct edit (${b.by.input})` : b.by.kind,
      before: this.slotValueLabel(b.before),
      after: this.slotValueLabel(b.after),
    }));
  }

  private stateSlotLabel(s: StateSlot): string {
    const id = toHex(s.id);
    return `${s.kind} ${this.label(id) ?? id.slice(0, 12)}`;
  }

  private slotValueLabel(v: { kind: string; value: unknown } | undefined): string {
    if (!v) return '(absent)';
    if (v.kind === 'nodeAttachment' || v.kind === 'edgeAttachment') {
      const a = this.attachmentDto(v.value as AttachmentValue);
      if (!a) return '(absent)';
      return a.decoded !== undefined ? JSON.stringify(a.decoded) : a.kind === 'descend' ? `portal ${a.warp}` : `${a.length} bytes ${a.hex?.slice(0, 24)}`;
    }
    if (v.kind === 'node') return `type ${this.label(toHex((v.value as { ty: Uint8Array }).ty)) ?? toHex((v.value as { ty: Uint8Array }).ty).slice(0, 12)}`;
    if (v.kind === 'edge') {
      const e = v.value as EdgeRecord;
      return `${this.label(toHex(e.from)) ?? toHex(e.from).slice(0, 12)} → ${this.label(toHex(e.to)) ?? toHex(e.to).slice(0, 12)}`;
    }
    return 'instance';
  }

  /** The whole timeline (`echo:timeline.get`, a session import): every commit, `base` 0. */
  private timelineDto(): TimelineDto {
    return this.timelineView(0);
  }

  /**
   * Tells subscribers what changed: the commits created since the previous event, after `base`
   * commits they already had (a new epoch starts from 0, i.e. the whole list).
   */
  private announceTimeline(): TimelineDto {
    const base = this.announced;
    const dto = this.timelineView(base);
    this.announced = base + dto.commits.length;
    this.emit('echo:timeline.changed', dto);
    return dto;
  }

  /** The timeline with the commits from creation position `base` on. */
  private timelineView(base: number): TimelineDto {
    const tl = this.timeline;
    const dtos = this.commitDtos;
    if (dtos.length < tl.commitCount()) {
      for (const c of tl.commitsFrom(dtos.length)) {
        const entries = c.record.receipt.entries;
        dtos.push({ commit: c.hex, parents: c.parentHexes, tick: c.depth, kind: c.kind, createdOn: c.createdOn, rejected: entries.length - appliedCount(entries) });
      }
    }
    return {
      active: tl.activeBranch,
      branches: tl.branchNames().map((name) => {
        const head = tl.head(name);
        return { name, head, tick: head ? tl.commit(head).depth : 0 };
      }),
      commits: dtos.slice(base),
      base,
      epoch: this.epoch,
      viewing: this.viewing ?? tl.head(),
      verified: true,
    };
  }

  /** The live state root (tests compare it with what the UI shows). */
  liveCommit(): string | null {
    return this.timeline.head();
  }

  liveStateRoot(): string {
    return toHex(computeStateRoot(this.session.engine.warpState, this.timeline.env.root));
  }
}

function opKeyShort(op: WarpOp): string {
  switch (op.op) {
    case 'UpsertNode':
    case 'DeleteNode':
      return toHex(op.node.local);
    case 'UpsertEdge':
      return toHex(op.record.id);
    case 'DeleteEdge':
      return toHex(op.edgeId);
    case 'SetAttachment':
    case 'OpenPortal':
      return toHex(op.key.local);
    case 'UpsertWarpInstance':
      return toHex(op.instance.warpId);
    case 'DeleteWarpInstance':
      return toHex(op.warp);
  }
}

