/**
 * The Studio host runs with strict footprints: an executor that writes outside its declared write
 * footprint gets a typed FootprintViolation reply naming rule, scope and slot, and no commit is
 * made. warp-core's own DIND toast rule is such a case (it writes the view-op node, which its
 * footprint F("sim/view") does not declare) — the reference never checks (ENGINE-SPEC §12.1 T16).
 */
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../main/host/engineHost';

describe('strict footprints in the Studio host', () => {
  it('the demo world steps cleanly; the DIND toast rule is reported as a FootprintViolation and nothing changes', async () => {
    const h = new EngineHost();
    try {
      await h.handle('echo:world.load', { world: 'demo' });
      const ok = await h.handle('echo:tick.step', { n: 5 });
      expect(ok.ok).toBe(true);
      await h.handle('echo:world.load', { world: 'dind' });
      let violation: { code: string; message: string } | null = null;
      for (let i = 0; i < 20 && !violation; i++) {
        const before = h.liveCommit();
        const r = await h.handle('echo:tick.step', { n: 1 });
        if (!r.ok) {
          violation = r.error;
          // No commit was made. (The intent the driver ingested before the failing commit stays
          // ingested, as a direct edit outside the tick — see the closing note.)
          expect(h.liveCommit()).toBe(before);
        }
      }
      expect(violation?.code).toBe('FootprintViolation');
      expect(violation?.message).toContain('cmd/toast');
      expect(violation?.message).toContain('outside its declared write footprint');
    } finally {
      h.dispose();
    }
  });
});
