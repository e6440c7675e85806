// One budget for the request bodies held at once, across all requests.
//
// Why: the body limit (80 MB) bounds one request, not many. Four concurrent 79 MB base64 bodies took
// the process from 218 MB to 1.27 GB, since each is held as received text, then as parsed JSON,
// then decoded. A request whose declared length (or, for a chunked body, whose bytes so far) would
// take the total past the budget is answered 503 with Retry-After before its body is buffered; its
// bytes are given back when its response is done or its connection goes away.
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.ts';

/** Seconds a refused client is told to wait: long enough for a large upload in progress to finish. */
const RETRY_AFTER_SECONDS = 2;

export interface BodyBudget {
  /** Bytes currently held by requests in flight. */
  inFlight(): number;
}

/**
 * A declared body that is refused is read and discarded by Node once the answer is out (it is
 * bounded by its length, and nothing of it is kept), so the client, still sending, gets the answer
 * on an open connection. A chunked body has no end we know of: that connection is closed instead.
 */
function refusal(reply: FastifyReply, limitBytes: number, closeConnection: boolean): AppError {
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (closeConnection) reply.header('connection', 'close');
  const megabytes = Math.round(limitBytes / (1024 * 1024));
  return new AppError(503, `The server is receiving as much request data as it holds at once (${megabytes} MB); retry in ${RETRY_AFTER_SECONDS} seconds`);
}

export function registerBodyBudget(app: FastifyInstance, limitBytes: number): BodyBudget {
  let inFlight = 0;
  if (limitBytes <= 0) return { inFlight: () => inFlight };

  /** A request's share of the budget, given back once when the response to it is over (or aborted). */
  const share = (reply: FastifyReply) => {
    let held = 0;
    reply.raw.once('close', () => {
      inFlight -= held;
      held = 0;
    });
    return (bytes: number): boolean => {
      if (inFlight + bytes > limitBytes) return false;
      inFlight += bytes;
      held += bytes;
      return true;
    };
  };

  app.addHook('onRequest', async (request, reply) => {
    const declared = Number(request.headers['content-length']);
    if (!Number.isSafeInteger(declared) || declared <= 0) return;
    if (!share(reply)(declared)) throw refusal(reply, limitBytes, false);
  });

  // A chunked body declares no length: its bytes are counted as they arrive.
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] === undefined) return payload;
    const take = share(reply);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        if (!take(chunk.length)) {
          done(refusal(reply, limitBytes, true));
          return;
        }
        done(null, chunk);
      },
    });
    payload.once('error', (error) => counter.destroy(error));
    return payload.pipe(counter);
  });

  return { inFlight: () => inFlight };
}
