/**
 * Node-side handle on the host worker thread (main/host/worker.ts). Electron main and the
 * browser-mode server both talk to the engine only through this: `invoke(channel, payload)` relays
 * one request and resolves with the host's `Reply`; `onEvent` fans out pushed events.
 *
 * Invariants:
 * - `invoke` never rejects: an unknown channel is answered here with a `BadRequest` reply without
 *   touching the worker; everything else is validated by the `EngineHost` inside the worker.
 * - If the worker dies (an uncaught error, out of memory), every pending request is answered with
 *   `HostCrashed`, listeners get an `echo:error` event, and a fresh worker is started on the last
 *   successfully loaded world (at most `maxRespawns` times).
 * - Source mode (TypeScript, under vitest or tsx) starts the worker through
 *   main/workers/bootstrap.mjs; the electron-vite build starts `hostWorker.js` beside the bundle.
 * - `echo:op.cancel { op }` is answered here, never relayed: the worker may be busy in the very
 *   operation to cancel. The client remembers which request id carries each pending `op` and marks
 *   it in the worker's shared cancel ring; the operation stops at its next check.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  isInvokeChannel,
  validateRequest,
  type EchoEvents,
  type ErrorDto,
  type EventChannel,
  type InvokeChannel,
  type Reply,
  type WorldDto,
} from '../../engine/contract/index';
import type { HostMessage, HostRequest, HostWorkerData } from './protocol';
import { createCancelBuffer, markCancelled } from '../host/ops';

/** Where the worker's code lives. */
export interface HostWorkerEntry {
  /** The file `new Worker` runs. */
  readonly file: string | URL;
  /** For the tsx bootstrap: file URL of the TypeScript entry. */
  readonly tsEntry?: string;
}

export interface HostClientOptions {
  /** Start-up world (built-in name or path); default `demo`. */
  readonly world?: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Overrides the worker location (default: see `defaultHostWorkerEntry`). */
  readonly entry?: HostWorkerEntry;
  /** How many times a dead worker is replaced before the client gives up (default 3). */
  readonly maxRespawns?: number;
}

export type HostEventListener = <K extends EventChannel>(channel: K, payload: EchoEvents[K]) => void;

/** The worker for this build: TypeScript sources through the tsx bootstrap, or the bundled JS. */
export function defaultHostWorkerEntry(): HostWorkerEntry {
  const here = fileURLToPath(import.meta.url);
  if (/\.[cm]?ts$/.test(here)) {
    const mainDir = join(dirname(here), '..');
    return { file: join(mainDir, 'workers', 'bootstrap.mjs'), tsEntry: pathToFileURL(join(mainDir, 'host', 'worker.ts')).href };
  }
  const built = join(dirname(here), 'hostWorker.js');
  if (!existsSync(built)) throw new Error(`host worker not found at ${built}: run \`npx electron-vite build\``);
  return { file: built };
}

function errorReply(code: string, message: string): Reply<InvokeChannel> {
  return { ok: false, error: { code, message } };
}

