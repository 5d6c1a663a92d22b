/**
 * The Studio host runs with strict footprints unless the world opts out. The demo world steps
 * cleanly with the check on; the dind world opts out (`strictFootprints: false`): warp-core's own
 * DIND toast rule writes the view-op node, which its footprint F("sim/view") does not declare —
 * the reference never checks (ENGINE-SPEC §12.1 T16) — so its ticks commit in the Studio, toast
 * included. (A strict world that violates its footprint: test/main/hostEditing.test.ts; the
 * engine-level check and tick atomicity: test/engine/unit/worldTickAtomic.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../main/host/engineHost';

describe('strict footprints in the Studio host', () => {
  it('demo steps with the check on; dind opts out and commits its toast ticks', async () => {
    const h = new EngineHost();
    try {
      await h.handle('echo:world.load', { world: 'demo' });
      expect(await h.handle('echo:world.info', {})).toMatchObject({ ok: true, value: { strictFootprints: true } });
      expect((await h.handle('echo:tick.step', { n: 5 })).ok).toBe(true);
      await h.handle('echo:world.load', { world: 'dind' });
      expect(await h.handle('echo:world.info', {})).toMatchObject({ ok: true, value: { strictFootprints: false } });
      const r = await h.handle('echo:tick.step', { n: 20 });
      expect(r.ok).toBe(true);
      const rules = r.ok ? (r.value as unknown as Array<{ perRule: Array<{ rule: string; applied: number }> }>).flatMap((s) => s.perRule.filter((p) => p.applied > 0).map((p) => p.rule)) : [];
      expect(rules).toContain('cmd/toast');
      expect(await h.handle('echo:timeline.verify', {})).toMatchObject({ ok: true, value: { ok: true, count: 20 } });
    } finally {
      h.dispose();
    }
  });
});
