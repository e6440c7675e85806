// Telling a database that is briefly out of reach (a PostgreSQL backend terminated, a restart, a
// dropped socket, SQLite busy past its timeout) from a query that is wrong. The first is worth
// retrying and is answered 503 with Retry-After; the second is a fault.

/** SQLSTATEs of a lost or refused connection: admin/crash shutdown, cannot connect now, class 08. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const LOST_SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
/** What node-postgres says, without a code, when the socket went away under a client or the pool. */
const LOST_MESSAGES = /Connection terminated|Connection ended unexpectedly|not queryable|timeout exceeded when trying to connect|terminating connection/i;

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (LOST_SQLSTATES.has(code) || LOST_SOCKET_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && LOST_MESSAGES.test(message)) return true;
  return isStoreUnavailable(cause, depth + 1);
}

/** Waits between attempts: about 8 s of waiting in all. */
const RETRY_DELAYS_MS = [50, 150, 400, 800, 1_500, 2_000, 3_000];
/**
 * No retry starts after this long: an inbound message is held unacknowledged for 60 s at most, and
 * one attempt may itself wait 10 s for a connection (CONNECT_TIMEOUT_MS in database.ts).
 */
const RETRY_WITHIN_MS = 20_000;

/**
 * Runs `operation` again while it fails because the store is unavailable; any other failure, or
 * the last unavailable one, is thrown. The operation must be safe to repeat: a commit whose answer
 * was lost may have landed (what we retry is idempotent upserts, or at-least-once deliveries).
 */
export async function retryWhileUnavailable<T>(operation: () => Promise<T>, delays: readonly number[] = RETRY_DELAYS_MS, withinMs = RETRY_WITHIN_MS): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !isStoreUnavailable(error) || Date.now() + delay - started > withinMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
