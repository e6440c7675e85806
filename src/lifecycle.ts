// Graceful stop, run once whatever asked for it (SIGTERM, SIGINT, POST /api/server/stop).
type Handler = () => Promise<void>;

const handlers: Handler[] = [];
let stopping: Promise<void> | undefined;

/** Registers cleanup; handlers run in reverse order of registration (last started, first stopped). */
export function onShutdown(handler: Handler): () => void {
  handlers.push(handler);
  return () => {
    const index = handlers.indexOf(handler);
    if (index >= 0) handlers.splice(index, 1);
  };
}

export function shutdown(reason: string, exit = true): Promise<void> {
  stopping ??= (async () => {
    process.stderr.write(`zapd: stopping (${reason})\n`);
    for (const handler of [...handlers].reverse()) {
      await handler().catch((error: unknown) => process.stderr.write(`zapd: shutdown step failed: ${String(error)}\n`));
    }
    if (exit) process.exit(0);
  })();
  return stopping;
}

/** Ends the process at once, without the cleanup steps: POST /api/server/stop {force: true}. */
export function exitNow(reason: string): void {
  process.stderr.write(`zapd: stopping at once (${reason})\n`);
  process.exit(0);
}
