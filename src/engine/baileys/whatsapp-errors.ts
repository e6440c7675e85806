// WhatsApp's refusals, as Baileys raises them, turned into API errors (4xx) with a clear message.
//
// Baileys raises an IQ's `<error code="403" text="forbidden"/>` as a Boom whose *data* is the code
// (its statusCode stays 500), so every refusal — not a participant, no such item, bad request — left
// the API as a 500. The mapping lives here, in the engine layer, so routes stay unaware of Baileys.
import { AppError } from '../../errors.ts';

interface BoomLike {
  isBoom?: unknown;
  data?: unknown;
  output?: { statusCode?: unknown };
  message?: unknown;
}

/** The `<error code>` WhatsApp answered with, when the error is one of those. */
export function whatsappErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const boom = error as BoomLike;
  if (typeof boom.data === 'number' && boom.data >= 400 && boom.data < 600) return boom.data;
  return undefined;
}

/** WhatsApp's error code → our status and what it means for the caller. */
const REFUSALS = new Map<number, { status: number; meaning: string }>([
  [400, { status: 400, meaning: 'WhatsApp rejected the request as malformed' }],
  [401, { status: 403, meaning: 'WhatsApp says this account is not authorized to do that' }],
  [403, { status: 403, meaning: 'WhatsApp refused: this account is not allowed to do that (for a group: not a participant, or not an admin)' }],
  [404, { status: 404, meaning: 'WhatsApp knows no such item' }],
  [406, { status: 422, meaning: 'WhatsApp did not accept the request' }],
  [409, { status: 409, meaning: 'WhatsApp reports a conflict' }],
  [429, { status: 429, meaning: 'WhatsApp rate-limits this account; try again later' }],
]);

/** Baileys' own statuses on the Boom (not WhatsApp's): a closed connection, a query that timed out. */
const CONNECTION_FAILURES = new Map<number, { status: number; meaning: string }>([
  [408, { status: 504, meaning: 'WhatsApp did not answer in time' }],
  [428, { status: 503, meaning: 'The WhatsApp connection is closed; try again once the session is WORKING' }],
]);

/** Failures Baileys raises as plain errors, recognised by their text. */
const KNOWN_MESSAGES: Array<[RegExp, (match: RegExpExecArray) => AppError]> = [
  [/Unable to resolve LID for PN JID: (\S+)/, (match) => new AppError(404, `No WhatsApp account is known for '${(match[1] ?? '').replace(/@s\.whatsapp\.net$/, '@c.us')}'`)],
];

/** The API error `error` stands for, or `error` itself when it is not a refusal we know. */
export function toApiError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const boom = error as BoomLike;
  const text = typeof boom.message === 'string' ? boom.message : '';
  const code = whatsappErrorCode(error);
  if (code !== undefined) {
    const refusal = REFUSALS.get(code) ?? (code < 500 ? { status: code, meaning: 'WhatsApp refused the request' } : undefined);
    if (refusal) return new AppError(refusal.status, `${refusal.meaning} (${text || code})`);
    return error;
  }
  const own = boom.isBoom === true && typeof boom.output?.statusCode === 'number' ? CONNECTION_FAILURES.get(boom.output.statusCode) : undefined;
  if (own) return new AppError(own.status, `${own.meaning} (${text})`);
  for (const [pattern, build] of KNOWN_MESSAGES) {
    const match = pattern.exec(text);
    if (match) return build(match);
  }
  return error;
}

/**
 * The engine with every method's failure passed through toApiError. A proxy rather than a try/catch
 * in each of the dozens of verbs, so a new verb cannot forget it.
 */
export function withApiErrors<T extends object>(engine: T): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(engine, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = wrapped.get(property);
      if (cached) return cached;
      const method = value as (...args: unknown[]) => unknown;
      const guarded = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          throw toApiError(error);
        }
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(toApiError(error))) : result;
      };
      wrapped.set(property, guarded);
      return guarded;
    },
  });
}
