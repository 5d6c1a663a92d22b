/**
 * The browser-mode bridge with its WebSocket in a dedicated worker (renderer/bridge/wsWorker.ts):
 * the worker decodes every frame (a 100k-entity tick is ~57 MB of JSON) and hands the page each
 * message in parts (`chunked.ts`), so the UI thread never spends one long task on a big message —
 * it takes the parts one task at a time, with frames drawn in between.
 *
 * - `serveBridge(port, bridge)` runs in the worker: requests from the page go to `bridge`, its
 *   replies and every event come back split.
 * - `createPortBridge(port)` runs in the page: the same `EchoBridge` contract as `createWsBridge`
 *   (rejections are `EchoRemoteError`s with the host's code; unknown channels are refused here).
 *   If the worker fails, pending and later requests reject with `WorkerFailed` and `echo:error`
 *   listeners hear about it once.
 *
 * No DOM or Node types (ports are structural), so Node tests can wire both ends together.
 */
import { EchoRemoteError, EVENT_CHANNELS, INVOKE_CHANNELS, type EchoBridge, type InvokeChannel, type Req, type Res } from '../../engine/contract/ipc';
import { markLatest, PERF } from '../perf';
import { createEventListeners } from './eventListeners';
import { Assembler, split, type Piece } from '../../engine/contract/chunked';

/** One end of a message channel (a Worker, the worker's global scope, a MessagePort). */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

/** Page → worker. */
export type ToWorker = { readonly kind: 'init'; readonly url: string; readonly token: string } | { readonly kind: 'invoke'; readonly id: number; readonly channel: string; readonly req: unknown };

/** Worker → page (before splitting). */
export type FromWorker =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string }
  | { readonly event: string; readonly payload: unknown };

const INVOKE = new Set<string>(INVOKE_CHANNELS);
const EVENTS = new Set<string>(EVENT_CHANNELS);

/** Worker side: serves `bridge` to the page at the other end of `port`. */
export function serveBridge(port: PortLike, bridge: EchoBridge): void {
  let m = 0;
  const post = (msg: FromWorker) => {
    for (const piece of split(m++, msg)) port.postMessage(piece);
  };
  for (const ch of EVENT_CHANNELS) bridge.on(ch, (payload) => post({ event: ch, payload }));
  port.addEventListener('message', (ev) => {
    const msg = ev.data as ToWorker;
    if (!msg || msg.kind !== 'invoke') return;
    bridge.invoke(msg.channel as InvokeChannel, msg.req as Req<InvokeChannel>).then(
      (value) => post({ id: msg.id, ok: true, value }),
      (e: unknown) =>
        post({
          id: msg.id,
          ok: false,
          code: e instanceof EchoRemoteError ? e.code : typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'HostError',
          message: e instanceof Error ? e.message : String(e),
        }),
    );
  });
}

type Pending = { resolve: (v: unknown) => void; reject: (e: EchoRemoteError) => void };

/** Page side: an `EchoBridge` over `port`, plus `fail()` for the worker's error event. */
export function createPortBridge(port: PortLike): EchoBridge & { fail(message: string): void } {
  const pending = new Map<number, Pending>();
  const assembler = new Assembler();
  let nextId = 1;
  let failed: EchoRemoteError | null = null;

  const events = createEventListeners();
  const dispatch = events.dispatch;

  port.addEventListener('message', (ev) => {
    const piece = ev.data as Piece<FromWorker>;
    if (!piece || (piece.kind !== 'head' && piece.kind !== 'part')) return;
    // The arrival of the message's first piece (like the WebSocket frame mark in wsBridge.ts).
    if (piece.kind === 'head') markLatest(PERF.frame);
    const r = assembler.accept(piece);
    if (!r.done) return;
    const msg = r.value;
    if ('event' in msg) {
      if (EVENTS.has(msg.event)) dispatch(msg.event, msg.payload);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new EchoRemoteError(msg.code, msg.message));
  });

  return {
    invoke<K extends InvokeChannel>(channel: K, req: Req<K>): Promise<Res<K>> {
      if (typeof channel !== 'string' || !INVOKE.has(channel)) return Promise.reject(new EchoRemoteError('UnknownChannel', `not an invoke channel: ${String(channel).slice(0, 60)}`));
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise<Res<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        try {
          port.postMessage({ kind: 'invoke', id, channel, req } satisfies ToWorker);
        } catch (e) {
          pending.delete(id);
          reject(new EchoRemoteError('BadRequest', `payload cannot be sent: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    },
    on: events.on,
    fail(message: string) {
      if (failed) return;
      failed = new EchoRemoteError('WorkerFailed', `the connection worker failed: ${message}; reload the page`);
      for (const p of pending.values()) p.reject(failed);
      pending.clear();
      dispatch('echo:error', { code: failed.code, message: failed.message });
    },
  };
}
