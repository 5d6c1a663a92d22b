/**
 * Browser mode: a Node process hosts the engine (in a worker thread, through `HostClient`) and
 * serves the built renderer plus a WebSocket transport of the same contract, on loopback only.
 *
 * Wire protocol on `/ws?token=…` (JSON text frames):
 * - page → server `{ id, channel, payload }`; server → page `{ id, reply }` with a contract `Reply`;
 * - server → page `{ event, payload }` for every host event.
 *
 * Invariants:
 * - Bound to a loopback address; the upgrade needs the per-run token (32 random bytes, hex,
 *   compared in constant time) AND `Origin` equal to the server's own `http://127.0.0.1:<port>`;
 *   otherwise 401/403 and no upgrade, so a page on another site cannot drive the engine.
 * - A malformed frame (bad JSON, binary, wrong envelope) gets a typed `BadRequest` reply with
 *   `id: null` (or the frame's id when readable); the connection stays open. Frames above
 *   `MAX_MESSAGE_BYTES` close the connection (1009), never reach the engine.
 * - Static files: GET/HEAD only, resolved inside `rendererDir` (no traversal, no dotfiles, no
 *   symlink escape, no directory listing), explicit MIME types, a strict CSP on every response.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorDto, InvokeChannel, Reply } from '../../engine/contract/index';
import { HostClient } from '../ipc/hostClient';

/** Largest accepted WebSocket frame (a session import travels as base64 in one frame). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Concurrent WebSocket connections accepted. */
export const MAX_CONNECTIONS = 16;
/** A client whose unsent backlog exceeds this is disconnected rather than buffered without bound. */
const MAX_BACKLOG_BYTES = 256 * 1024 * 1024;

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '..', '..', 'out', 'renderer');

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export interface BrowserServerOptions {
  /** Loopback address to bind: `127.0.0.1` (default) or `::1`. */
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Start-up world for a host this server starts itself (default `demo`). */
  readonly world?: string;
  readonly params?: Readonly<Record<string, string>>;
  /** The built renderer (default out/renderer). */
  readonly rendererDir?: string;
  /** Use this host instead of starting one (the caller then owns and closes it). */
  readonly client?: HostClient;
}

export interface BrowserServer {
  /** The page to open: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** The server's own origin; the only `Origin` the WebSocket accepts. */
  readonly origin: string;
  readonly client: HostClient;
  close(): Promise<void>;
}

/** The CSP sent with every response: the page's own files and this server's WebSocket only. */
export function browserCsp(port: number, hostLiteral = '127.0.0.1'): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://${hostLiteral}:${port}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Constant-time string equality (both sides hashed first, so lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function badRequest(message: string): Reply<InvokeChannel> {
  return { ok: false, error: { code: 'BadRequest', message } satisfies ErrorDto };
}

/** A frame's id, if it is a usable one (safe integer or short string); otherwise null. */
function frameId(v: unknown): number | string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v.length <= 64) return v;
  return null;
}

function rejectUpgrade(socket: Duplex, status: 401 | 403 | 404 | 503, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
  socket.destroy();
}

/** A decoded WebSocket frame: a request to relay, or the error reply to send back at once. */
export type Frame =
  | { readonly ok: true; readonly id: number | string; readonly channel: unknown; readonly payload: unknown }
  | { readonly ok: false; readonly id: number | string | null; readonly reply: Reply<InvokeChannel> };

/**
 * Decodes one WebSocket frame into `{ id, channel, payload }`. Never throws: binary frames, bad
 * UTF-8/JSON, non-objects, bad ids and unknown envelope fields become a `BadRequest` reply. The
 * channel and payload stay untrusted; the host validates them.
 */
