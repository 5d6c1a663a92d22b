/**
 * Loads a world module from disk (Node side). A world file may live anywhere — outside the repo,
 * with no node_modules beside it: `.ts` is compiled on the fly by tsx, and the module receives the
 * engine API as the argument of its default export, so it imports nothing at run time.
 *
 * Invariants:
 * - Every failure is a `WorldError` whose message starts with the file path and names the problem
 *   (missing file, syntax error, throwing module body, wrong default export shape).
 * - Built-in names (`demo`, `motion`, `dind`) resolve to the sample worlds in `engine/worlds/`.
 * - Loading the same path twice gives an equivalent world (the module is imported once per process).
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { instantiateWorld, worldApi, WorldError, type WorldApi, type WorldDefinition } from '../../engine/world';

const WORLDS_DIR = fileURLToPath(new URL('../../engine/worlds/', import.meta.url));

/** Sample worlds shipped with the Studio, by name. */
export const BUILTIN_WORLDS: Readonly<Record<string, string>> = {
  demo: WORLDS_DIR + 'demo.ts',
  motion: WORLDS_DIR + 'motion.ts',
  dind: WORLDS_DIR + 'dind.ts',
};

/** Absolute path of a world given by built-in name or path. */
export function resolveWorldPath(spec: string, cwd = process.cwd()): string {
  if (Object.hasOwn(BUILTIN_WORLDS, spec)) return BUILTIN_WORLDS[spec]!;
  return isAbsolute(spec) ? spec : resolve(cwd, spec);
}

/** Imports the module and returns the validated world definition. @throws WorldError */
export async function loadWorld(spec: string, cwd = process.cwd(), api: WorldApi = worldApi): Promise<{ path: string; world: WorldDefinition }> {
  const path = resolveWorldPath(spec, cwd);
  if (!existsSync(path) || !statSync(path).isFile()) throw new WorldError('NotFound', `${path}: world file not found`);
  let ns: Record<string, unknown>;
  try {
    ns = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Transform failed|Expected|Unexpected|SyntaxError/.test(msg) || (e instanceof Error && e.name === 'SyntaxError')) {
      throw new WorldError('SyntaxError', `${path}: syntax error: ${firstLine(msg)}`, { cause: e });
    }
    throw new WorldError('LoadFailed', `${path}: the module threw while loading: ${firstLine(msg)}`, { cause: e });
  }
  let mod = ns.default;
  // A CommonJS-compiled module (file outside any "type": "module" package) nests the export.
  if (mod && typeof mod === 'object' && typeof (mod as Record<string, unknown>).default === 'function') mod = (mod as Record<string, unknown>).default;
  return { path, world: instantiateWorld(mod, path, api) };
}

function firstLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => /ERROR:/.test(l));
  return (err ?? lines[0] ?? s).slice(0, 300);
}
