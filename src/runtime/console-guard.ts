// Routes console.* calls made by libsignal and Baileys into pino at debug level, redacted.
//
// Why: libsignal (under Baileys) prints whole Signal session records with console.info("Closing
// session:", record), console.warn and console.error: private ephemeral keys, root keys and chain
// keys went to the stdout of npm start, the sandbox, the tests and the bench. Those calls are told
// apart by their call site (the frame right above console.*), so our own console output, the test
// runner's and any other library's stay as they were.
import type { Logger } from 'pino';
import { redactForLog } from './redact.ts';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type ConsoleMethod = (typeof METHODS)[number];

/** A frame of code shipped in these packages (also when nested under another package's node_modules). */
const LIBRARY_FRAME = /[\\/]node_modules[\\/](libsignal|baileys|@whiskeysockets[\\/][^\\/]+)[\\/]/;

interface GuardState {
  sink: Logger | undefined;
  routed: number;
}

// One guard per process even if this module is loaded twice (tsx may load it as ESM and CJS).
const STATE_KEY = Symbol.for('zapd.consoleGuard');
const globalSlots = globalThis as unknown as Record<symbol, GuardState | undefined>;

/** The package a console call came from, or undefined for any other caller. */
function libraryCaller(guarded: (...args: unknown[]) => void): string | undefined {
  const limit = Error.stackTraceLimit;
  // Someone may have set the limit to 0; two frames above the wrapper are all it takes.
  Error.stackTraceLimit = 2;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, guarded);
  Error.stackTraceLimit = limit;
  const frame = holder.stack?.split('\n')[1] ?? '';
  const match = LIBRARY_FRAME.exec(frame);
  return match ? (match[1] ?? 'library').split(/[\\/]/).pop() : undefined;
}

/**
 * Installs the guard (once per process) and makes `logger` the place routed lines go; a later call
 * only changes the logger. Lines reach the logger at debug level, so nothing is printed normally.
 */
export function installConsoleGuard(logger: Logger): void {
  const existing = globalSlots[STATE_KEY];
  const sink = logger.child({ module: 'console' });
  if (existing) {
    existing.sink = sink;
    return;
  }
  const state: GuardState = { sink, routed: 0 };
  globalSlots[STATE_KEY] = state;
  for (const method of METHODS) {
    const original = console[method].bind(console);
    const guarded = (...args: unknown[]): void => {
      const library = libraryCaller(guarded);
      if (!library) {
        original(...args);
        return;
      }
      state.routed++;
      route(state, library, method, args);
    };
    console[method] = guarded;
  }
}

function route(state: GuardState, library: string, method: ConsoleMethod, args: unknown[]): void {
  const [first, ...rest] = args;
  const text = typeof first === 'string' ? (redactForLog(first) as string) : undefined;
  const details = (text === undefined ? args : rest).map((arg) => redactForLog(arg));
  try {
    state.sink?.debug({ library, console: method, ...(details.length ? { details } : {}) }, text ?? `console.${method} from ${library}`);
  } catch {
    // A log line must never break the library that wrote it.
  }
}

/** How many console calls were routed so far (for tests and diagnostics). */
export function routedConsoleCalls(): number {
  return globalSlots[STATE_KEY]?.routed ?? 0;
}
