/**
 * The BOAW worker pool with real worker threads (main/workers/boawPool.ts): same hashes as serial
 * for every worker count, replicas that track the engine exactly, the DIND suite and the reference
 * scenarios committed through the pool, fallbacks (delta readers, throwing executors), and the
 * adaptive break-even.
 *
 * Most pools run in `always` mode with `engineLane: false`, so every item of a parallel tick runs
 * on a worker replica (the strictest setting); one configuration keeps the engine lane on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoKernel, drainPending, modeFor, parseGolden, parseManifest, readEintLog, replaySequential, type DindManifestEntry } from '../../engine/dind/index';
import { patchJson, receiptJson, snapshotJson } from '../../engine/codec/json';
import {
  ackPendingRule,
  Engine,
  GraphStore,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  TickFailedError,
  toHex,
  utf8,
} from '../../engine/index';
import type { BoawExecutor } from '../../engine/boaw/index';
import { resolveParams, WorldSession, worldApi } from '../../engine/world';
import { BoawPool, defaultLanes } from '../../main/workers/boawPool';
import { loadWorld } from '../../main/worlds/loader';
import { addChildRule, s3BuildRule, s3DeleteRule, s4SetRule } from '../engine/golden/scenarioRules';
import { runWorld } from '../support/boawHarness';
import { misbehavingRules } from '../support/boawTestWorld';
import { DIND_DIR, dindLogNames, loadReferenceVectors, readDind } from '../support/vectors';

const TEST_WORLD = fileURLToPath(new URL('../support/boawTestWorld.ts', import.meta.url));
const pools: BoawPool[] = [];
async function pool(opts: Parameters<typeof BoawPool.start>[0]): Promise<BoawPool> {
  const p = await BoawPool.start({ mode: 'always', engineLane: false, ...opts });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('pool lifecycle', () => {
  it('sizes lanes from os.availableParallelism, starts threads once, calibrates, and closes', async () => {
    expect(defaultLanes()).toBeGreaterThanOrEqual(1);
    const p = await pool({ world: 'motion', params: { n: 8 }, workers: 3 });
    expect(p.lanes).toBe(3);
    expect(p.threads).toBe(2);
    const st = p.stats();
    expect(st.dispatchMs).toBeGreaterThan(0);
    expect(st.broken).toBeNull();
    const one = await BoawPool.start({ world: 'motion', workers: 1 });
    expect(one.threads).toBe(0);
    await one.close();
  });

  it('a world module that fails to load in a worker rejects start', async () => {
    await expect(BoawPool.start({ world: '/nonexistent/world.ts', workers: 2 })).rejects.toThrow(/world file not found|could not load/);
  });
});

describe('same hashes as serial: worker counts {1,2,4,8} × shuffled apply orders × pinned seeds', () => {
  // One pool per worker count serves both worlds: the demo world module defines motion/update too.
  const SEEDS = [20261124, 7];
  const cases = [
    { name: 'demo', params: {} as Record<string, string>, ticks: 9 },
    { name: 'motion', params: { n: '64' }, ticks: 4 },
  ];
  const expected = new Map<string, string[]>();
  beforeAll(async () => {
    for (const c of cases) expected.set(c.name, runWorld((await loadWorld(c.name)).world, c.params, c.ticks));
  });
  for (const lanes of [1, 2, 4, 8]) {
    it(`workers = ${lanes}${lanes === 2 ? ' (engine lane on)' : ''}`, async () => {
      const { world: demoWorld } = await loadWorld('demo');
      const p = await pool({ world: 'demo', params: resolveParams(demoWorld, {}), workers: lanes, engineLane: lanes === 2 });
      let ticks = 0;
      for (const c of cases) {
        const { world } = await loadWorld(c.name);
        for (const seed of [null, ...SEEDS]) {
          expect(runWorld(world, c.params, c.ticks, { boaw: p }, seed), `${c.name} seed ${seed}`).toEqual(expected.get(c.name));
          ticks += c.ticks;
        }
      }
      // The replicas ended exactly where the last engine did.
      const { world: motionWorld } = await loadWorld('motion');
      const last = new WorldSession(motionWorld, { n: '64' }, { boaw: p });
      for (let k = 0; k < 3; k++) last.tick();
      expect(await p.replicaStateRoots()).toEqual(Array(lanes - 1).fill(toHex(last.engine.snapshot().stateRoot)));
      const st = p.stats();
      if (lanes > 1) {
        expect(st.ticksParallel).toBeGreaterThanOrEqual(ticks);
        expect(st.fallbacks).toBe(0);
        expect(st.workerItems).toBeGreaterThan(0);
      }
      await p.close();
    });
  }
});

describe('DIND suite through the pool', () => {
  const manifest: DindManifestEntry[] = parseManifest(JSON.parse(readFileSync(DIND_DIR + 'MANIFEST.json', 'utf8')));
  const runWith = (name: string, boaw: BoawExecutor): string[] => {
    const { frames } = readEintLog(readDind(name).log);
    const kernel = new EchoKernel();
    kernel.engine.setBoawExecutor(boaw);
    const hashes = [kernel.stateHashHex()];
    if (modeFor(name + '.eintlog', manifest) === 'ingest-all-first') {
      for (const f of frames) kernel.dispatchIntent(f);
      drainPending(kernel, hashes);
    } else replaySequential(kernel, frames, hashes);
    return hashes;
  };
  // workers = 2: the whole suite (10 logs, 1,769 hashes). workers = 4: a representative subset
  // (every log family: smoke, the dense 010 run with all three toast positions, errors, one 050
  // ingest-all-first log, one 051 convergent log, math: 965 hashes) to keep the test time modest.
  const SUBSET = ['000_smoke_theme', '010_dense_rewrite_seed0001', '030_error_determinism', '050_randomized_order_small_seed0001', '051_randomized_convergent_seed0001', '060_math_determinism'];
  for (const [lanes, logs, hashes] of [
    [2, dindLogNames(), 1769],
    [4, SUBSET, 965],
  ] as const) {
    it(`${logs.length} logs, every pinned hash, workers = ${lanes}`, async () => {
      const { world } = await loadWorld('dind');
      const p = await pool({ world: 'dind', params: resolveParams(world, {}), workers: lanes });
      let total = 0;
      for (const name of logs) {
        const golden = parseGolden(readDind(name).hashes);
        expect(runWith(name, p), name).toEqual(golden.hashes_hex);
        total += golden.hashes_hex.length;
      }
      expect(total).toBe(hashes);
      const st = p.stats();
      expect(st.ticksParallel).toBeGreaterThan(300); // toast ticks run serially (readsDeltaLength)
      expect(st.fallbacks).toBe(0);
      expect(st.workerItems).toBeGreaterThan(300);
      await p.close();
    });
  }
});

describe('reference scenarios through the pool (workers = 2 and 4)', () => {
  const vectors = loadReferenceVectors();
  const ROOT = makeNodeId('root');
  let p: BoawPool;
  const byLanes = new Map<number, BoawPool>();
  beforeAll(async () => {
    const [two, four] = await Promise.all([pool({ world: TEST_WORLD, workers: 2 }), pool({ world: TEST_WORLD, workers: 4 })]);
    byLanes.set(2, two).set(4, four);
    p = four;
  });
  const baseEngine = () => {
    const store = new GraphStore();
    store.insertNode(ROOT, { ty: makeTypeId('world') });
    return new Engine(store, ROOT, { boaw: p });
  };
  const expectTick = (actual: ReturnType<Engine['commitWithReceipt']>, expected: any) => {
    expect(snapshotJson(actual.snapshot)).toEqual(expected.snapshot);
    expect(receiptJson(actual.receipt)).toEqual(expected.receipt);
    expect(patchJson(actual.patch)).toEqual(expected.patch);
  };

  it.each([2, 4])('S1, S2, S3, S4 and S6 reproduce every field (workers = %i)', (lanes) => {
    p = byLanes.get(lanes)!;
    const before = p.stats().ticksParallel;
    let e = baseEngine();
    for (const t of vectors.scenarios.S1_empty_commit.ticks) expectTick(e.commitWithReceipt(e.begin()), t);

    e = baseEngine();
    e.registerRule(addChildRule());
    for (const t of vectors.scenarios.S2_five_ticks_add_child.ticks) {
      const tx = e.begin();
      e.apply(tx, 'test/add_child', ROOT);
      expectTick(e.commitWithReceipt(tx), t);
    }

    const s3 = vectors.scenarios.S3_build_then_cascade_delete;
    e = baseEngine();
    e.registerRule(s3BuildRule());
    e.registerRule(s3DeleteRule());
    let tx = e.begin();
    e.apply(tx, 's3/build', ROOT);
    expectTick(e.commitWithReceipt(tx), s3.ticks[0]);
    tx = e.begin();
    e.apply(tx, 's3/delete', makeNodeId('s3/a'));
    expectTick(e.commitWithReceipt(tx), s3.ticks[1]);

    const s4 = vectors.scenarios.S4_overlapping_footprints;
    e = baseEngine();
    const x = makeNodeId('s4/x');
    e.insertNode(x, { ty: makeTypeId('s4/thing') });
    e.insertEdge(ROOT, { id: makeEdgeId('s4/root->x'), from: ROOT, to: x, ty: makeTypeId('s4/link') });
    e.registerRule(s4SetRule('a'));
    e.registerRule(s4SetRule('b'));
    tx = e.begin();
    e.apply(tx, 's4/set_a', x);
    e.apply(tx, 's4/set_b', x);
    expectTick(e.commitWithReceipt(tx), s4.ticks[0]);

    const s6 = vectors.scenarios.S6_intent_ingest_dedup;
    e = baseEngine();
    e.registerRule(ackPendingRule());
    for (const step of s6.ingest) e.ingestIntent(utf8(step.bytes_utf8));
    s6.ticks.forEach((t: any) => {
      const tx6 = e.begin();
      e.dispatchNextIntent(tx6);
      expectTick(e.commitWithReceipt(tx6), t);
    });
    expect(p.stats().ticksParallel - before).toBeGreaterThanOrEqual(5 + 2 + 1 + 1);
    expect(p.stats().fallbacks).toBe(0);
  });

  it('an executor that throws gives the serial TickFailedError; an unflagged delta.len() reader falls back to serial', async () => {
    p = byLanes.get(4)!;
    const rules = misbehavingRules(worldApi);
    const fallbacks = p.stats().fallbacks;
    const build = (boaw?: BoawExecutor) => {
      const store = new GraphStore();
      store.insertNode(ROOT, { ty: makeTypeId('world') });
      const e = new Engine(store, ROOT, boaw ? { boaw } : {});
      for (const r of rules) e.registerRule(r);
      for (let i = 0; i < 8; i++) e.insertNode(makeNodeId(`n${i}`), { ty: makeTypeId('t') });
      return e;
    };
    const failure = (e: Engine) => {
      const tx = e.begin();
      for (let i = 0; i < 8; i++) e.apply(tx, i === 5 ? 'boaw-test/throws' : 'boaw-test/busy', makeNodeId(`n${i}`));
      try {
        e.commitWithReceipt(tx);
      } catch (err) {
        return { err, root: toHex(e.snapshot().stateRoot), live: e.isLive(tx) };
      }
      throw new Error('expected a failure');
    };
    const a = failure(build());
    const b = failure(build(p));
    expect(b.err).toBeInstanceOf(TickFailedError);
    expect((b.err as Error).message).toBe((a.err as Error).message);
    expect(b).toMatchObject({ root: a.root, live: false });

    const lenTick = (e: Engine) => {
      const tx = e.begin();
      for (let i = 0; i < 8; i++) e.apply(tx, i % 3 === 0 ? 'boaw-test/len' : 'boaw-test/busy', makeNodeId(`n${i}`));
      return toHex(e.commitWithReceipt(tx).snapshot.hash);
    };
    const serial = build();
    const parallel = build(p);
    for (let k = 0; k < 3; k++) expect(lenTick(parallel)).toBe(lenTick(serial));
    // Caught once, then never offered again.
    expect(p.stats().fallbacks - fallbacks).toBe(2); // the throwing tick + the first delta read
    const roots = await p.replicaStateRoots();
    expect(new Set(roots)).toEqual(new Set([toHex(parallel.snapshot().stateRoot)]));
  });
});

describe('adaptive break-even (auto mode)', () => {
  it('stays inline for tiny ticks, goes parallel for heavy ones, hashes unchanged', async () => {
    const p = await pool({ world: TEST_WORLD, workers: 2, mode: 'auto', engineLane: true });
    const busy = misbehavingRules(worldApi).find((r) => r.name === 'boaw-test/busy')!;
    const build = (boaw?: BoawExecutor) => {
      const store = new GraphStore();
      const root = makeNodeId('root');
      store.insertNode(root, { ty: makeTypeId('world') });
      const e = new Engine(store, root, boaw ? { boaw } : {});
      e.registerRule(busy);
      for (let i = 0; i < 300; i++) e.insertNode(makeNodeId(`b${i}`), { ty: makeTypeId('t') });
      return e;
    };
    const tick = (e: Engine, n: number) => {
      const tx = e.begin();
      for (let i = 0; i < n; i++) e.apply(tx, 'boaw-test/busy', makeNodeId(`b${i}`));
      return toHex(e.commitWithReceipt(tx).snapshot.hash);
    };
    const serial = build();
    const parallel = build(p);
    for (let k = 0; k < 6; k++) expect(tick(parallel, 1)).toBe(tick(serial, 1));
    const tiny = p.stats();
    expect(tiny.ticksParallel).toBe(0);
    expect(tiny.ticksInline).toBe(6);
    for (let k = 0; k < 4; k++) expect(tick(parallel, 300)).toBe(tick(serial, 300));
    const st = p.stats();
    expect(st.ticksParallel).toBeGreaterThan(0);
    expect(st.breakEvenMs).toBeGreaterThan(0);
  });
});