export function parseFrame(data: unknown, isBinary: boolean): Frame {
  if (isBinary) return { ok: false, id: null, reply: badRequest('binary frames are not accepted; send JSON text') };
  let msg: unknown;
  try {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : String(data);
    msg = JSON.parse(text);
  } catch {
    return { ok: false, id: null, reply: badRequest('malformed JSON') };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { ok: false, id: null, reply: badRequest('expected an object {id, channel, payload}') };
  const m = msg as Record<string, unknown>;
  const id = frameId(m.id);
  if (id === null) return { ok: false, id: null, reply: badRequest('id must be a safe integer or a string of at most 64 characters') };
  const extra = Object.keys(m).find((k) => k !== 'id' && k !== 'channel' && k !== 'payload');
  if (extra !== undefined) return { ok: false, id, reply: badRequest(`unexpected field "${extra.slice(0, 40)}"`) };
  return { ok: true, id, channel: m.channel, payload: m.payload };
}

/** Starts browser mode; resolves once the server listens and the host has loaded its world. */
export async function startBrowserServer(opts: BrowserServerOptions = {}): Promise<BrowserServer> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1') throw new Error(`browser mode binds loopback only (127.0.0.1 or ::1), not ${host}`);
  const hostLiteral = host === '::1' ? '[::1]' : host;
  const rendererDir = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  let realRoot: string;
  try {
    realRoot = realpathSync(rendererDir);
  } catch {
    realRoot = rendererDir;
  }
  const ownsClient = !opts.client;
  const client = opts.client ?? (await HostClient.start({ world: opts.world ?? 'demo', ...(opts.params ? { params: opts.params } : {}) }));
  const token = randomBytes(32).toString('hex');

  let port = 0;
  let origin = '';
  let csp = '';
  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  const isOwnHost = (h: string | undefined) => h === `${hostLiteral}:${port}` || (host === '127.0.0.1' && h === `localhost:${port}`);

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
  };

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isOwnHost(req.headers.host)) return send(res, 403, 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    const rel = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    const segments = rel.split(/[\\/]/);
    if (rel.includes('\0') || segments.some((s) => s === '..' || s.startsWith('.'))) return send(res, 404, 'not found\n');
    const file = resolve(rendererDir, rel);
    if (!file.startsWith(rendererDir + sep)) return send(res, 404, 'not found\n');
    let body: Buffer;
    try {
      const real = await realpath(file);
      if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return send(res, 404, 'not found\n');
      body = await readFile(real);
    } catch {
      return send(res, 404, 'not found\n');
    }
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': extname(file) === '.html' ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      return rejectUpgrade(socket, 404, 'Not Found');
    }
    if (url.pathname !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    if (req.headers.origin !== origin || !isOwnHost(req.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden');
    const given = url.searchParams.get('token');
    if (given === null || !safeEqual(given, token)) return rejectUpgrade(socket, 401, 'Unauthorized');
    if (wss.clients.size >= MAX_CONNECTIONS) return rejectUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function sendJson(ws: WebSocket, msg: unknown): void {
    if (ws.readyState !== 1) return;
    if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(msg));
  }

  function onConnection(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const frame = parseFrame(data, isBinary);
      if (!frame.ok) return sendJson(ws, { id: frame.id, reply: frame.reply });
      void client.invoke(frame.channel, frame.payload).then((reply) => sendJson(ws, { id: frame.id, reply }));
    });
  }

  const unsubscribe = client.onEvent((event, payload) => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify({ event, payload });
    for (const ws of wss.clients) {
      if (ws.readyState !== 1) continue;
      if (ws.bufferedAmount > MAX_BACKLOG_BYTES) ws.terminate();
      else ws.send(text);
    }
  });

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (e) {
    unsubscribe();
    if (ownsClient) await client.close();
    throw e;
  }
  port = (server.address() as AddressInfo).port;
  origin = `http://${hostLiteral}:${port}`;
  csp = browserCsp(port, hostLiteral);

  let closed: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    origin,
    client,
    close() {
      closed ??= (async () => {
        unsubscribe();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((r) => wss.close(() => r()));
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        if (ownsClient) await client.close();
      })();
      return closed;
    },
  };
}

