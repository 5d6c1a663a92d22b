/**
 * Host worker thread: runs one `EngineHost` off the UI thread. Electron's main thread and the
 * browser-mode server only relay to it through a `HostClient` (main/ipc/hostClient.ts), so a long
 * tick, a replay or a determinism check never blocks window events or the WebSocket loop.
 *
 * Protocol (main/ipc/protocol.ts): `{ id, channel, payload }` in, `{ id, reply }` out; pushed
 * events as `{ event, payload }`; `{ ready }` once the start-up world is loaded.
 *
 * Invariants:
 * - Every request gets exactly one reply; `EngineHost.handle` validates and never throws, and a
 *   reply that cannot be posted becomes a typed `HostError` reply.
 * - Requests are read only after the start-up load settled, so none sees a half-loaded host.
 * - Each request's id is its cancel token: long operations poll the shared cancel ring for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ErrorDto, InvokeChannel, Reply } from '../../engine/contract/index';
import type { HostMessage, HostRequest, HostWorkerData } from '../ipc/protocol';
import { EngineHost } from './engineHost';
import { isMarkedCancelled } from './ops';

const port = parentPort;
if (!port) throw new Error('main/host/worker.ts must run in a worker thread');

const data = (workerData ?? {}) as HostWorkerData;
const cancelRing = data.cancel;
const host = new EngineHost(cancelRing ? { isCancelled: (token) => isMarkedCancelled(cancelRing, token) } : {});

function post(m: HostMessage): void {
  port!.postMessage(m);
}

function errorDto(e: unknown, fallback: string): ErrorDto {
  const code = (e as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : fallback, message: e instanceof Error ? e.message : String(e) };
}

host.subscribe((event, payload) => {
  try {
    post({ event, payload });
  } catch (e) {
    post({ event: 'echo:error', payload: errorDto(e, 'HostError') });
  }
});

try {
  post({ ready: await host.load(data.world ?? 'demo', { ...(data.params ?? {}) }) });
} catch (e) {
  post({ ready: null, error: errorDto(e, 'LoadFailed') });
}

port.on('message', (m: HostRequest) => {
  const id = m.id;
  void host.handle(m.channel, m.payload, { token: id }).then((reply: Reply<InvokeChannel>) => {
    try {
      post({ id, reply });
    } catch (e) {
      post({ id, reply: { ok: false, error: errorDto(e, 'HostError') } });
    }
  });
});
