/**
 * The one place where the host meets the store: bridge events enter here (through slice actions)
 * and every command the UI issues goes out from here. Transport-neutral: `bridge` is window.echo
 * in Electron or the WebSocket bridge in browser mode (renderer/bridge), or an in-memory fake in
 * tests.
 *
 * Invariants:
 * - Errors never throw into components: a failed command becomes a non-blocking toast and the
 *   command resolves to undefined.
 * - After any command that moves the view (seek, fork, switch, merge, load, import) the graph is
 *   re-anchored with a snapshot; tick deltas in flight meanwhile are covered by it (see graphSlice).
 * - Nothing here touches the DOM: downloads, clipboard and files are the components' business.
 * - Long operations (step N, verify, merge, export, import, determinism check) carry an op id,
 *   appear in `ui.ops` with their progress until they answer, and can be cancelled (`cancelOp`);
 *   a `Cancelled` reply is an info toast, not an error.
 * - Edits and intents are committed by the host as the next tick: the graph follows through the
 *   normal tick stream; nothing is patched locally.
 * - A command resolves once the tick events it streamed are in the store (the host sends them
 *   before its reply); tick events are never rendered one by one (tickIntake.ts).
 */
import type { EchoBridge, EditDto, EditResultDto, GraphSnapshotDto, Hex, IngestResultDto, InvokeChannel, Req, Res, TickEventDto, TickSummaryDto, TimelineDto } from '../../engine/contract/index';
import type { EchoStore } from './store';
import { markLatest, now, PERF } from '../perf';
import { applyDelta, type AppliedDelta } from './deltaRecords';
import { TickIntake } from './tickIntake';
import { branchHead, branchChain, completeTimeline, nextForkName, parentOf } from './selectors';

export interface EchoController {
  /** Loads what the host has (or the demo world when nothing is loaded) and shows it. */
  init(): Promise<void>;
  /** Resolves to true when the world loaded (a failure leaves the current world and shows a toast). */
  loadWorld(world: string, params?: Record<string, string>): Promise<boolean>;
  resync(): Promise<void>;
  step(n: number): Promise<void>;
  play(ticksPerSecond?: number): Promise<void>;
  pause(): Promise<void>;
  togglePlay(): Promise<void>;
  seek(commit: Hex | null): Promise<void>;
  seekTick(tick: number): Promise<void>;
  stepBack(): Promise<void>;
  fork(name?: string, at?: Hex | null): Promise<void>;
  switchBranch(branch: string): Promise<void>;
  verify(branch?: string): Promise<void>;
  diverge(a: string, b: string): Promise<void>;
  previewMerge(ours: string, theirs: string): Promise<void>;
  commitMerge(): Promise<void>;
  selectNode(warp: Hex, id: Hex): Promise<void>;
  refreshNode(): Promise<void>;
  selectEdge(warp: Hex, id: Hex): Promise<void>;
  refreshEdge(): Promise<void>;
  /** Direct edits, committed by the host with the next tick. Resolves to undefined on failure (toast). */
  applyEdits(edits: EditDto[]): Promise<EditResultDto | undefined>;
  ingestIntent(hex: string): Promise<IngestResultDto | undefined>;
  /** Asks the host to cancel long operation `id`. */
  cancelOp(id: string): Promise<void>;
  loadTickDetail(commit?: Hex | null): Promise<void>;
  loadDiff(a?: Hex | null, b?: Hex): Promise<void>;
  loadProfile(limit?: number): Promise<void>;
  exportSession(): Promise<{ bytesBase64: string; commits: number } | undefined>;
  importSession(bytesBase64: string): Promise<void>;
  checkDeterminism(): Promise<void>;
  /** Stops listening to the bridge. */
  dispose(): void;
}

/** Tick deltas with at least this many element changes are prepared in slices before they apply. */
export const BIG_DELTA = 5000;
/** Longest slice of that preparation before the UI thread gets a turn (ms). */
const SLICE_MS = 8;
/** While playing, the inspector re-reads the selected element's detail at most this often. */
export const LIVE_DETAIL_MS = 500;

function errorOf(e: unknown): { code: string; message: string } {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'Error';
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return { code, message };
}

