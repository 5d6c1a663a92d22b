/**
 * Micro-benchmark of the state root on the P2 chain (shared/bench/REFERENCE.md §3 P2):
 * cold `computeStateRoot` (the naive full computation), cold `StateRootIndex.rebuild`, and
 * `StateRootIndex.update` after ONE attachment change (first an atom set on an entity that had
 * none — a length change, spliced and re-hashed from that record on — then a same-length rewrite
 * of it — the in-place fast path). Medians of several runs; raw BLAKE3 throughput (hash-wasm and
 * the tree) on the same stream is printed as the in-process baseline.
 *
 *   npx tsx scripts/bench-stateroot.ts [--sizes=10000,100000,1000000] [--runs=N]
 *
 * The 1M-entity graph needs a large V8 heap (the GraphStore costs ~4 KB per entity); the script
 * re-launches itself with --max-old-space-size when the current limit is too small.
 */
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { Blake3Tree } from '../engine/blake3Tree';
import {
  GraphStore,
  ROOT_WARP,
  WarpState,
  applyOps,
  atom,
  computeStateRoot,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  nodeAlpha,
  toHex,
  validatePortalInvariants,
  wasmBlake3,
  type NodeKey,
  type WarpOp,
} from '../engine/index';
import { StateRootIndex } from '../engine/stateRootIndex';

const P2_10K_ROOT = '149a67bf5a7e97571809677fc57c3acf25c39396fdb4583a8ba91a3efe13ce4e';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (arg('sizes') ?? '10000,100000,1000000').split(',').map(Number);
const runsOverride = arg('runs') ? Number(arg('runs')) : undefined;

