/**
 * Adapter from the bench to the BOAW worker pool (main/workers/boawPool.ts, `BoawPool`). Returns
 * null when the pool is absent.
 *
 * The pool is the engine's executor seam (engine/boaw/seam.ts): `execute(batch)` runs the items on
 * `workers` lanes (the calling thread is lane 0, plus workers − 1 threads that hold a replica of the
 * state) and returns each item's ops. The bench hands it the same N motion items the in-thread
 * w=1 run executes, in `mode: 'always'` (no break-even heuristics), and times `execute`. The first
 * (warm-up) call ships the full state to the replicas.
 */
import type { WarpOp } from '../../engine/index';
import type { BoawBatch, BoawExecutor, BoawItem } from '../../engine/boaw/seam';
import type { Built } from '../setup';
import { importOptional } from '../optional';

interface PoolStats {
  readonly threads: number;
  readonly workerItems: number;
  readonly engineItems: number;
  readonly dispatchMs: number;
  readonly fallbacks: number;
  readonly broken: string | null;
}

export interface PoolLike extends BoawExecutor {
  stats(): PoolStats;
  close(): Promise<void>;
}

interface PoolModule {
  BoawPool: { start(opts: { world: string; workers?: number; mode?: 'auto' | 'always' | 'never'; engineLane?: boolean }): Promise<PoolLike> };
}

export interface PoolSession {
  /** Lanes including the calling thread. */
  readonly lanes: number;
  readonly engineLane: boolean;
  /** One `execute` of the batch; returns the per-item ops. @throws when the pool declines. */
  execute(): ReadonlyArray<readonly WarpOp[]>;
  stats(): PoolStats;
  close(): Promise<void>;
}

export interface BoawPoolBench {
  open(b: Built, lanes: number, engineLane: boolean): Promise<PoolSession>;
}

export async function loadBoawPool(): Promise<BoawPoolBench | null> {
  const mod = await importOptional<PoolModule>('main/workers/boawPool.ts');
  if (!mod || typeof mod.BoawPool?.start !== 'function') return null;
  return {
    async open(b, lanes, engineLane) {
      const pool = await mod.BoawPool.start({ world: 'motion', workers: lanes, mode: 'always', engineLane });
      const rules = b.engine.registeredRules();
      const compact = rules.findIndex((r) => r.name === 'motion/update');
      const warp = b.engine.root.warp;
      const items: BoawItem[] = b.ids.map((scope) => ({ compactRule: compact, warp, scope, origin: { intentId: 0, ruleId: 0, matchIx: 0, opIx: 0 } }));
      const pendingInputs: never[] = [];
      const engineId = {};
      let tx = 0;
      return {
        lanes,
        engineLane,
        execute() {
          const batch: BoawBatch = {
            engine: engineId,
            tx: ++tx,
            items,
            rules,
            state: b.engine.warpState,
            root: b.engine.root,
            pendingInputs,
            runInline: () => {
              throw new Error('the bench never runs the batch inline');
            },
          };
          const res = pool.execute(batch);
          if (!res) throw new Error(`BoawPool declined the batch (${pool.stats().broken ?? 'no reason given'})`);
          return res;
        },
        stats: () => pool.stats(),
        close: () => pool.close(),
      };
    },
  };
}