export class HostClient {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply<InvokeChannel>) => void>();
  private readonly listeners = new Set<HostEventListener>();
  private closing = false;
  /** Set when the worker died and may not be replaced any more. */
  private dead: ErrorDto | null = null;
  private respawns = 0;
  private ready!: Promise<WorldDto | null>;
  private readyError: ErrorDto | null = null;
  private current: { world: string; params: Readonly<Record<string, string>> };
  private loaded: WorldDto | null = null;
  private cancelRing!: SharedArrayBuffer;
  /** Pending long operations: op id → request id (its cancel token). */
  private readonly opRequests = new Map<string, number>();

  private constructor(private readonly opts: HostClientOptions) {
    this.current = { world: opts.world ?? 'demo', params: opts.params ?? {} };
  }

  /** Starts a host worker and waits until its start-up world loaded. @throws when that load failed */
  static async start(opts: HostClientOptions = {}): Promise<HostClient> {
    const client = new HostClient(opts);
    client.spawn();
    const world = await client.ready;
    if (!world) {
      const e = client.readyError;
      await client.close();
      throw Object.assign(new Error(e?.message ?? 'host failed to start'), { code: e?.code ?? 'LoadFailed' });
    }
    return client;
  }

  /** The world the host has loaded (null before start-up finished or after a failed start). */
  get world(): WorldDto | null {
    return this.loaded;
  }

  private spawn(): void {
    const entry = this.opts.entry ?? defaultHostWorkerEntry();
    this.cancelRing = createCancelBuffer();
    const data: HostWorkerData = { world: this.current.world, params: { ...this.current.params }, cancel: this.cancelRing, ...(entry.tsEntry ? { __tsEntry: entry.tsEntry } : {}) };
    const worker = new Worker(entry.file, { workerData: data, stdout: false, stderr: false });
    this.worker = worker;
    let settle!: (w: WorldDto | null) => void;
    this.ready = new Promise((r) => (settle = r));
    worker.on('message', (m: HostMessage) => {
      if ('id' in m) {
        const done = this.pending.get(m.id);
        this.pending.delete(m.id);
        done?.(m.reply);
      } else if ('event' in m) {
        this.emit(m.event, m.payload as never);
      } else if ('ready' in m) {
        if (m.ready) this.loaded = m.ready;
        else this.readyError = m.error;
        settle(m.ready);
      }
    });
    worker.on('error', (e) => {
      this.readyError = { code: 'HostCrashed', message: e instanceof Error ? e.message : String(e) };
    });
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      settle(null);
      this.failPending('HostCrashed', `the engine host stopped (exit code ${code})`);
      if (this.closing) return;
      this.emit('echo:error', { code: 'HostCrashed', message: this.readyError?.message ?? `the engine host stopped (exit code ${code})` });
      if (this.respawns++ < (this.opts.maxRespawns ?? 3)) this.spawn();
      else this.dead = { code: 'HostCrashed', message: 'the engine host stopped too often; restart the app' };
    });
  }

  private failPending(code: string, message: string): void {
    const all = Array.from(this.pending.values());
    this.pending.clear();
    this.opRequests.clear();
    for (const done of all) done(errorReply(code, message));
  }

  private emit<K extends EventChannel>(channel: K, payload: EchoEvents[K]): void {
    for (const l of this.listeners) {
      try {
        l(channel, payload);
      } catch {
        // A listener's failure (e.g. a closed socket) must not stop the others.
      }
    }
  }

  /**
   * Relays one request to the host. Resolves with the host's reply; never rejects. Payloads are
   * untrusted: the channel is checked here and the payload by the host's validators.
   */
  async invoke(channel: unknown, payload: unknown): Promise<Reply<InvokeChannel>> {
    if (!isInvokeChannel(channel)) {
      return errorReply('BadRequest', `unknown channel ${typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : typeof channel}`);
    }
    if (this.closing) return errorReply('HostClosed', 'the engine host is shut down');
    if (channel === 'echo:op.cancel') return this.cancel(payload);
    await this.ready;
    if (this.dead) return errorReply(this.dead.code, this.dead.message);
    const id = this.nextId++;
    const op = opOf(payload);
    if (op !== undefined) this.opRequests.set(op, id);
    const reply = new Promise<Reply<InvokeChannel>>((resolve) => this.pending.set(id, resolve)).finally(() => {
      if (op !== undefined && this.opRequests.get(op) === id) this.opRequests.delete(op);
    });
    try {
      const req: HostRequest = { id, channel, payload };
      this.worker.postMessage(req);
    } catch (e) {
      this.pending.delete(id);
      return errorReply('BadRequest', `payload cannot be sent: ${e instanceof Error ? e.message : String(e)}`);
    }
    const r = await reply;
    if (channel === 'echo:world.load' && r.ok) {
      // Remember what to reload if the worker has to be replaced.
      const p = payload as { world: string; params?: Record<string, string> };
      this.current = { world: p.world, params: { ...(p.params ?? {}) } };
      this.loaded = r.value as WorldDto;
    }
    return r;
  }

  /** `echo:op.cancel`: marks the pending request that carries `op` in the cancel ring. */
  private cancel(payload: unknown): Reply<InvokeChannel> {
    let op: string;
    try {
      op = validateRequest<'echo:op.cancel'>('echo:op.cancel', payload).req.op;
    } catch (e) {
      return errorReply('BadRequest', e instanceof Error ? e.message : 'malformed request');
    }
    const id = this.opRequests.get(op);
    if (id !== undefined) markCancelled(this.cancelRing, id);
    return { ok: true, value: { cancelled: id !== undefined } };
  }

  /** Subscribes to pushed events; returns an unsubscribe function. */
  onEvent(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Test hook: kills the worker as a crash would. */
  async crashForTest(): Promise<void> {
    await this.worker.terminate();
  }

  /** Stops the worker; pending requests get `HostClosed`. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.failPending('HostClosed', 'the engine host is shut down');
    this.listeners.clear();
    await this.worker.terminate();
  }
}

/** The `op` id of a request payload, read without running getters (payloads are untrusted). */
function opOf(payload: unknown): string | undefined {
  try {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    const d = Object.getOwnPropertyDescriptor(payload, 'op');
    return d && 'value' in d && typeof d.value === 'string' && d.value.length <= 64 ? d.value : undefined;
  } catch {
    return undefined;
  }
}
