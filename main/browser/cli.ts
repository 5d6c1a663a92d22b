/**
 * `npm run browser` (and `npm start` where no Electron binary exists): starts browser mode on a
 * world (default `demo`), prints the page URL with its per-run token, and runs until Ctrl+C.
 *
 * Usage: node scripts/start.mjs --browser [--world <name|path>] [--param k=v]… [--port N] [--renderer <dir>]
 */
import { startBrowserServer } from './server';

export interface BrowserCliArgs {
  world: string;
  params: Record<string, string>;
  port: number;
  rendererDir?: string;
}

/** Parses the browser-mode flags. @throws Error on an unknown or incomplete flag */
export function parseBrowserArgs(argv: readonly string[]): BrowserCliArgs {
  const out: BrowserCliArgs = { world: 'demo', params: {}, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--browser' || a === '--electron') continue;
    else if (a === '--world') out.world = value();
    else if (a === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--port: expected 0..65535`);
      out.port = p;
    } else if (a === '--renderer') out.rendererDir = value();
    else if (a === '--param') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--param: expected key=value, got ${kv}`);
      out.params[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else throw new Error(`unknown option ${a}`);
  }
  return out;
}

/** Runs browser mode until SIGINT/SIGTERM. */
export async function runBrowserMode(argv: readonly string[]): Promise<void> {
  const args = parseBrowserArgs(argv);
  const server = await startBrowserServer({ world: args.world, params: args.params, port: args.port, ...(args.rendererDir ? { rendererDir: args.rendererDir } : {}) });
  const world = server.client.world;
  process.stdout.write(
    `Echo Studio — browser mode (no Electron window here)\n` +
      `  world: ${world?.name ?? args.world}${world?.source ? ` (${world.source})` : ''}\n` +
      `  open:  ${server.url}\n` +
      `  (the token in the URL is this run's key; only this page's origin may connect)\n` +
      `Press Ctrl+C to stop.\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
