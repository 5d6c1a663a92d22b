/**
 * An in-memory EchoBridge over a real EngineHost (Node side), for store and controller tests.
 * Payloads go through a JSON round trip, as they do over WebSocket, and host events are delivered
 * synchronously before the reply — the ordering the real transports keep.
 */
import { EchoRemoteError, type EchoBridge, type EchoEvents, type EventChannel, type InvokeChannel, type Req, type Res } from '../../engine/contract/index';
import { EngineHost } from '../../main/host/engineHost';

export interface FakeBridge extends EchoBridge {
  readonly host: EngineHost;
  /** Every event delivered, in order. */
  readonly events: { channel: EventChannel; payload: unknown }[];
  /** Drops the next `n` events of `channel` (to simulate a lossy transport). */
  drop(channel: EventChannel, n: number): void;
  calls: string[];
}

export async function fakeBridge(world = 'demo'): Promise<FakeBridge> {
  const host = new EngineHost({ now: () => 0 });
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const events: FakeBridge['events'] = [];
  const dropping = new Map<string, number>();
  host.subscribe((channel, payload) => {
    const left = dropping.get(channel) ?? 0;
    if (left > 0) {
      dropping.set(channel, left - 1);
      return;
    }
    const copy = JSON.parse(JSON.stringify(payload)) as unknown;
    events.push({ channel, payload: copy });
    for (const l of Array.from(listeners.get(channel) ?? [])) l(copy);
  });
  const r = await host.handle('echo:world.load', { world });
  if (!r.ok) throw new Error(r.error.message);
  const bridge: FakeBridge = {
    host,
    events,
    calls: [],
    drop(channel, n) {
      dropping.set(channel, n);
    },
    async invoke<K extends InvokeChannel>(channel: K, req: Req<K>): Promise<Res<K>> {
      bridge.calls.push(channel);
      const reply = await host.handle(channel, JSON.parse(JSON.stringify(req)));
      if (!reply.ok) throw new EchoRemoteError(reply.error.code, reply.error.message);
      return JSON.parse(JSON.stringify(reply.value)) as Res<K>;
    },
    on<K extends EventChannel>(channel: K, listener: (payload: EchoEvents[K]) => void) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
  return bridge;
}

/** Lets queued microtasks and short timers (the controller's 30 ms coalescing) run. */
export const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));
