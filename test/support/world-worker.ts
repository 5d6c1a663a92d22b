/** Worker entry for tests: loads a world from disk and reports its rules and first tick hashes. */
import { parentPort, workerData } from 'node:worker_threads';
import { toHex } from '../../engine/index';
import { WorldSession } from '../../engine/world';
import { loadWorld } from '../../main/worlds/loader';

const { world } = await loadWorld(workerData.world as string);
const s = new WorldSession(world);
const hashes: string[] = [];
for (let i = 0; i < (workerData.ticks as number); i++) hashes.push(toHex(s.tick().snapshot.hash));
parentPort!.postMessage({ rules: s.engine.registeredRules().map((r) => `${r.name}:${toHex(r.id)}`), hashes });
