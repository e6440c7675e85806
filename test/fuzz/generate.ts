// Malformed requests for every operation of an OpenAPI document. Each case starts from a request the
// schema would accept (required fields filled with plausible values) and breaks one thing: a field's
// type, its size, a NUL byte, a path parameter, the body's syntax or its Content-Type. Seeded, so a
// failure can be replayed with the same FUZZ_SEED.

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  body?: JsonSchema;
}

export interface FuzzCase {
  method: string;
  /** The request target, already encoded. */
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** What was broken, for the failure message. */
  what: string;
}

/** A small seeded generator (mulberry32): the same seed gives the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function operationsOf(document: { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      ...(operation.requestBody?.content?.['application/json']?.schema ? { body: operation.requestBody.content['application/json'].schema } : {}),
    })),
  );
}

export interface Plausible {
  session: string;
  chatId: string;
}

const CHAT_FIELDS = /^(chatId|jid|contactId|participant|groupId|id|lid|phone|to)$/i;

/** A value the schema accepts, leaning on the field's name for ids. */
export function plausibleValue(name: string, schema: JsonSchema | undefined, context: Plausible): unknown {
  if (!schema) return 'x';
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return plausibleValue(name, schema.anyOf.find((option) => option.type !== 'null') ?? schema.anyOf[0], context);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const field of schema.required ?? []) value[field] = plausibleValue(field, schema.properties?.[field], context);
      return value;
    }
    case 'array':
      return [plausibleValue(name, schema.items, context)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (name === 'session') return context.session;
      if (CHAT_FIELDS.test(name)) return context.chatId;
      if (name === 'phone') return '15550001234';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

const HOSTILE_STRINGS = ['', 'a\u0000b', '../../etc/passwd', '..%2F..%2F', '%E0%A4%A', 'x'.repeat(1_048_576), '💥'.repeat(1000), '<script>alert(1)</script>', "' OR 1=1 --", '\uD800'];
const HOSTILE_NUMBERS: unknown[] = [-1, 0, 1e309, -1e309, 99999999999999999999, 1.5, '0x10', '1e309', 'NaN', 'abc', 2 ** 53 + 1];
const WRONG_SHAPES: unknown[] = [null, true, 12345, 'text', [], {}, [[[]]], { nested: { deeper: {} } }];
const HOSTILE_PATH_PARTS = ['ghost', '..', '%2e%2e', '..%2F..%2Fetc', '%00', 'a%00b', '%2F', 'x'.repeat(5000), '%E0%A4%A', '12345', 'not-a-chat@nowhere', '%F0%9F%92%A5'];

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

function concretePath(operation: Operation, context: Plausible, override?: { name: string; value: string }): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (override?.name === name) return override.value;
    if (name === 'session') return context.session;
    if (CHAT_FIELDS.test(name) || name === 'chatId') return encodeURIComponent(context.chatId);
    if (name === 'messageId') return encodeURIComponent(`true_${context.chatId}_3EB0FUZZ`);
    return 'x1';
  });
}