const HEAP_MB = 14_000;
if (Math.max(...sizes) >= 500_000 && getHeapStatistics().heap_size_limit < (HEAP_MB - 1000) * 1024 * 1024 && !process.env.BENCH_STATEROOT_CHILD) {
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${HEAP_MB}`, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_STATEROOT_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

function buildChain(n: number): { state: WarpState; root: NodeKey; ents: Uint8Array[] } {
  const store = new GraphStore();
  const root = makeNodeId('root');
  store.insertNode(root, { ty: makeTypeId('world') });
  const ent = makeTypeId('entity');
  const link = makeTypeId('link');
  const ents: Uint8Array[] = [];
  let prev = root;
  let prevName = 'root';
  for (let i = 0; i < n; i++) {
    const id = makeNodeId(`ent-${i}`);
    ents.push(id);
    store.insertNode(id, { ty: ent });
    store.insertEdge(prev, { id: makeEdgeId(`edge-${prevName}-to-ent-${i}`), from: prev, to: id, ty: link });
    prev = id;
    prevName = `ent-${i}`;
  }
  const state = new WarpState();
  state.upsertInstance({ warpId: ROOT_WARP, rootNode: root, parent: null }, store);
  return { state, root: { warp: ROOT_WARP, local: root }, ents };
}

function tick(state: WarpState, ops: WarpOp[]) {
  const j = state.beginJournal();
  applyOps(state, ops);
  validatePortalInvariants(state);
  state.endJournal();
  return j;
}

const motion = makeTypeId('payload/motion/v2');

for (const n of sizes) {
  const runs = runsOverride ?? (n >= 1_000_000 ? 3 : n >= 100_000 ? 5 : 9);
  let t = performance.now();
  const { state, root, ents } = buildChain(n);
  const buildMs = performance.now() - t;
  console.log(`\n== P2 chain N = ${n.toLocaleString('en-US')} (graph built in ${fmt(buildMs)} ms; ${runs} runs after 1 warm-up)`);

  // Cold full computeStateRoot (the naive twin). The first call also sorts the store's key caches.
  const full: number[] = [];
  let fullRoot = '';
  for (let r = 0; r <= runs; r++) {
    t = performance.now();
    fullRoot = toHex(computeStateRoot(state, root));
    if (r > 0) full.push(performance.now() - t);
  }
  // Cold StateRootIndex.rebuild: a fresh index each run (allocates its stream buffer), then
  // rebuilds of one long-lived index (everything recomputed; the buffers are reused).
  const cold: number[] = [];
  const warm: number[] = [];
  let index = new StateRootIndex();
  for (let r = 0; r <= runs; r++) {
    index = new StateRootIndex();
    t = performance.now();
    const h = toHex(index.rebuild(state, root));
    if (r > 0) cold.push(performance.now() - t);
    if (h !== fullRoot) throw new Error(`rebuild root ${h} != computeStateRoot ${fullRoot}`);
  }
  for (let r = 0; r < runs; r++) {
    t = performance.now();
    index.rebuild(state, root);
    warm.push(performance.now() - t);
  }
  const streamMB = index.byteLength / 1e6;

  // One attachment change: atom set (length change), then a same-length rewrite, then removed again.
  const setMs: number[] = [];
  const sameMs: number[] = [];
  const clearMs: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const k = ents[(r * 7919 + n / 2) % n]!;
    const key = nodeAlpha(ROOT_WARP, k as never);
    let j = tick(state, [{ op: 'SetAttachment', key, value: atom(motion, new Uint8Array(48).fill(r + 1)) }]);
    t = performance.now();
    index.update(state, root, j);
    const a = performance.now() - t;
    j = tick(state, [{ op: 'SetAttachment', key, value: atom(motion, new Uint8Array(48).fill(r + 101)) }]);
    t = performance.now();
    const afterSame = toHex(index.update(state, root, j));
    const b = performance.now() - t;
    if (r === runs && toHex(computeStateRoot(state, root)) !== afterSame) throw new Error('update root differs from computeStateRoot');
    j = tick(state, [{ op: 'SetAttachment', key, value: null }]);
    t = performance.now();
    index.update(state, root, j);
    const c = performance.now() - t;
    if (r > 0) {
      setMs.push(a);
      sameMs.push(b);
      clearMs.push(c);
    }
  }
  if (toHex(index.root()) !== fullRoot) throw new Error('root after set/clear differs from the original');

  // In-process BLAKE3 baseline on the same stream.
  const stream = index.streamBytes();
  t = performance.now();
  const ws = wasmBlake3.stream();
  for (let o = 0; o < stream.length; o += 1 << 20) ws.update(stream.subarray(o, Math.min(stream.length, o + (1 << 20))));
  const wasmRoot = toHex(ws.digest());
  const wasmMs = performance.now() - t;
  t = performance.now();
  const treeRoot = toHex(new Blake3Tree().build(stream));
  const treeMs = performance.now() - t;
  if (wasmRoot !== fullRoot || treeRoot !== fullRoot) throw new Error('stream hash mismatch');

  console.log(`state root ${fullRoot}${n === 10_000 ? (fullRoot === P2_10K_ROOT ? '  (matches REFERENCE P2 10k)' : '  MISMATCH vs REFERENCE P2 10k!') : ''}`);
  console.log(`stream ${streamMB.toFixed(1)} MB; BLAKE3 on it: hash-wasm (1 MiB updates) ${(streamMB / (wasmMs / 1e3)).toFixed(0)} MB/s, Blake3Tree cold ${(streamMB / (treeMs / 1e3)).toFixed(0)} MB/s`);
  console.log(`cold computeStateRoot        median ${fmt(median(full))} ms  (min ${fmt(Math.min(...full))})`);
  console.log(`cold StateRootIndex.rebuild  median ${fmt(median(cold))} ms  (min ${fmt(Math.min(...cold))})  [fresh index]`);
  console.log(`     StateRootIndex.rebuild  median ${fmt(median(warm))} ms  (min ${fmt(Math.min(...warm))})  [same index, buffers reused]`);
  console.log(`update: set atom (len change) median ${fmt(median(setMs))} ms  (min ${fmt(Math.min(...setMs))})  [splice + re-hash from the record]`);
  console.log(`update: same-length rewrite   median ${fmt(median(sameMs))} ms  (min ${fmt(Math.min(...sameMs))})  [in place: dirty chunk + O(log n)]`);
  console.log(`update: clear atom            median ${fmt(median(clearMs))} ms  (min ${fmt(Math.min(...clearMs))})`);
  console.log(`index stats ${JSON.stringify(index.stats)}`);
  if (n === 10_000 && fullRoot !== P2_10K_ROOT) process.exitCode = 1;
}
