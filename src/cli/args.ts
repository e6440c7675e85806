// Argument parsing for the `zapd` command: a command's few options, each either a flag or a
// `--name value` / `--name=value` pair. Anything else is a usage error (exit 2).
export class UsageError extends Error {}

export interface OptionSpec {
  /** Takes a value (`--port 3000`) rather than being a flag (`--rotate`). */
  value: boolean;
}

export type ParsedOptions = Map<string, string | true>;

export function parseOptions(args: readonly string[], specs: Readonly<Record<string, OptionSpec>>): ParsedOptions {
  const parsed: ParsedOptions = new Map();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const spec = name === undefined ? undefined : specs[name];
    if (!match || name === undefined || !spec) throw new UsageError(`unknown argument '${arg}'`);
    if (!spec.value) {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.set(name, true);
      continue;
    }
    const value = match[2] ?? args[++index];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    parsed.set(name, value);
  }
  return parsed;
}
