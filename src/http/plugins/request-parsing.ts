// Request bodies and query strings as WAHA's clients send them. WAHA (NestJS on Express) reads an
// empty body as `{}` whatever its Content-Type (n8n sends `Content-Type: application/json` with no
// body on start, stop, delete...), parses urlencoded bodies (axios sends body-less POSTs as
// `application/x-www-form-urlencoded`), and takes `1`/`0`/`True`/`False` for boolean query values.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../../errors.ts';

/** Nesting that `a[b][c]=` may express in a form body; deeper keys are refused, not guessed. */
const MAX_FORM_DEPTH = 5;
const MAX_FORM_FIELDS = 1_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** `a=1&b[c]=2&d=3&d=4` → `{ a: '1', b: { c: '2' }, d: ['3', '4'] }`, on null-prototype objects. */
export function parseFormBody(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = Object.create(null) as Record<string, FormValue>;
  const params = new URLSearchParams(text);
  let fields = 0;
  for (const [name, value] of params) {
    fields += 1;
    if (fields > MAX_FORM_FIELDS) throw badRequest(`a form body may hold at most ${MAX_FORM_FIELDS} fields`);
    const path = formPath(name);
    let target: Record<string, FormValue> = root;
    for (const [index, key] of path.entries()) {
      const last = index === path.length - 1;
      const existing = target[key];
      if (last) {
        if (existing === undefined) target[key] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else if (typeof existing === 'string') target[key] = [existing, value];
        else throw badRequest(`form field '${name}' is both a value and an object`);
        break;
      }
      if (existing === undefined) {
        const child: Record<string, FormValue> = Object.create(null) as Record<string, FormValue>;
        target[key] = child;
        target = child;
      } else if (typeof existing === 'object' && !Array.isArray(existing)) {
        target = existing;
      } else {
        throw badRequest(`form field '${name}' is both a value and an object`);
      }
    }
  }
  return root;
}

/** `file[url]` → `['file', 'url']`; `items[]` appends like a repeated name. */
function formPath(name: string): string[] {
  const bracket = name.indexOf('[');
  if (bracket <= 0 || !name.endsWith(']')) return [checkedKey(name, name)];
  const parts = [name.slice(0, bracket), ...name.slice(bracket + 1, -1).split('][')].filter((part) => part !== '');
  if (parts.length > MAX_FORM_DEPTH) throw badRequest(`form field '${name.slice(0, 80)}' is nested deeper than ${MAX_FORM_DEPTH}`);
  return parts.map((part) => checkedKey(part, name));
}

function checkedKey(key: string, name: string): string {
  if (FORBIDDEN_KEYS.has(key)) throw badRequest(`form field '${name.slice(0, 80)}' is not allowed`);
  return key;
}

const TRUE_WORDS = new Set(['true', '1']);
const FALSE_WORDS = new Set(['false', '0']);

/** Boolean query values in any case, and as 1/0, become what the schema's boolean coercion reads. */
function foldBooleanQuery(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined;
  if (!query || typeof query !== 'object' || !schema?.properties) return;
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = query[name];
    if (property.type !== 'boolean' || typeof value !== 'string') continue;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) query[name] = 'true';
    else if (FALSE_WORDS.has(word)) query[name] = 'false';
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function registerRequestParsing(app: FastifyInstance): Promise<void> {
  // Fastify's own JSON parser (prototype-poisoning checks included), with an empty body as `{}`.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    return json(request, text, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseFormBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    // No body at all (no Content-Type either) is the same empty object.
    if (BODY_METHODS.has(request.method) && (request.body === undefined || request.body === null)) request.body = {};
    foldBooleanQuery(request);
  });
}
