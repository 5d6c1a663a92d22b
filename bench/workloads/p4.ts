/**
 * P4 (REFERENCE §3): raw single-threaded BLAKE3 in this process, MB = 10^6 bytes.
 * - 64 B: buffer bytes 0..63, byte 0 := i & 0xff before each hash; 2,000,000 hashes per sample.
 * - 1 MiB: byte k = (k·31) mod 251; 300 hashes per sample.
 * - stream: one hasher, 1,000,000 update() calls of 32 bytes of 0x07, then one digest.
 * 1 warm-up + 7 samples (5 for the stream). Both backends of engine/hash.ts: hash-wasm (the engine
 * default) and @noble/hashes. Check: both backends give identical digests for every input.
 * These throughputs are also the raw-BLAKE3 baselines the other workloads cite.
 */
import { nobleBlake3, toHex, wasmBlake3, type Blake3 } from '../../engine/index';
import { P4 } from '../reference';
import { log, sample, summarize, type JobResult } from '../stats';

export function runP4(quick: boolean, r: JobResult): void {
  const work = quick ? P4.quick : P4.full;
  const { warmup, measured, streamMeasured } = P4.counts;
  const small = new Uint8Array(64).map((_, i) => i);
  const mib = new Uint8Array(1 << 20).map((_, k) => (k * 31) % 251);
  const chunk = new Uint8Array(32).fill(7);
  const digests: Record<string, string[]> = {};

  for (const [key, h] of [['hash-wasm', wasmBlake3], ['noble', nobleBlake3]] as Array<[string, Blake3]>) {
    const d: string[] = [];
    log(`P4 ${key}: 64 B × ${work.small}`);
    let last: Uint8Array = new Uint8Array(0);
    const s64 = sample(warmup, measured, () => {
      const t0 = performance.now();
      for (let i = 0; i < work.small; i++) {
        small[0] = i & 0xff;
        last = h.hash(small);
      }
      return performance.now() - t0;
    });
    d.push(toHex(last));
    log(`P4 ${key}: 1 MiB × ${work.mib}`);
    const sMib = sample(warmup, measured, () => {
      const t0 = performance.now();
      for (let i = 0; i < work.mib; i++) last = h.hash(mib);
      return performance.now() - t0;
    });
    d.push(toHex(last));
    log(`P4 ${key}: stream 32 B × ${work.stream}`);
    const sStr = sample(warmup, streamMeasured, () => {
      const t0 = performance.now();
      const s = h.stream();
      for (let i = 0; i < work.stream; i++) s.update(chunk);
      last = s.digest();
      return performance.now() - t0;
    });
    d.push(toHex(last));
    digests[key] = d;
    const mbps = (bytes: number) => (ms: number) => bytes / 1e3 / ms;
    r.figures.push(
      { id: `p4.${key}.64B`, workload: 'P4', label: `${key} 64 B messages`, unit: 'MB/s', higherIsBetter: true, stats: summarize(s64.map(mbps(64 * work.small))) },
      { id: `p4.${key}.1MiB`, workload: 'P4', label: `${key} 1 MiB messages`, unit: 'MB/s', higherIsBetter: true, stats: summarize(sMib.map(mbps((1 << 20) * work.mib))) },
      { id: `p4.${key}.stream32`, workload: 'P4', label: `${key} 32 B update() stream`, unit: 'MB/s', higherIsBetter: true, stats: summarize(sStr.map(mbps(32 * work.stream))) },
    );
  }
  const same = digests['hash-wasm']!.join() === digests['noble']!.join();
  r.checksums.push({
    id: 'p4.backendsAgree',
    label: 'P4 hash-wasm and @noble/hashes digests agree (64 B, 1 MiB, stream)',
    expected: digests['noble']!.map((x) => x.slice(0, 16)).join(' '),
    actual: digests['hash-wasm']!.map((x) => x.slice(0, 16)).join(' '),
    ok: same,
  });
  for (const [id, label] of [['64B', '64 B'], ['1MiB', '1 MiB'], ['stream32', '32 B stream']]) {
    const wv = r.figures.find((f) => f.id === `p4.hash-wasm.${id}`)!.stats.median;
    const nv = r.figures.find((f) => f.id === `p4.noble.${id}`)!.stats.median;
    r.baselines.push({ id: `p4.wasmVsNoble.${id}`, workload: 'P4', label: `hash-wasm ${label}`, value: wv, baselineLabel: '@noble/hashes (pure JS), same input', baseline: nv, unit: 'MB/s', ratio: wv / nv });
  }
}
