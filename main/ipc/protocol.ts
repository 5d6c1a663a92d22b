/**
 * Messages between a `HostClient` (Electron main or the browser-mode server) and the host worker
 * thread (`main/host/worker.ts`) that runs the `EngineHost`. Structured-clone-safe plain data only.
 *
 * Protocol:
 * - client → worker: `{ id, channel, payload }` (one invoke; `id` is the client's own counter);
 * - worker → client: `{ id, reply }` (exactly one per request, a contract `Reply`, never a throw),
 *   `{ event, payload }` (a pushed contract event), and once at start-up `{ ready }` with the loaded
 *   world, or `{ ready: null, error }` when the start-up world failed to load (the worker keeps
 *   running, with no world: only `echo:world.load` is served).
 * - `echo:op.cancel` never reaches the worker: the client answers it by marking the request id of
 *   the named operation in the shared cancel ring (`HostWorkerData.cancel`).
 */
import type { ErrorDto, EventChannel, InvokeChannel, Reply, WorldDto } from '../../engine/contract/index';

/** One request to the host worker. */
export interface HostRequest {
  readonly id: number;
  readonly channel: InvokeChannel;
  readonly payload: unknown;
}

/** Everything the host worker posts back. */
export type HostMessage =
  | { readonly id: number; readonly reply: Reply<InvokeChannel> }
  | { readonly event: EventChannel; readonly payload: unknown }
  | { readonly ready: WorldDto }
  | { readonly ready: null; readonly error: ErrorDto };

/** `workerData` of the host worker. */
export interface HostWorkerData {
  /** World to load at start-up (built-in name or path); default `demo`. */
  readonly world?: string;
  readonly params?: Readonly<Record<string, string>>;
  /**
   * Cancel ring shared with the client (main/host/ops.ts): the client marks a request id there,
   * the worker's long operations poll it between ticks (a busy worker reads no messages).
   */
  readonly cancel?: SharedArrayBuffer;
  /** Set when started through main/workers/bootstrap.mjs (TypeScript sources). */
  readonly __tsEntry?: string;
}