function withQuery(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Malformed requests for `operation`: first a sweep that breaks each parameter and body field in the
 * ways most likely to reach a handler (unsafe numbers, NUL bytes, hostile path parts, each required
 * field missing, broken JSON, other content types), then `extra` random ones.
 */
export function fuzzCases(operation: Operation, context: Plausible, random: () => number, extra: number): FuzzCase[] {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const baseQuery: Record<string, unknown> = {};
  for (const parameter of operation.parameters.filter((candidate) => candidate.in === 'query' && candidate.required)) {
    baseQuery[parameter.name] = plausibleValue(parameter.name, parameter.schema, context);
  }
  const baseBody = operation.body ? (plausibleValue('body', operation.body, context) as Record<string, unknown>) : undefined;
  const bodyText = baseBody ? JSON.stringify(baseBody) : undefined;
  const request = (what: string, options: { path?: string; query?: Record<string, unknown>; body?: string; headers?: Record<string, string> } = {}): FuzzCase => ({
    method: operation.method,
    target: withQuery(options.path ?? concretePath(operation, context), options.query ?? baseQuery),
    headers: options.headers ?? json,
    ...((options.body ?? bodyText) !== undefined ? { body: options.body ?? bodyText } : {}),
    what,
  });
  const brokenPath = (name: string, value: string) => request(`path ${name}=${value.slice(0, 40)}`, { path: concretePath(operation, context, { name, value }) });
  const brokenQuery = (name: string, value: unknown) => request(`query ${name}=${String(value).slice(0, 40)}`, { query: { ...baseQuery, [name]: value } });
  const brokenField = (field: string, value: unknown) => request(`body ${field}=${JSON.stringify(value)?.slice(0, 40)}`, { body: JSON.stringify({ ...baseBody, [field]: value }) });
  const hostileFor = (schema: JsonSchema): unknown[] => {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'integer' || type === 'number') return HOSTILE_NUMBERS;
    if (type === 'string') return [...HOSTILE_STRINGS, ...WRONG_SHAPES];
    return [...WRONG_SHAPES, ...HOSTILE_STRINGS.slice(0, 4)];
  };

  const cases: FuzzCase[] = [];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') {
      for (const value of ['%00', 'a%00b', '..%2F..%2Fetc', 'x'.repeat(5000), '%E0%A4%A', '12345']) cases.push(brokenPath(parameter.name, value));
    } else if (parameter.in === 'query') {
      for (const value of ['1e309', '99999999999999999999', 'abc', '-1', '0x10', 'a\u0000b', '1e20']) cases.push(brokenQuery(parameter.name, value));
    }
  }
  if (baseBody) {
    for (const [field, schema] of Object.entries(operation.body?.properties ?? {})) {
      cases.push(brokenField(field, 'a\u0000b'), brokenField(field, pick(random, hostileFor(schema))), brokenField(field, pick(random, WRONG_SHAPES)));
    }
    for (const field of operation.body?.required ?? []) {
      const body = { ...baseBody };
      delete body[field];
      cases.push(request(`body without ${field}`, { body: JSON.stringify(body) }));
    }
  }
  for (const body of ['{"a":', '[1,2', 'null', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, '{"__proto__":{"polluted":1}}']) cases.push(request(`body ${JSON.stringify(body.slice(0, 30))}`, { body }));
  for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
    const body = type.startsWith('application/x-www') ? 'a=1&b[c]=2&session=%00' : type.startsWith('multipart') ? '--x\r\ngarbage' : (bodyText ?? '{}');
    cases.push(request(`content-type ${type}`, { body, headers: { 'content-type': type } }));
  }

  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const bodyFields = Object.entries(operation.body?.properties ?? {});
  const strategies: Array<() => FuzzCase | undefined> = [
    () => (pathParameters.length ? brokenPath(pick(random, pathParameters).name, pick(random, HOSTILE_PATH_PARTS)) : undefined),
    () => (queryParameters.length ? brokenQuery(pick(random, queryParameters).name, pick(random, [...HOSTILE_NUMBERS, ...HOSTILE_STRINGS.filter((text) => text.length < 10_000)])) : undefined),
    () => {
      if (!baseBody || bodyFields.length === 0) return undefined;
      const [field, schema] = pick(random, bodyFields);
      return brokenField(field, pick(random, hostileFor(schema)));
    },
    () => {
      const broken = pick(random, ['{"a":', '[1,2', '"text"', '12', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, '\u0000', '{"session":"\u0000"}']);
      return request(`body ${JSON.stringify(broken.slice(0, 30))}`, { body: broken });
    },
    () => {
      const type = pick(random, ['application/xml', 'application/json; charset=latin1', 'application/octet-stream', 'text/html']);
      return request(`content-type ${type}`, { headers: { 'content-type': type }, body: bodyText ?? '{}' });
    },
  ];
  for (let made = 0, attempt = 0; made < extra && attempt < extra * 6; attempt += 1) {
    const fuzz = pick(random, strategies)();
    if (fuzz) {
      cases.push(fuzz);
      made += 1;
    }
  }
  return cases;
}
