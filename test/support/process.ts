// zapd as a child process, the way `npm start` runs it, for tests that need a real process
// (signals, kill -9, the generated key). A start fails at once, with the child's output, when the
// child exits before it listens; and ports come from the OS, never from a random guess.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ZapdProcess {
  child: ChildProcess;
  /** Everything the child wrote to stdout and stderr so far. */
  readonly output: string;
  /** The URL zapd printed once it listens. */
  readonly url: string;
  /** Resolves with the exit code (or the signal's name) once the child is gone. */
  readonly exited: Promise<number | string | null>;
}

/** A port the OS just handed out and released: free unless another process grabs it first. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('the OS gave no port');
  return address.port;
}

/**
 * Spawns `src/main.ts` with `env` (PORT defaults to 0: the OS picks, and the URL is read from what
 * zapd prints) and waits until it listens. `echo` also streams the child's output to this process.
 * `entry` is another TypeScript entry point run through tsx; `argv` instead gives node's whole
 * argument list, without tsx (the compiled build: `['dist/src/main.js']`, `['bin/zapd.mjs', 'start']`).
 */
export async function startZapdProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; echo?: boolean; entry?: string; argv?: string[]; ready?: RegExp } = {},
): Promise<ZapdProcess> {
  // `ready` finds the URL in the output once the process serves it; its first group is the URL.
  const ready = options.ready ?? /listening on (http:\/\/\S+)/;
  const argv = options.argv ?? ['--import', 'tsx', options.entry ?? 'src/main.ts'];
  const child = spawn(process.execPath, argv, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ZAPD_HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let url = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const running: ZapdProcess = {
    child,
    exited,
    get output() {
      return output;
    },
    get url() {
      return url;
    },
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${why}; its output:\n${output || '(nothing)'}`));
    };
    const poll = setInterval(() => {
      const printed = ready.exec(output);
      if (!printed?.[1]) return;
      url = printed[1];
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 20);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`zapd did not listen within ${timeoutMs} ms`);
    }, timeoutMs);
    void exited.then((code) => fail(`zapd exited (${String(code)}) before it listened`));
  });
  return running;
}
