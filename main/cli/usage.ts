/**
 * A subcommand's command line, the part every subcommand shares: `--help`/`-h` prints its
 * help text; a usage error prints one line naming the offending option, then the usage
 * line (the help text's first line), and exits 2. Options are read by node:util parseArgs
 * in strict mode; its own errors are turned into the same one-line form, so a user sees
 * `unknown option "--bogus"` whichever check caught the mistake.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

export class UsageError extends Error {}

/** A subcommand as its messages name it ("skysense run") and its --help text, first line the usage line. */
interface Command {
  name: string;
  help: string;
}

/** Writes `name: message` and the usage line to stderr; the exit status of a usage error. */
export function usageFailure(cmd: Command, err: UsageError): 2 {
  process.stderr.write(`${cmd.name}: ${err.message}\n${cmd.help.split('\n')[0]}\n`);
  return 2;
}

/**
 * The arguments as `parse` reads them, or the exit status when there is nothing to run:
 * 0 after printing the help (`--help` or `-h` anywhere before `--`), 2 after a usage error.
 */
export function commandLine<R>(cmd: Command, args: string[], parse: (args: string[]) => R): { args: R } | { exit: 0 | 2 } {
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(`${cmd.help}\n`);
    return { exit: 0 };
  }
  try {
    return { args: parse(args) };
  } catch (err) {
    if (err instanceof UsageError) return { exit: usageFailure(cmd, err) };
    throw err;
  }
}

/**
 * parseArgs in strict mode, with tokens (for options whose meaning depends on order), its
 * errors as UsageError. A string option's value may be a negative number (`--lonlat
 * -73.9,40.7`): strict parseArgs takes any value starting with "-" for a forgotten value,
 * so such a value is joined to its option (`--lonlat=-73.9,40.7`) first.
 */
export function parseOptions<const O extends ParseArgsOptionsConfig, const P extends boolean = false>(args: string[], options: O, allowPositionals?: P) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, strict: true, allowPositionals: (allowPositionals ?? false) as P, tokens: true });
  } catch (err) {
    throw translate(err);
  }
}

function joinNegativeValues(args: string[], options: ParseArgsOptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return out.concat(args.slice(i));
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : '';
    const takesValue = Object.hasOwn(options, name) && options[name].type === 'string';
    if (takesValue && i + 1 < args.length && /^-\.?\d/.test(args[i + 1])) out.push(`${a}=${args[++i]}`);
    else out.push(a);
  }
  return out;
}

/** parseArgs's error as one line naming the option; any other error unchanged. */
function translate(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!(err instanceof Error) || !code?.startsWith('ERR_PARSE_ARGS_')) return err;
  // The quoted item of Node's message: "Unknown option '--bogus'", "Option '-h, --help' does not take an argument".
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option = /--[^\s,]+/.exec(quoted)?.[0] ?? quoted.split(/[\s,]/)[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option "${option}"`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${quoted}"`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return new UsageError(`${option} does not take a value`);
      if (/ambiguous/.test(err.message)) return new UsageError(`${option} needs a value (for a value starting with "-", write ${option}=VALUE)`);
      return new UsageError(`${option} needs a value`);
    default:
      return new UsageError(err.message.split('\n')[0]);
  }
}
