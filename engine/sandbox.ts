/**
 * Sandbox helpers (ENGINE-SPEC §8.5): build engines from factories and run two of them in
 * lock-step, comparing `snapshot()` hashes after every step.
 *
 * Invariants:
 * - `runPairDeterminism` compares `snapshot()` hashes (not commit results), exactly like
 *   warp-core, so `stepFn` must commit by itself for history to matter.
 * - Unlike warp-core's `build_engine`, registration errors are NOT swallowed: a factory that
 *   yields a duplicate rule is a bug worth seeing (warp-core silently ignores it, §12.3 item 18).
 */
import { toHex } from './bytes';
import { Engine, type EngineOptions } from './engine';
import type { GraphStore } from './graph';
import type { NodeId } from './ident';
import type { RewriteRule } from './rule';

/** @public */
export interface EchoConfig {
  readonly label: string;
  readonly seed: () => { store: GraphStore; root: NodeId };
  readonly rules: () => readonly RewriteRule[];
  readonly options?: EngineOptions;
}

/** A fresh engine from the config's factories. @throws EngineError on a registration error. @public */
export function buildEngine(cfg: EchoConfig): Engine {
  const { store, root } = cfg.seed();
  const e = new Engine(store, root, cfg.options);
  for (const r of cfg.rules()) e.registerRule(r);
  return e;
}

/** First step whose snapshot hashes differ. @public */
export interface SnapshotMismatch {
  readonly step: number;
  readonly labelA: string;
  readonly labelB: string;
  readonly hashA: string;
  readonly hashB: string;
}

/** Runs `steps` steps on two fresh engines; returns the first mismatch or null. @public */
export function runPairDeterminism(a: EchoConfig, b: EchoConfig, steps: number, stepFn: (step: number, engine: Engine) => void): SnapshotMismatch | null {
  const ea = buildEngine(a);
  const eb = buildEngine(b);
  for (let step = 0; step < steps; step++) {
    stepFn(step, ea);
    const ha = toHex(ea.snapshot().hash);
    stepFn(step, eb);
    const hb = toHex(eb.snapshot().hash);
    if (ha !== hb) return { step, labelA: a.label, labelB: b.label, hashA: ha, hashB: hb };
  }
  return null;
}
