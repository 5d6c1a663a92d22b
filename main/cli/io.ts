/**
 * CLI plumbing shared by commands: output sinks, exit codes and a usage error type.
 * Exit codes: 0 ok, 1 a check failed (or a rule failed at run time), 2 bad input.
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is an interactive terminal (progress bars go there). */
  readonly errIsTty?: boolean;
  /** Writes raw text to stderr without a newline (progress bars). */
  errRaw?(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** A command-line mistake; printed as one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `--flag value`, `--flag=value`, repeated `--param k=v` and bare positionals. */
export function parseArgs(args: readonly string[], spec: { values: readonly string[]; flags: readonly string[]; repeat?: readonly string[] }) {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const repeats: Record<string, string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (spec.flags.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!spec.values.includes(name) && !spec.repeat?.includes(name)) throw new UsageError(`unknown option --${name}`);
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined) throw new UsageError(`--${name} needs a value`);
    if (spec.repeat?.includes(name)) (repeats[name] ??= []).push(v);
    else values[name] = v;
  }
  return { values, flags, repeats, positionals };
}

/** A non-negative integer option, or the default. */
export function intOption(values: Record<string, string>, name: string, def: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min) throw new UsageError(`--${name} must be at least ${min}`);
  return n;
}

/** `k=v` pairs into a record. */
export function parseParams(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects k=v, got "${p}"`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
