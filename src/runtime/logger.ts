// The one place zapd's pino loggers are made. On a terminal a person reads the log, so lines are
// pretty-printed (pino-pretty); anywhere else (a pipe, a file, a container's log collector) each
// line is one JSON object for machines. ZAPD_LOG_FORMAT=pretty|json overrides the guess.
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from '../config.ts';

/** The configured format, or pretty exactly when stdout is a terminal. */
export function chooseLogFormat(configured: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return configured ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

export interface LoggerOptions {
  level: string;
  /** ZAPD_LOG_FORMAT; undefined chooses by whether stdout is a terminal. */
  format?: LogFormat | undefined;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const terminal = process.stdout.isTTY === true;
  const base = { level: options.level, ...(options.name ? { name: options.name } : {}) };
  if (chooseLogFormat(options.format, terminal) === 'json') return pino(base);
  // In-process and synchronous: no transport worker thread, and nothing is lost when the process
  // exits right after a line (a failed start, a shutdown). Colours only for a real terminal.
  const stream: DestinationStream = pretty({ colorize: terminal, sync: true, destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(base, stream);
}
