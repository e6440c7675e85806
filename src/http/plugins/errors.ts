// One error shape for every failure: `{ statusCode, error, message }`. Server faults are logged with
// their stack and answered without it.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { isStoreUnavailable } from '../../store/unavailable.ts';

/** Seconds a client is told to wait after the database was out of reach; pools reconnect at once. */
const STORE_RETRY_AFTER_SECONDS = 1;

export function errorBody(statusCode: number, message: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function validationMessage(error: FastifyError): string {
  const issues = error.validation ?? [];
  const context = error.validationContext ?? 'request';
  const described = issues.slice(0, 5).map((issue) => {
    const where = issue.instancePath ? `${context}${issue.instancePath.replaceAll('/', '.')}` : context;
    const extra = issue.keyword === 'additionalProperties' ? ` '${String(issue.params.additionalProperty)}'` : '';
    return `${where} ${issue.message ?? 'is invalid'}${extra}`;
  });
  return described.length > 0 ? described.join('; ') : error.message;
}

export async function registerErrorHandling(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return reply.code(error.statusCode).send({ ...error.details, ...errorBody(error.statusCode, error.message) });
    if (error.validation) return reply.code(400).send(errorBody(400, validationMessage(error)));
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody(status, error.message));
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'the database was unavailable');
      return reply.code(503).header('retry-after', String(STORE_RETRY_AFTER_SECONDS)).send(errorBody(503, 'The database is unavailable for a moment; retry shortly'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody(500, 'Internal server error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, `Route ${request.method} ${request.url.split('?')[0]} not found`)));
}
