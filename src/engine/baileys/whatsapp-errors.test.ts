import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Boom } from '@hapi/boom';
import { AppError } from '../../errors.ts';
import { toApiError, withApiErrors } from './whatsapp-errors.ts';

// Baileys' assertNodeErrorFree raises `new Boom(text, { data: +code })`: the code is the data.
const refusal = (text: string, code: number) => new Boom(text, { data: code });

test("WhatsApp's error codes become 4xx AppErrors with a clear message", () => {
  const cases: Array<[Error, number, RegExp]> = [
    [refusal('bad-request', 400), 400, /malformed \(bad-request\)/],
    [refusal('not-authorized', 401), 403, /not authorized .*\(not-authorized\)/],
    [refusal('forbidden', 403), 403, /not a participant.*\(forbidden\)/],
    [refusal('item-not-found', 404), 404, /no such item \(item-not-found\)/],
    [refusal('not-acceptable', 406), 422, /not-acceptable/],
    [refusal('rate-overlimit', 429), 429, /rate-limits/],
    [refusal('gone', 410), 410, /refused the request \(gone\)/],
    [new Boom('Connection Closed', { statusCode: 428 }), 503, /connection is closed/],
    [new Boom('Timed Out', { statusCode: 408 }), 504, /did not answer in time/],
    [new Error('Unable to resolve LID for PN JID: 12345@s.whatsapp.net'), 404, /No WhatsApp account is known for '12345@c\.us'/],
  ];
  for (const [error, status, message] of cases) {
    const mapped = toApiError(error);
    assert.ok(mapped instanceof AppError, error.message);
    assert.equal(mapped.statusCode, status, error.message);
    assert.match(mapped.message, message);
  }
});

test('anything else is left as it is (a 500 stays a 500, logged with its stack)', () => {
  const internal = refusal('internal-server-error', 500);
  assert.equal(toApiError(internal), internal);
  const bug = new TypeError("Cannot read properties of undefined (reading 'user')");
  assert.equal(toApiError(bug), bug);
  const ours = new AppError(409, 'already');
  assert.equal(toApiError(ours), ours);
});

test('withApiErrors maps sync throws and async rejections of every method, and leaves the rest alone', async () => {
  class Verbs {
    readonly name = 'engine';
    async remove(): Promise<void> {
      throw refusal('forbidden', 403);
    }
    parse(): never {
      throw refusal('bad-request', 400);
    }
    async ok(value: number): Promise<number> {
      return value + this.name.length;
    }
  }
  const engine = withApiErrors(new Verbs());
  assert.equal(engine.name, 'engine');
  assert.equal(await engine.ok(1), 7, 'methods keep their `this`');
  await assert.rejects(engine.remove(), (error: unknown) => error instanceof AppError && error.statusCode === 403);
  assert.throws(() => engine.parse(), (error: unknown) => error instanceof AppError && error.statusCode === 400);
});
