// The `zapd` command (bin/zapd.mjs runs this from the compiled build). Each command is a few lines:
// options become the environment variables zapd already reads, then the entry point is imported,
// so `zapd start` and `npm start` run exactly the same code.
import { packageInfo } from '../runtime/package-root.ts';
import { parseOptions, UsageError, type OptionSpec, type ParsedOptions } from './args.ts';
import { keyCommand } from './key.ts';

interface Command {
  summary: string;
  usage: string;
  /** More lines for `zapd <command> --help`. */
  details: string;
  options: Record<string, OptionSpec>;
  /** The exit code, or undefined for a server that goes on running. */
  run(options: ParsedOptions, env: NodeJS.ProcessEnv): Promise<number | undefined>;
}

/** Options that set an environment variable, for the commands that start a server. */
function setEnv(options: ParsedOptions, env: NodeJS.ProcessEnv, names: Record<string, string>): void {
  for (const [option, variable] of Object.entries(names)) {
    const value = options.get(option);
    if (typeof value === 'string') env[variable] = value;
  }
}

const SERVER_OPTIONS = { port: { value: true }, host: { value: true }, 'data-dir': { value: true } } satisfies Record<string, OptionSpec>;
const SERVER_ENV = { port: 'PORT', host: 'ZAPD_HOST', 'data-dir': 'ZAPD_DATA_DIR' };

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run the zapd server (the same as npm start)',
    usage: 'zapd start [--port N] [--host ADDRESS] [--data-dir DIR]',
    details: 'Configuration comes from the environment (PORT, ZAPD_DATA_DIR, ZAPD_API_KEY, DATABASE_URL,\nZAPD_LOG_FORMAT=pretty|json, ... see the README); the options override their variables.\nStops cleanly on SIGTERM or Ctrl-C.',
    options: SERVER_OPTIONS,
    async run(options, env) {
      setEnv(options, env, SERVER_ENV);
      await import('../main.ts');
      return undefined;
    },
  },
  sandbox: {
    summary: 'run zapd and the WhatsApp network simulator in one process, ready to link a session',
    usage: 'zapd sandbox [--port N] [--sim-port N] [--data-dir DIR]',
    details: "zapd listens on --port (PORT, default 3000), the simulator on --sim-port (SIM_PORT, default 7700).\nThe simulator's state is kept under the data dir, beside zapd's.",
    options: { port: SERVER_OPTIONS.port, 'sim-port': { value: true }, 'data-dir': SERVER_OPTIONS['data-dir'] },
    async run(options, env) {
      setEnv(options, env, { port: 'PORT', 'sim-port': 'SIM_PORT', 'data-dir': 'ZAPD_DATA_DIR' });
      await import('../sandbox.ts');
      return undefined;
    },
  },
  sim: {
    summary: 'run the WhatsApp network simulator on its own',
    usage: 'zapd sim [--port N] [--host ADDRESS] [--state-file FILE]',
    details: 'Point zapd at it with ZAPD_WA_URL=ws://HOST:PORT/ws/chat. Variables: SIM_PORT (default 7700),\nSIM_HOST (default 127.0.0.1), SIM_SEED, SIM_STATE_FILE, SIM_LOG_LEVEL.',
    options: { port: { value: true }, host: { value: true }, 'state-file': { value: true } },
    async run(options, env) {
      setEnv(options, env, { port: 'SIM_PORT', host: 'SIM_HOST', 'state-file': 'SIM_STATE_FILE' });
      await import('../../sim/main.ts');
      return undefined;
    },
  },
  version: {
    summary: "print zapd's version",
    usage: 'zapd version',
    details: '',
    options: {},
    async run() {
      process.stdout.write(`zapd ${packageInfo().version}\n`);
      return 0;
    },
  },
  key: {
    summary: 'print the API key zapd generated in its data dir; --rotate makes a new one',
    usage: 'zapd key [--rotate] [--data-dir DIR]',
    details: 'Without ZAPD_API_KEY, zapd generates an admin key at its first start and keeps it in\nDATA_DIR/api-key (mode 0600). --rotate replaces it with a new one; restart zapd to use it.',
    options: { rotate: { value: false }, 'data-dir': SERVER_OPTIONS['data-dir'] },
    async run(options, env) {
      setEnv(options, env, { 'data-dir': 'ZAPD_DATA_DIR' });
      const result = keyCommand(env, options.has('rotate'));
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      return result.exitCode;
    },
  },
};

function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: zapd <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'zapd <command> --help' for a command's options.\n`;
}

function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.\n${command.details ? `\n${command.details}\n` : ''}`;
}

const HELP = new Set(['--help', '-h', 'help']);

/** Runs `zapd <args>`; resolves with the exit code, or undefined while a server it started runs. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const [name, ...rest] = args;
  if (name !== undefined && HELP.has(name)) {
    process.stdout.write(topUsage());
    return 0;
  }
  if (name === '--version' || name === '-v') return COMMANDS.version?.run(new Map(), env);
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name === undefined ? 'zapd: no command given' : `zapd: unknown command '${name}'`}\n\n${topUsage()}`);
    return 2;
  }
  if (rest.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  let options: ParsedOptions;
  try {
    options = parseOptions(rest, command.options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`zapd ${name}: ${error.message}\n\n${commandHelp(command)}`);
    return 2;
  }
  return command.run(options, env);
}
