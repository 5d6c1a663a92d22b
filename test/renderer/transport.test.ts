/**
 * The worker transport's pieces (renderer/bridge/chunked.ts, workerBridge.ts) without a browser:
 * big messages split into parts and put back exactly, parts of several messages interleaved, and
 * the page-side bridge talking to `serveBridge` over an in-memory channel — replies, typed errors,
 * events (a big one in parts) and a failed worker.
 */
import { describe, expect, it } from 'vitest';
import { EchoRemoteError, type EchoBridge, type EchoEvents, type EventChannel } from '../../engine/contract/index';
import { Assembler, CHUNK_ITEMS, split, type Piece } from '../../engine/contract/chunked';
import { createPortBridge, serveBridge, type PortLike } from '../../renderer/bridge/workerBridge';

const big = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i.toString(16).padStart(8, '0'), attachment: { kind: 'atom', decoded: { pos: [i, 0, 0] } } }));

describe('chunked messages', () => {
  it('a small message is one piece; a big one is a head plus parts of CHUNK_ITEMS items, reassembled exactly', () => {
    expect(split(1, { a: [1, 2, 3] })).toEqual([{ kind: 'head', m: 1, head: { a: [1, 2, 3] }, parts: 0 }]);
    const value = { event: 'echo:tick', payload: { seq: 4, delta: { upsertNodes: big(2 * CHUNK_ITEMS + 5), removeNodes: [], upsertEdges: big(CHUNK_ITEMS + 1), instances: [{ w: 1 }] } } };
    const pieces = split(7, value);
    expect(pieces[0]).toMatchObject({ kind: 'head', m: 7, parts: 3 + 2 });
    expect(pieces.slice(1).every((p) => p.kind === 'part' && p.items.length <= CHUNK_ITEMS)).toBe(true);
    // The original is untouched.
    expect(value.payload.delta.upsertNodes).toHaveLength(2 * CHUNK_ITEMS + 5);
    const a = new Assembler();
    const copies = pieces.map((p) => structuredClone(p));
    for (const p of copies.slice(0, -1)) expect(a.accept(p).done).toBe(false);
    const r = a.accept(copies.at(-1)!);
    expect(r.done && r.value).toEqual(value);
    expect(a.waiting).toBe(0);
  });

  it('parts of different messages may interleave', () => {
    const x = { list: big(CHUNK_ITEMS * 2) };
    const y = { list: big(CHUNK_ITEMS + 3), other: 'y' };
    const px = split(1, x);
    const py = split(2, y);
    const order: Piece<unknown>[] = [px[0]!, py[0]!, px[1]!, py[1]!, py[2]!, px[2]!];
    const a = new Assembler();
    const done = order.map((p) => a.accept(structuredClone(p))).filter((r) => r.done).map((r) => (r.done ? r.value : null));
    expect(done).toEqual([y, x]);
  });
});

/** Two connected in-memory ports; delivery is asynchronous and cloned, like postMessage. */
function channel(): [PortLike & { closed: boolean }, PortLike & { closed: boolean }] {
  const make = () => {
    const ls: Array<(ev: { data: unknown }) => void> = [];
    const port = {
      closed: false,
      peer: null as null | { deliver: (d: unknown) => void },
      deliver: (d: unknown) => setTimeout(() => ls.forEach((l) => l({ data: d })), 0),
      postMessage(m: unknown) {
        if (!port.closed) port.peer!.deliver(structuredClone(m));
      },
      addEventListener(_t: 'message', l: (ev: { data: unknown }) => void) {
        ls.push(l);
      },
    };
    return port;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('worker bridge', () => {
  it('replies, typed errors and events (a big one in parts) cross the channel', async () => {
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const host: EchoBridge = {
      invoke: (async (channel: string) => {
        if (channel === 'echo:world.info') return { name: 'demo', big: big(5000) };
        throw new EchoRemoteError('NotFound', 'no such commit');
      }) as EchoBridge['invoke'],
      on<K extends EventChannel>(ch: K, l: (p: EchoEvents[K]) => void) {
        const set = listeners.get(ch) ?? new Set();
        listeners.set(ch, set);
        set.add(l as (p: unknown) => void);
        return () => set.delete(l as (p: unknown) => void);
      },
    };
    const [pagePort, workerPort] = channel();
    serveBridge(workerPort, host);
    const page = createPortBridge(pagePort);
    const info = (await page.invoke('echo:world.info', {})) as unknown as { name: string; big: unknown[] };
    expect(info.name).toBe('demo');
    expect(info.big).toEqual(big(5000));
    await expect(page.invoke('echo:tick.detail', { commit: 'x' })).rejects.toMatchObject({ code: 'NotFound', message: 'no such commit' });
    await expect(page.invoke('nope' as never, {} as never)).rejects.toMatchObject({ code: 'UnknownChannel' });
    expect(() => page.on('nope' as never, () => undefined)).toThrow(EchoRemoteError);
    const got: unknown[] = [];
    page.on('echo:tick', (e) => got.push(e));
    const tick = { seq: 1, delta: { upsertNodes: big(4500) } };
    for (const l of listeners.get('echo:tick') ?? []) l(tick);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toEqual([tick]);
  });

  it('a failed worker rejects pending and later requests and says so once', async () => {
    const [pagePort] = channel();
    const page = createPortBridge(pagePort);
    const errors: unknown[] = [];
    page.on('echo:error', (e) => errors.push(e));
    const pending = page.invoke('echo:world.info', {});
    page.fail('script error');
    page.fail('again');
    await expect(pending).rejects.toMatchObject({ code: 'WorkerFailed' });
    await expect(page.invoke('echo:world.info', {})).rejects.toMatchObject({ code: 'WorkerFailed' });
    expect(errors).toHaveLength(1);
  });
});
