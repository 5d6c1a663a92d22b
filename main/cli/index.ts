/**
 * The `echo-studio` CLI entry (loaded by scripts/echo-studio.mjs through tsx). A table of
 * commands: to add one, write `run(args, io) → exit code` and append a row to COMMANDS.
 *
 * Exit codes: 0 success (and `help`); 1 a check failed; 2 usage or input errors (no arguments,
 * an unknown command, a bad file). Errors are one line on stderr, never a stack trace.
 */
import { DIND_USAGE, runDindCommand } from './dind';
import { INSPECT_USAGE, inspectCommand } from './inspect';
import { UsageError, type CliIo } from './io';
import { RUN_USAGE, runCommand } from './run';
import { DIFF_USAGE, DIVERGE_USAGE, SESSION_USAGE, VERIFY_USAGE, diffCommand, divergeCommand, sessionCommand, verifyCommand } from './session';

interface CliCommand {
  readonly name: string;
  /** Usage lines, each starting with the command name. */
  readonly usage: readonly string[];
  readonly run: (args: string[], io: CliIo) => Promise<number>;
}

const COMMANDS: readonly CliCommand[] = [
  { name: 'dind', usage: DIND_USAGE, run: runDindCommand },
  { name: 'run', usage: [RUN_USAGE], run: runCommand },
  { name: 'inspect', usage: [INSPECT_USAGE], run: inspectCommand },
  { name: 'verify', usage: [VERIFY_USAGE], run: verifyCommand },
  { name: 'diff', usage: [DIFF_USAGE], run: diffCommand },
  { name: 'diverge', usage: [DIVERGE_USAGE], run: divergeCommand },
  { name: 'session', usage: SESSION_USAGE, run: sessionCommand },
];

function usage(): string {
  const lines = ['usage: echo-studio <command> [args]', '', 'commands:'];
  for (const c of COMMANDS) for (const u of c.usage) lines.push(`  ${u}`);
  lines.push('  help                       show this message');
  return lines.join('\n');
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`echo-studio: unknown command '${name}' (try 'echo-studio help')`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`echo-studio ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

const io: CliIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
  errIsTty: process.stderr.isTTY === true,
  errRaw: (text) => void process.stderr.write(text),
};

try {
  process.exitCode = await main(process.argv.slice(2), io);
} catch (e) {
  io.err(`echo-studio: internal error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
