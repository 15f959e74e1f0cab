import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Thrown for bad command-line usage; the dispatcher prints the message and the command's help, exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  usage: string;
  options: O;
  allowPositionals?: boolean;
}

/** parseArgs with --help and errors that name the flag. Returns null when help was printed. */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], spec: CommandSpec<O>) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
    if ((parsed.values as Record<string, unknown>).help) {
      process.stdout.write(`${spec.usage.trim()}\n`);
      return null;
    }
    return parsed;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${spec.usage.trim()}`);
  }
}

/** Parse a non-negative integer flag, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}
