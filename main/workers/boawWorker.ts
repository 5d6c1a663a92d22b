/**
 * BOAW worker thread: loads the world module (its rules), keeps a replica of the engine state
 * (engine/boaw/replica.ts) and runs claimed shards of each tick against it. Started by
 * boawPool.ts through main/workers/bootstrap.mjs; talks only bytes (SharedArrayBuffers).
 *
 * workerData: { __tsEntry, world: path of the world module, params: resolved params,
 *               resultPort: MessagePort (lane results, read synchronously by the engine thread) }
 *
 * Invariants:
 * - Messages are handled one at a time in arrival order, so replication of tick k is always
 *   applied before the execution request of tick k+1 (same port, FIFO).
 * - Any failure while replicating marks the replica as out of sync: the worker then declines
 *   every execution (sets FAIL, claims nothing) and reports `desync` until the next `load`.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { toHex } from '../../engine/bytes';
import { LaneDelta } from '../../engine/boaw/exec';
import { BoawReplica, laneWriter } from '../../engine/boaw/replica';
import type { NodeId, WarpId } from '../../engine/ident';
import { loadWorld } from '../worlds/loader';
import { claimShards, H_DONE, H_FAIL, H_POSTED, readItemTable, type FromWorker, type ToWorker, type WorkerEvent } from './protocol';

const port = parentPort!;
const resultPort = workerData.resultPort as MessagePort;
const send = (m: WorkerEvent) => port.postMessage(m);

let replica: BoawReplica | null = null;
try {
  const { world } = await loadWorld(workerData.world as string);
  const rules = world.rules(workerData.params as Record<string, number | string>);
  replica = new BoawReplica(rules);
  send({ t: 'ready', rules: rules.map((r) => toHex(r.id) + ':' + r.name) });
} catch (e) {
  // Reported, not rethrown: the pool rejects `start` and terminates this thread.
  send({ t: 'fatal', error: e instanceof Error ? e.message : String(e) });
}

let inSync = false;
let desyncReason = '';

function desync(e: unknown): void {
  inSync = false;
  desyncReason = e instanceof Error ? e.message : String(e);
  const m: FromWorker = { t: 'desync', error: desyncReason };
  resultPort.postMessage(m);
}

function exec(replica: BoawReplica, seq: number, table: SharedArrayBuffer): void {
  const t = readItemTable(table);
  if (!inSync && t.n > 0) {
    Atomics.add(t.header, H_FAIL, 1);
    Atomics.notify(t.header, H_DONE);
    return;
  }
  const t0 = performance.now();
  const w = laneWriter(Math.min(t.n, 4096)); // grows on demand
  const tx = t.tx;
  const lane = new LaneDelta();
  let items = 0;
  const claimed = claimShards(t, (i) => {
    const compact = t.compact(i);
    replica.runItem(w, lane, i, compact, t.warp(i), t.scope(i) as NodeId, { intentId: tx, ruleId: compact, matchIx: i, opIx: 0 });
    items++;
  });
  if (claimed === 0) return;
  const bytes = w.view();
  const buf = new SharedArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  const m: FromWorker = { t: 'lane', seq, buf, busyMs: performance.now() - t0, items };
  resultPort.postMessage(m);
  Atomics.add(t.header, H_POSTED, 1);
  Atomics.add(t.header, H_DONE, claimed);
  Atomics.notify(t.header, H_DONE);
}

if (replica) port.on('message', (m: ToWorker) => handle(replica!, m));

function handle(replica: BoawReplica, m: ToWorker): void {
  switch (m.t) {
    case 'load':
      try {
        replica.load(new Uint8Array(m.state), { warp: m.root.warp as WarpId, local: m.root.local as NodeId });
        const missing = replica.setRuleTable(m.rules);
        inSync = true;
        send({ t: 'loaded', seq: m.seq, missing });
      } catch (e) {
        replica.unload();
        desync(e);
      }
      return;
    case 'rules':
      replica.setRuleTable(m.rules);
      return;
    case 'edits':
      if (!inSync) return;
      try {
        replica.applyEdits(new Uint8Array(m.bytes));
      } catch (e) {
        desync(e);
      }
      return;
    case 'ops':
      if (!inSync) return;
      try {
        replica.applyCanonicalOps(new Uint8Array(m.bytes));
      } catch (e) {
        desync(e);
      }
      return;
    case 'lanes':
      if (!inSync) return;
      try {
        replica.applyLaneBuffers(
          m.bufs.map((b) => new Uint8Array(b)),
          m.n,
        );
      } catch (e) {
        desync(e);
      }
      return;
    case 'exec':
      exec(replica, m.seq, m.table);
      return;
    case 'verify':
      try {
        send({ t: 'root', seq: m.seq, root: inSync ? toHex(replica.stateRoot()) : null, ...(inSync ? {} : { error: desyncReason || 'not loaded' }) });
      } catch (e) {
        send({ t: 'root', seq: m.seq, root: null, error: e instanceof Error ? e.message : String(e) });
      }
      return;
  }
}