/** Wires `bridge` events into `store` and returns the commands the UI uses (`opts`: tests). */
export function connectBridge(store: EchoStore, bridge: EchoBridge, opts: { readonly bigDelta?: number; readonly sliceMs?: number } = {}): EchoController {
  const bigDelta = opts.bigDelta ?? BIG_DELTA;
  const sliceMs = opts.sliceMs ?? SLICE_MS;
  const s = () => store.getState();
  /** Commands that change the timeline and re-anchor the view themselves. */
  let moving = 0;
  /** A snapshot request is running; another one asked meanwhile runs after it. */
  let resyncRunning: Promise<void> | null = null;
  let resyncAgain = false;
  /** Commits whose summary the profile already asked for (asked once, even if it failed). */
  const profileTried = new Set<Hex>();
  /** Latest-wins seek: a drag issues many; only the last one pending runs. */
  let seekRunning = false;
  let seekNext: { commit: Hex | null } | null = null;

  const toast = (code: string, message: string, level: 'error' | 'info' | 'success' = 'error', detail?: string) =>
    s().ui.pushToast({ level, code, message, ...(detail ? { detail } : {}) });

  // Tick summaries extend the timeline once per batch of tick events (tickIntake.ts), not once per
  // tick: each update makes a new timeline DTO. Flushed at the end of every batch, and always
  // before a command's caller or a timeline snapshot reads the timeline.
  const MAX_PENDING_SUMMARIES = 256;
  let pendingSummaries: TickSummaryDto[] = [];
  const flushSummaries = () => {
    if (pendingSummaries.length === 0) return;
    const list = pendingSummaries;
    pendingSummaries = [];
    s().timeline.applySummaries(list);
  };
  const queueSummary = (summary: TickSummaryDto) => {
    pendingSummaries.push(summary);
    if (pendingSummaries.length >= MAX_PENDING_SUMMARIES) flushSummaries();
  };

  async function call<K extends InvokeChannel>(channel: K, req: Req<K>, busy?: string): Promise<Res<K> | undefined> {
    if (busy) s().ui.setBusy(busy, true);
    try {
      const r = await bridge.invoke(channel, req);
      await streamedHandled(); // what the command streamed is in the store before its caller reads it
      return r;
    } catch (e) {
      await streamedHandled();
      const { code, message } = errorOf(e);
      if (code === 'Cancelled') toast(code, message, 'info');
      else toast(code, message, 'error', `${channel} failed`);
      return undefined;
    } finally {
      if (busy) s().ui.setBusy(busy, false);
    }
  }

  let opCounter = 0;
  /** `call` for a long operation: registers an op id (progress, Cancel button) for its duration. */
  async function callOp<K extends InvokeChannel>(channel: K, req: Req<K>, label: string, busy?: string): Promise<Res<K> | undefined> {
    const op = `${channel.slice(5).replace(/[^A-Za-z0-9._-]/g, '-')}-${++opCounter}-${Math.random().toString(36).slice(2, 8)}`;
    s().ui.startOp(op, label);
    try {
      return await call(channel, { ...req, op } as Req<K>, busy);
    } finally {
      s().ui.endOp(op);
    }
  }

  const isLiveCommit = (commit: Hex | null) => {
    const dto = s().timeline.dto;
    return !dto || commit === branchHead(dto);
  };

  /** Tick events that arrived before this are covered by the snapshot (see `onTick`). */
  function applySnapshot(snap: GraphSnapshotDto): void {
    s().graph.applySnapshot(snap, isLiveCommit(snap.commit));
    snapshotAt = intake.arrived;
  }

  /** Fetches the viewed commit's whole graph and re-anchors the delta chain on it. */
  async function resyncOnce(): Promise<void> {
    s().graph.beginResync();
    const snap = await call('echo:graph.snapshot', {});
    if (!snap) {
      s().graph.endResync();
      return;
    }
    applySnapshot(snap);
    if (timelineSuspect) {
      timelineSuspect = false;
      await refreshTimeline();
    }
    afterViewMoved();
  }

  async function resync(): Promise<void> {
    if (resyncRunning) {
      resyncAgain = true;
      return resyncRunning;
    }
    resyncRunning = (async () => {
      do {
        resyncAgain = false;
        await resyncOnce();
      } while (resyncAgain);
    })();
    try {
      await resyncRunning;
    } finally {
      resyncRunning = null;
    }
  }

  /** The viewed commit changed: refresh what the inspector shows for it. */
  function afterViewMoved(): void {
    const st = s();
    st.selection.selectCandidate(null);
    if (st.inspector.tab === 'tick') void loadTickDetail();
    if (st.inspector.tab === 'diff') void loadDiff();
    if (st.selection.node && !st.ui.playing) void refreshNode();
    if (st.selection.edge && !st.ui.playing) void refreshEdge();
    // A portal's child instance may not exist at this commit.
    const vw = st.ui.viewWarp;
    if (vw && !st.graph.instances.some((i) => i.warp === vw)) st.ui.setViewWarp(null);
  }

  async function moveView<T>(work: () => Promise<T | undefined>): Promise<T | undefined> {
    moving++;
    try {
      return await work();
    } finally {
      moving--;
    }
  }

  // ----------------------------------------------------------- events in

  // Tick events are handled in arrival order, in time-boxed batches (tickIntake.ts). A small delta
  // is applied as it comes; a big one (a 100k-entity tick) is first prepared in slices of a few ms
  // (deltaRecords.ts) so the UI thread keeps drawing frames, and the events behind it wait their
  // turn. An event that arrived before the last snapshot was applied is covered by that snapshot
  // and only advances the sequence.
  let detailTimer: ReturnType<typeof setTimeout> | null = null;
  let snapshotAt = 0;
  /** The tick stream had a gap: the next resync also fetches the whole timeline. */
  let timelineSuspect = false;
  const deltaSize = (e: TickEventDto) => e.delta.upsertNodes.length + e.delta.removeNodes.length + e.delta.upsertEdges.length + e.delta.removeEdges.length;
  const intake = new TickIntake<TickEventDto, AppliedDelta>({
    prepare(e, arrival) {
      const g = s().graph;
      // Prepare only what will be applied (see graphSlice.receiveTick); it is re-checked there.
      const applies = arrival >= snapshotAt && !g.resyncing && g.sync.ok && e.delta.fromCommit === g.commit && deltaSize(e) >= bigDelta;
      return applies ? prepareSliced(e) : undefined;
    },
    handle: (e, arrival, prepared) => handleTick(e, arrival, prepared),
    afterBatch: flushSummaries,
    onError: (e) => toast('RendererError', errorOf(e).message, 'error', 'a tick event could not be shown; press Resync'),
    sliceMs,
    now,
  });
  const onTick = (e: TickEventDto) => void intake.push(e);
  /** Resolves once the tick events that arrived so far are in the store (summaries included). */
  async function streamedHandled(): Promise<void> {
    await intake.settled();
    flushSummaries();
  }

  async function prepareSliced(e: TickEventDto): Promise<AppliedDelta> {
    const g = s().graph;
    const run = applyDelta(g.nodes, g.edges, g.typeIndex, e.delta, true);
    let t = now();
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
      if (now() - t > sliceMs) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        t = now();
      }
    }
  }

  const handleTick = (e: TickEventDto, arrival: number, prepared?: AppliedDelta) => {
    markLatest(PERF.tick);
    const st = s();
    queueSummary(e.summary);
    if (arrival < snapshotAt) {
      st.graph.coverTick(e.seq);
      return;
    }
    const outcome = st.graph.receiveTick(e, prepared);
    if (outcome === 'resync') void resync();
    if (outcome === 'desync') {
      timelineSuspect = true; // a gap in the tick stream: summaries (commits) may be missing too
      const err = s().graph.sync.error;
      if (err && st.graph.sync.ok) toast('Desync', err, 'error', 'the tick stream does not continue the viewed commit; press Resync');
    }
    if (outcome === 'applied' && !s().ui.playing) {
      // Stepping: follow the new tick in the inspector (coalesced when many arrive at once).
      if (detailTimer) clearTimeout(detailTimer);
      detailTimer = setTimeout(() => {
        detailTimer = null;
        afterViewMoved();
      }, 30);
    } else if (outcome === 'applied') liveDetail();
  };

  // While playing, the selected element's values (which graph records do not carry) follow the
  // ticks at most every LIVE_DETAIL_MS, one request at a time.
  let liveAt = -Infinity;
  let liveBusy = false;
  function liveDetail(): void {
    const sel = s().selection;
    if ((!sel.node && !sel.edge) || liveBusy || now() - liveAt < LIVE_DETAIL_MS) return;
    liveAt = now();
    liveBusy = true;
    void (sel.node ? refreshNode() : refreshEdge()).finally(() => {
      liveBusy = false;
    });
  }

  // A timeline event lists the commits the host created since its previous one, except those its
  // tick events already carried: it is folded in after the tick events that arrived before it.
  let disposed = false;
  const onTimeline = (ev: TimelineDto) => {
    if (intake.idle) applyTimelineEvent(ev);
    else
      void intake.settled(intake.arrived).then(() => {
        if (!disposed) applyTimelineEvent(ev);
      });
  };
  const applyTimelineEvent = (ev: TimelineDto) => {
    flushSummaries();
    const st = s();
    const prevActive = st.timeline.dto?.active;
    const followView = (dto: TimelineDto) => {
      if (moving > 0) return; // the command re-anchors the view itself
      if (dto.active !== prevActive || dto.viewing !== s().graph.commit) void resync();
    };
    if (foldTimeline(ev)) {
      followView(s().timeline.dto!);
      return;
    }
    // Only what changed came, and this page lacks what came before it: fetch the whole timeline.
    void refreshTimeline().then(() => {
      const full = s().timeline.dto;
      if (full) followView(full);
    });
  };

  /** Folds a timeline event (or the reply that is one) into the store; false when it cannot be. */
  function foldTimeline(ev: TimelineDto): boolean {
    const full = completeTimeline(s().timeline.dto, ev);
    if (full) s().timeline.setTimeline(full);
    return full !== null;
  }

  const offs = [
    bridge.on('echo:tick', onTick),
    bridge.on('echo:timeline.changed', onTimeline),
    bridge.on('echo:error', (e) => toast(e.code, e.message)),
    bridge.on('echo:op.progress', (p) => s().ui.opProgress(p)),
    bridge.on('echo:playing', (p) => {
      s().ui.setPlaying(p.playing, p.ticksPerSecond);
      if (!p.playing) afterViewMoved();
    }),
  ];

  // ------------------------------------------------------------- commands

  /** Takes a command's timeline reply (the event it caused: folded in, or the whole timeline fetched). */
  async function takeTimeline(dto: TimelineDto): Promise<void> {
    if (!foldTimeline(dto)) await refreshTimeline();
  }

  async function refreshTimeline(): Promise<void> {
    const dto = await call('echo:timeline.get', {});
    if (dto) s().timeline.setTimeline(dto);
  }

  async function loadTickDetail(commit?: Hex | null): Promise<void> {
    const c = commit === undefined ? s().graph.commit : commit;
    if (!c) {
      s().inspector.setTickDetail(null);
      return;
    }
    const d = await call('echo:tick.detail', { commit: c });
    if (!d) return;
    s().timeline.addSummary(d.summary);
    // Ignore stale answers (the view moved on while the request ran).
    if (commit === undefined && s().graph.commit !== c) return;
    s().inspector.setTickDetail(d);
  }

  async function loadDiff(a?: Hex | null, b?: Hex): Promise<void> {
    const st = s();
    let pair = st.inspector.diffPair;
    if (b !== undefined) {
      pair = { a: a ?? null, b };
      st.inspector.setDiffPair(pair);
    }
    const bb = pair?.b ?? st.graph.commit;
    if (!bb) {
      st.inspector.setDiff(null);
      return;
    }
    const aa = pair ? pair.a : parentOf(st.timeline.dto, bb);
    const d = await call('echo:query.diff', { a: aa, b: bb }, 'diff');
    if (d) s().inspector.setDiff(d);
  }

  async function refreshNode(): Promise<void> {
    const sel = s().selection.node;
    if (!sel) return;
    const commit = s().graph.commit;
    try {
      const d = await bridge.invoke('echo:query.node', { warp: sel.warp, id: sel.id, commit });
      if (s().selection.node === sel) s().inspector.setNodeDetail(d);
    } catch (e) {
      // The node may not exist at this commit: say so in the inspector rather than a toast.
      if (errorOf(e).code === 'NotFound') s().inspector.setNodeDetail(null);
      else toast(errorOf(e).code, errorOf(e).message);
    }
  }

  async function refreshEdge(): Promise<void> {
    const sel = s().selection.edge;
    if (!sel) return;
    const commit = s().graph.commit;
    try {
      const d = await bridge.invoke('echo:query.edge', { warp: sel.warp, id: sel.id, commit });
      if (s().selection.edge === sel) s().inspector.setEdgeDetail(d);
    } catch (e) {
      if (errorOf(e).code === 'NotFound') {
        if (s().selection.edge === sel) s().inspector.setEdgeDetail(null);
      } else toast(errorOf(e).code, errorOf(e).message);
    }
  }

  async function seekNow(commit: Hex | null): Promise<void> {
    await moveView(async () => {
      if (s().ui.playing) await call('echo:tick.pause', {});
      s().graph.beginResync();
      const snap = await call('echo:timeline.seek', { commit }, 'seek');
      if (!snap) {
        s().graph.endResync();
        return;
      }
      applySnapshot(snap);
      afterViewMoved();
      return snap;
    });
  }

  const controller: EchoController = {
    async init() {
      let world = await bridge.invoke('echo:world.info', {}).catch(() => undefined);
      if (!world) world = await call('echo:world.load', { world: 'demo' });
      if (world) s().ui.setWorld(world);
      await refreshTimeline();
      await resync();
    },

    async loadWorld(world, params) {
      const ok = await moveView(async () => {
        const w = await call('echo:world.load', { world, ...(params ? { params } : {}) }, 'load');
        if (!w) return false;
        s().ui.setWorld(w);
        s().graph.resetSync();
        s().ui.setViewWarp(null);
        s().selection.clear();
        s().inspector.setNodeDetail(null);
        s().timeline.setDivergence(null);
        s().ui.setDeterminism(null);
        await refreshTimeline();
        await resync();
        toast('WorldLoaded', `loaded world "${w.name}"`, 'success');
        return true;
      });
      return ok === true;
    },

    resync,

    async step(n) {
      const k = Math.max(1, Math.floor(n));
      if (k === 1) await call('echo:tick.step', { n: 1 }, 'step');
      else await callOp('echo:tick.step', { n: k }, `step ${k}`, 'step');
    },

    async play(tps) {
      const r = await call('echo:tick.play', { ticksPerSecond: tps ?? s().ui.ticksPerSecond });
      if (r) s().ui.setPlaying(r.playing, r.ticksPerSecond);
    },

    async pause() {
      const r = await call('echo:tick.pause', {});
      if (r) s().ui.setPlaying(false);
    },

    async togglePlay() {
      if (s().ui.playing) await controller.pause();
      else await controller.play();
    },

    async seek(commit) {
      if (seekRunning) {
        seekNext = { commit };
        return;
      }
      seekRunning = true;
      try {
        let target: { commit: Hex | null } | null = { commit };
        while (target) {
          seekNext = null;
          await seekNow(target.commit);
          target = seekNext;
        }
      } finally {
        seekRunning = false;
      }
    },

    async seekTick(tick) {
      const chain = branchChain(s().timeline.dto);
      const t = Math.max(0, Math.min(chain.length, Math.round(tick)));
      await controller.seek(t === 0 ? null : chain[t - 1]!.commit);
    },

    async stepBack() {
      const c = s().graph.commit;
      if (!c) return;
      await controller.seek(parentOf(s().timeline.dto, c));
    },

    async fork(name, at) {
      const n = name?.trim() || nextForkName(s().timeline.dto);
      await moveView(async () => {
        const dto = await call('echo:timeline.fork', { name: n, ...(at !== undefined ? { at } : {}) }, 'fork');
        if (!dto) return;
        await takeTimeline(dto);
        await resync();
        toast('Forked', `branch "${n}" forked at tick ${s().graph.tick}`, 'success');
      });
    },

    async switchBranch(branch) {
      await moveView(async () => {
        const dto = await call('echo:timeline.switch', { branch }, 'switch');
        if (!dto) return;
        await takeTimeline(dto);
        await resync();
      });
    },

    async verify(branch) {
      const b = branch ?? s().timeline.dto?.active ?? 'main';
      const v = await callOp('echo:timeline.verify', { branch: b }, `verify ${b}`, `verify:${b}`);
      if (!v) return;
      s().timeline.setVerify(v);
      if (!v.ok) toast('VerifyFailed', `replay of "${b}" failed at ${v.firstBad?.slice(0, 12)}: ${v.error ?? ''}`);
    },

    async diverge(a, b) {
      const d = await call('echo:timeline.diverge', { a, b }, 'diverge');
      if (!d) return;
      s().timeline.setDivergence({ ...d, aName: a, bName: b });
      s().inspector.setTab('diff');
      if (d.b && d.a) await loadDiff(d.a, d.b);
    },

    async previewMerge(ours, theirs) {
      const p = await call('echo:timeline.mergePreview', { ours, theirs }, 'merge');
      if (p) s().timeline.openMerge(ours, theirs, p);
    },

    async commitMerge() {
      const m = s().timeline.merge;
      if (!m) return;
      await moveView(async () => {
        const dto = await callOp('echo:timeline.merge', { ours: m.ours, theirs: m.theirs, resolutions: { ...m.resolutions } }, `merge ${m.theirs} into ${m.ours}`, 'merge');
        if (!dto) return;
        await takeTimeline(dto);
        s().timeline.closeMerge();
        await resync();
        toast('Merged', `merged "${m.theirs}" into "${m.ours}"`, 'success');
      });
    },

    async selectNode(warp, id) {
      s().selection.selectNode(warp, id);
      s().inspector.setNodeDetail(null);
      if (s().inspector.tab !== 'node') s().inspector.setTab('node');
      await refreshNode();
    },

    refreshNode,
    refreshEdge,

    async selectEdge(warp, id) {
      s().selection.selectEdge(warp, id);
      s().inspector.setEdgeDetail(null);
      if (s().inspector.tab !== 'node') s().inspector.setTab('node');
      await refreshEdge();
    },

    async applyEdits(edits) {
      const r = await call('echo:edit.apply', { edits }, 'edit');
      if (!r) return undefined;
      // A deleted selection has nothing left to show.
      const sel = s().selection;
      const gone = (kind: 'deleteNode' | 'deleteEdge', x: { warp: Hex; id: Hex } | null) => !!x && edits.some((e) => e.kind === kind && e.warp === x.warp && e.id === x.id);
      if (gone('deleteNode', sel.node) || gone('deleteEdge', sel.edge)) {
        sel.clear();
        s().inspector.setNodeDetail(null);
        s().inspector.setEdgeDetail(null);
      }
      toast('Edited', `${edits.length === 1 ? edits[0]!.kind : `${edits.length} edits`} committed at tick ${r.summary.tick}`, 'success');
      return r;
    },

    async ingestIntent(hex) {
      const r = await call('echo:intent.ingest', { hex }, 'intent');
      if (r) toast('Ingested', `intent ${r.intentId.slice(0, 12)}… ${r.disposition}, committed at tick ${r.summary.tick}`, 'success');
      return r;
    },

    async cancelOp(id) {
      if (!s().ui.ops[id]) return;
      s().ui.markCancelling(id);
      await call('echo:op.cancel', { op: id });
    },

    loadTickDetail,
    loadDiff,

    async loadProfile(limit = 200) {
      const chain = branchChain(s().timeline.dto).slice(-limit);
      const missing = chain.filter((c) => !s().timeline.summaries.has(c.commit) && !profileTried.has(c.commit));
      if (missing.length === 0) return;
      for (const c of missing) profileTried.add(c.commit);
      s().ui.setBusy('profile', true);
      try {
        for (const c of missing) {
          const d = await bridge.invoke('echo:tick.detail', { commit: c.commit }).catch(() => undefined);
          if (d) s().timeline.addSummary(d.summary);
        }
      } finally {
        s().ui.setBusy('profile', false);
      }
    },

    async exportSession() {
      return callOp('echo:session.export', {}, 'export session', 'export');
    },

    async importSession(bytesBase64) {
      await moveView(async () => {
        const dto = await callOp('echo:session.import', { bytesBase64 }, 'import session', 'import');
        if (!dto) return;
        s().graph.resetSync();
        s().timeline.setTimeline(dto);
        // Re-verify every branch before showing anything of the imported history.
        for (const b of dto.branches) await controller.verify(b.name);
        const bad = dto.branches.filter((b) => s().timeline.verify[b.name]?.ok === false);
        await resync();
        if (bad.length === 0) toast('Imported', `session imported: ${dto.branches.length} branch(es), every hash re-verified`, 'success');
      });
    },

    async checkDeterminism() {
      s().ui.setDeterminism(null);
      const d = await callOp('echo:determinism.check', {}, 'determinism check', 'determinism');
      if (d) s().ui.setDeterminism(d);
    },

    dispose() {
      disposed = true;
      intake.dispose();
      for (const off of offs) off();
      if (detailTimer) clearTimeout(detailTimer);
    },
  };
  return controller;
}
