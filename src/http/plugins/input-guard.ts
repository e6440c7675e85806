// Checks raw request input before schema validation, for what the schemas cannot say.
//
// Why here and not in the schemas: ajv coerces query and path strings with `data == +data`, which
// takes "0x10" as 16, "1e309" as Infinity (and then skips minimum/maximum, which only look at finite
// numbers) and "99999999999999999999" as 1e20; SQLite answered those with "datatype mismatch" and
// PostgreSQL with "out of range for type bigint", both as 500s. And a NUL character, legal in JSON
// and in a percent-encoded path, is refused by PostgreSQL's text columns (another 500), so no id,
// name or text may carry one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../../errors.ts';

interface SchemaNode {
  type?: string | string[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

type NumericKind = 'integer' | 'number';

/** Decimal digits only: no hex, no exponent, no blanks (WAHA documents limit/offset/timestamps as plain integers). */
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?$/;
/** A body may nest; this deep is far beyond any of our DTOs and keeps the walk bounded. */
const MAX_BODY_DEPTH = 64;

function numericKind(schema: SchemaNode | undefined): NumericKind | undefined {
  if (!schema) return undefined;
  const types = [schema.type ?? []].flat();
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  for (const member of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    const kind = numericKind(member);
    if (kind) return kind;
  }
  return undefined;
}

function checkNumeric(where: string, text: string, kind: NumericKind): void {
  if (text === '') return; // left to the schema, which says what is expected
  if (kind === 'integer') {
    if (!DECIMAL_INTEGER.test(text) || !Number.isSafeInteger(Number(text))) throw badRequest(`${where} must be a safe integer (decimal digits, at most ${Number.MAX_SAFE_INTEGER})`);
    return;
  }
  const value = Number(text);
  if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) throw badRequest(`${where} must be a finite decimal number`);
}

/** Path parameters and query strings: strings (or repeated strings) straight from the URL. */
function checkUrlPart(context: 'params' | 'querystring', values: unknown, schema: unknown): void {
  if (typeof values !== 'object' || values === null) return;
  const properties = (schema as SchemaNode | undefined)?.properties ?? {};
  for (const [name, raw] of Object.entries(values as Record<string, unknown>)) {
    const where = `${context}.${name}`;
    const kind = numericKind(properties[name]);
    for (const item of [raw].flat()) {
      if (typeof item !== 'string') continue;
      if (item.includes('\u0000')) throw badRequest(`${where} must not contain NUL characters`);
      if (kind) checkNumeric(where, item, kind);
    }
  }
}

/** JSON bodies: no NUL in any string, no number beyond what a JavaScript number holds exactly. */
function checkBody(value: unknown, path: string, depth: number): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw badRequest(`${path} must not contain NUL characters`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) throw badRequest(`${path} must be a finite number of at most ${Number.MAX_SAFE_INTEGER}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return;
  if (depth >= MAX_BODY_DEPTH) throw badRequest(`${path} is nested too deeply`);
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkBody(item, `${path}[${index}]`, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) throw badRequest(`${path} has a property name with a NUL character`);
    checkBody(item, `${path}.${key}`, depth + 1);
  }
}

/**
 * JSON bodies are coerced too: `{"offset": "0x10"}` became 16. Strings where the schema wants a
 * number get the same test as the URL's. The walk follows the schema, so it is as deep as the DTO.
 */
function checkBodyNumbers(value: unknown, schema: SchemaNode | undefined, path: string): void {
  if (!schema) return;
  const kind = numericKind(schema);
  if (kind && typeof value === 'string') {
    checkNumeric(path, value, kind);
    return;
  }
  const shapes = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (Array.isArray(value)) {
    for (const shape of shapes) if (shape.items) value.forEach((item, index) => checkBodyNumbers(item, shape.items, `${path}[${index}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const shape of shapes) {
    for (const [key, property] of Object.entries(shape.properties ?? {})) {
      if (key in value) checkBodyNumbers((value as Record<string, unknown>)[key], property, `${path}.${key}`);
    }
  }
}

export function checkRequestInput(request: FastifyRequest): void {
  const schema = request.routeOptions.schema;
  checkUrlPart('params', request.params, schema?.params);
  checkUrlPart('querystring', request.query, schema?.querystring);
  if (request.body === undefined) return;
  checkBody(request.body, 'body', 0);
  checkBodyNumbers(request.body, schema?.body as SchemaNode | undefined, 'body');
}

export async function registerInputGuard(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request) => checkRequestInput(request));
}
