/**
 * TickIntake (renderer/state/tickIntake.ts): events handled once, in arrival order, in batches that
 * end after `sliceMs` with a task turn in between (other tasks run there), `afterBatch` at each batch
 * end, preparation awaited in order, `settled` waits for exactly the events before its mark, and a
 * throwing handler does not stop the events behind it. The clock is a counter: deterministic batches.
 */
import { describe, expect, it } from 'vitest';
import { nextTask, TickIntake, type TickIntakeHandlers } from '../../renderer/state/tickIntake';

type Log = (string | number)[];

function intake(log: Log, over: Partial<TickIntakeHandlers<number, string>> = {}) {
  let clock = 0;
  const h: TickIntakeHandlers<number, string> = {
    prepare: () => undefined,
    handle: (e, arrival, prepared) => {
      clock++; // each handled event costs 1 ms on this clock
      log.push(prepared === undefined ? e : `${e}:${prepared}`);
      expect(arrival).toBe(e); // the tests push 0, 1, 2, … so arrival numbers equal the events
    },
    afterBatch: () => log.push('|'),
    onError: (err) => log.push(`error ${(err as Error).message}`),
    sliceMs: 3,
    now: () => clock,
    ...over,
  };
  return new TickIntake(h);
}

/** Records, on every task turn until stopped, how far the log got (the "UI thread" getting turns). */
function turns(log: Log): { stop(): number[] } {
  const seen: number[] = [];
  let on = true;
  const turn = () => {
    seen.push(log.filter((x) => typeof x === 'number').length);
    if (on) setTimeout(turn, 0);
  };
  setTimeout(turn, 0);
  return {
    stop() {
      on = false;
      return seen;
    },
  };
}

describe('TickIntake', () => {
  it('queues on arrival and handles in later tasks, in order, in batches of sliceMs with turns between', async () => {
    const log: Log = [];
    const q = intake(log);
    const t = turns(log);
    for (let i = 0; i < 10; i++) expect(q.push(i)).toBe(i);
    expect(log).toEqual([]); // nothing is handled in the arrival's own task
    expect(q.arrived).toBe(10);
    await q.settled();
    const seen = t.stop();
    expect(log).toEqual([0, 1, 2, '|', 3, 4, 5, '|', 6, 7, 8, '|', 9, '|']);
    // Other tasks ran between the batches, seeing partial progress.
    expect(seen.some((n) => n > 0 && n < 10)).toBe(true);
  });

  it('events arriving while a run is going join it; a later arrival starts a new run', async () => {
    const log: Log = [];
    const q = intake(log, { sliceMs: 100 });
    q.push(0);
    q.push(1);
    await nextTask();
    q.push(2);
    await q.settled();
    expect(log.filter((x) => typeof x === 'number')).toEqual([0, 1, 2]);
    q.push(3);
    await q.settled();
    expect(log).toEqual([0, 1, '|', 2, '|', 3, '|']);
  });

  it('awaits each preparation before its handle; the events behind it wait, whatever the preparation times', async () => {
    const log: Log = [];
    const delays = [3, 0, 2, 0, 1];
    const q = intake(log, {
      prepare: (e) => (e % 2 === 0 ? new Promise<string>((r) => setTimeout(() => r(`p${e}`), delays[e])) : undefined),
      sliceMs: 100,
    });
    for (let i = 0; i < 5; i++) q.push(i);
    await q.settled();
    expect(log.filter((x) => x !== '|')).toEqual(['0:p0', 1, '2:p2', 3, '4:p4']);
  });

  it('settled(n) resolves once the events before n are handled, not before; settled() with none pending at once', async () => {
    const log: Log = [];
    const q = intake(log, { sliceMs: 1 });
    await q.settled(); // nothing arrived
    expect(q.idle).toBe(true);
    for (let i = 0; i < 6; i++) q.push(i);
    expect(q.idle).toBe(false);
    const order: string[] = [];
    const early = q.settled(2).then(() => order.push(`2 after ${log.filter((x) => typeof x === 'number').length}`));
    const all = q.settled().then(() => order.push(`all after ${log.filter((x) => typeof x === 'number').length}`));
    await Promise.all([early, all]);
    expect(order[0]).toMatch(/^2 after [2-5]$/);
    expect(order[1]).toBe('all after 6');
    expect(q.idle).toBe(true);
  });

  it('a throwing handler is reported; the events behind it are still handled and settled resolves', async () => {
    const log: Log = [];
    const q = intake(log, {
      handle: (e) => {
        if (e === 1) throw new Error('bad event');
        log.push(e);
      },
      sliceMs: 100,
    });
    for (let i = 0; i < 3; i++) q.push(i);
    await q.settled();
    expect(log).toEqual([0, 'error bad event', 2, '|']);
  });

  it('dispose releases waiters and ignores what is queued and what comes later', async () => {
    const log: Log = [];
    const q = intake(log);
    for (let i = 0; i < 5; i++) q.push(i);
    const waiting = q.settled();
    q.dispose();
    await waiting;
    q.push(5);
    await nextTask();
    await nextTask();
    expect(log.filter((x) => typeof x === 'number')).toEqual([]);
  });

  it('a flood of 20,000 events is handled completely and in order (the queue is compacted as it runs)', async () => {
    const got: number[] = [];
    let clock = 0;
    const handle = (e: number) => {
      got.push(e);
      clock++;
    };
    const q = intake([], { handle, sliceMs: 1_000, now: () => clock });
    for (let i = 0; i < 20_000; i++) q.push(i);
    await q.settled();
    expect(got.length).toBe(20_000);
    expect(got.every((e, i) => e === i)).toBe(true);
  });
});
