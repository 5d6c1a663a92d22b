/** A worker thread loads the same world module and gets the same rules and hashes (BOAW relies on it). */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../engine/index';
import { WorldSession } from '../../engine/world';
import { loadWorld } from '../../main/worlds/loader';

function inWorker(world: string, ticks: number): Promise<{ rules: string[]; hashes: string[] }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../../main/workers/bootstrap.mjs', import.meta.url), {
      workerData: { __tsEntry: new URL('../support/world-worker.ts', import.meta.url).href, world, ticks },
    });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('world modules in worker threads', () => {
  it('the demo world loaded in a worker has the same rules and tick hashes as on the main thread', async () => {
    const { world } = await loadWorld('demo');
    const s = new WorldSession(world);
    const hashes = Array.from({ length: 5 }, () => toHex(s.tick().snapshot.hash));
    const rules = s.engine.registeredRules().map((r) => `${r.name}:${toHex(r.id)}`);
    const fromWorker = await inWorker('demo', 5);
    expect(fromWorker.rules).toEqual(rules);
    expect(fromWorker.hashes).toEqual(hashes);
  });
});
