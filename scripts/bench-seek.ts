/**
 * Timeline seek benchmark (issue: timelines): build a 10,000-tick history of the demo world, then
 * seek (verified rebuild from the nearest checkpoint) to commits spread over the whole history and
 * report median (min–max) ms against the 100 ms target. Run: `npm run bench:seek [-- --ticks N --k K]`.
 * Each seek is checked: the rebuilt state root equals the commit's recorded root.
 */
import { computeStateRoot, toHex } from '../engine/index';
import { Timeline } from '../engine/timeline/index';
import { WorldSession, instantiateWorld } from '../engine/world';
import demo from '../engine/worlds/demo';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ticks = arg('ticks', 10_000);
const k = arg('k', 32); // the Studio host's checkpoint interval
const session = new WorldSession(instantiateWorld(demo, 'demo'));
const tl = new Timeline(session, { checkpointEvery: k });
const t0 = performance.now();
const commits = tl.step(ticks);
const buildMs = performance.now() - t0;
const samples: number[] = [];
let maxReplay = 0;
for (let i = 0; i < 200; i++) {
  const c = commits[Math.floor(((i * 7919) % 200) / 200 * ticks)]!;
  const s0 = performance.now();
  const st = tl.stateAt(c.hex);
  samples.push(performance.now() - s0);
  maxReplay = Math.max(maxReplay, tl.replayDistance(c.hex));
  if (toHex(computeStateRoot(st, tl.env.root)) !== toHex(c.stateRoot)) {
    console.error(`FAIL: seek to ${c.hex} rebuilt a different state root`);
    process.exit(1);
  }
}
samples.sort((a, b) => a - b);
const med = samples[Math.floor(samples.length / 2)]!;
console.log(`seek bench: demo world, ${ticks} ticks (built in ${(buildMs / 1000).toFixed(1)} s), checkpoint every ${k}, 200 seeks`);
console.log(`| figure | median (min–max) | target | met? |`);
console.log(`| seek anywhere, verified | ${med.toFixed(2)} ms (${samples[0]!.toFixed(2)}–${samples[samples.length - 1]!.toFixed(2)} ms) | ≤ 100 ms | ${samples[samples.length - 1]! <= 100 ? 'met (max too)' : med <= 100 ? 'met (median)' : 'NOT met'} |`);
console.log(`max commits replayed per seek: ${maxReplay}`);
