// Compares an OpenAPI document (zapd's, as served at /docs/json) with the compact WAHA contract
// derived by scripts/derive-waha-contract.mjs, and reads the list of known differences
// (docs/api/differences.tsv). Pure functions, so the comparison itself can be tested on small inputs.

export interface ContractOperation {
  tag?: string;
  pathParams: string[];
  query: string[];
  /** Top-level JSON body fields; null: a body without named fields; absent: no body. */
  body?: string[] | null;
  status: number[];
  response?: { kind: 'object' | 'array'; fields: string[] };
}

export interface Contract {
  version: string;
  operations: Record<string, ContractOperation>;
}

export type DifferenceKind =
  | 'missing-operation'
  | 'extra-operation'
  | 'body-missing-field'
  | 'body-extra-field'
  | 'query-missing'
  | 'query-extra'
  | 'status'
  | 'response-missing-field'
  | 'response-extra-field';

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'missing-operation',
  'extra-operation',
  'body-missing-field',
  'body-extra-field',
  'query-missing',
  'query-extra',
  'status',
  'response-missing-field',
  'response-extra-field',
];

export interface Difference {
  kind: DifferenceKind;
  /** `METHOD /path` as the contract spells it (zapd's spelling for extra operations). */
  operation: string;
  /** The field, parameter or `waha 200 / zapd 201`; `-` for whole operations. */
  detail: string;
}

export interface ListedDifference extends Difference {
  reason: string;
  line: number;
}

export interface Comparison {
  differences: Difference[];
  /** Per aspect: how many contract operations zapd matches, of how many the contract describes. */
  tally: Record<'operations' | 'request bodies' | 'query sets' | 'statuses' | 'responses', { matched: number; total: number }>;
}

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `GET /api/{session}/chats/{chatId}` → `GET /api/{}/chats/{}`: the documents name parameters differently. */
export function operationShape(operation: string): string {
  return operation.replace(/\{[^}]+\}/g, '{}');
}

export function differenceKey(difference: Difference): string {
  return `${difference.kind}\t${operationShape(difference.operation)}\t${difference.detail}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(document: Json, schema: unknown, seen: ReadonlySet<string> = new Set()): Json | undefined {
  if (!isObject(schema)) return undefined;
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (seen.has(ref)) return undefined;
  const name = ref.replace(/^#\/components\/schemas\//, '');
  const components = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  return resolve(document, components[name], new Set([...seen, ref]));
}

/** Top-level property names through $ref, allOf, anyOf and oneOf; undefined when the schema names none. */
function fieldsOf(document: Json, schema: unknown): string[] | undefined {
  const resolved = resolve(document, schema);
  if (!resolved) return undefined;
  const names = new Set(isObject(resolved.properties) ? Object.keys(resolved.properties) : []);
  let given = isObject(resolved.properties);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const parts = resolved[key];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      const inner = fieldsOf(document, part);
      if (!inner) continue;
      given = true;
      for (const name of inner) names.add(name);
    }
  }
  return given ? [...names].sort() : undefined;
}

function shapeOf(document: Json, schema: unknown): ContractOperation['response'] {
  const resolved = resolve(document, schema);
  if (!resolved) return undefined;
  if (resolved.type === 'array') {
    const fields = fieldsOf(document, resolved.items);
    return fields ? { kind: 'array', fields } : undefined;
  }
  const fields = fieldsOf(document, resolved);
  return fields ? { kind: 'object', fields } : undefined;
}

/** The same compact view of every operation in an OpenAPI document that the derived contract holds. */
export function operationsOf(document: Json): Record<string, ContractOperation> {
  const operations: Record<string, ContractOperation> = {};
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const parameters = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])].filter(isObject);
      const named = (where: string) => parameters.filter((parameter) => parameter.in === where).map((parameter) => String(parameter.name)).sort();
      const requestBody = isObject(operation.requestBody) ? operation.requestBody : undefined;
      const jsonBody = requestBody && isObject(requestBody.content) && isObject(requestBody.content['application/json']) ? requestBody.content['application/json'].schema : undefined;
      const responses = isObject(operation.responses) ? operation.responses : {};
      const successes = Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort();
      let response: ContractOperation['response'];
      for (const code of successes) {
        const answer = responses[code];
        const json = isObject(answer) && isObject(answer.content) && isObject(answer.content['application/json']) ? answer.content['application/json'].schema : undefined;
        response = json === undefined ? undefined : shapeOf(document, json);
        if (response) break;
      }
      operations[`${method.toUpperCase()} ${path}`] = {
        pathParams: named('path'),
        query: named('query'),
        ...(requestBody ? { body: jsonBody === undefined ? null : (fieldsOf(document, jsonBody) ?? null) } : {}),
        status: successes.map(Number),
        ...(response ? { response } : {}),
      };
    }
  }
  return operations;
}

/** Fastify writes `/api/:session/chats`; OpenAPI and the contract write `/api/{session}/chats`. */
function bracePath(operation: string): string {
  return operation.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function setDifference(left: readonly string[], right: readonly string[]): string[] {
  const other = new Set(right);
  return left.filter((value) => !other.has(value));
}

export function compare(contract: Contract, served: Record<string, ContractOperation>): Comparison {
  const differences: Difference[] = [];
  const servedByShape = new Map(Object.entries(served).map(([operation, value]) => [operationShape(bracePath(operation)), { operation: bracePath(operation), value }]));
  const tally: Comparison['tally'] = {
    operations: { matched: 0, total: 0 },
    'request bodies': { matched: 0, total: 0 },
    'query sets': { matched: 0, total: 0 },
    statuses: { matched: 0, total: 0 },
    responses: { matched: 0, total: 0 },
  };
  const count = (aspect: keyof Comparison['tally'], matched: boolean) => {
    tally[aspect].total += 1;
    if (matched) tally[aspect].matched += 1;
  };

  for (const [operation, expected] of Object.entries(contract.operations)) {
    const actual = servedByShape.get(operationShape(operation))?.value;
    const add = (kind: DifferenceKind, details: string[]) => {
      for (const detail of details) differences.push({ kind, operation, detail });
      return details.length === 0;
    };
    count('operations', actual !== undefined);
    if (!actual) {
      add('missing-operation', ['-']);
      if (expected.body) count('request bodies', false);
      if (expected.query.length > 0) count('query sets', false);
      count('statuses', false);
      if (expected.response) count('responses', false);
      continue;
    }
    if (expected.body) {
      const given = actual.body ?? [];
      const missing = add('body-missing-field', setDifference(expected.body, given));
      const extra = add('body-extra-field', setDifference(given, expected.body));
      count('request bodies', missing && extra);
    }
    if (expected.query.length > 0 || actual.query.length > 0) {
      const missing = add('query-missing', setDifference(expected.query, actual.query));
      const extra = add('query-extra', setDifference(actual.query, expected.query));
      if (expected.query.length > 0) count('query sets', missing && extra);
    }
    const statusMatches = expected.status.join(',') === actual.status.join(',');
    if (!statusMatches) add('status', [`waha ${expected.status.join(',')} / zapd ${actual.status.join(',')}`]);
    count('statuses', statusMatches);
    if (expected.response) {
      const given = actual.response?.kind === expected.response.kind ? actual.response.fields : [];
      const missing = add('response-missing-field', setDifference(expected.response.fields, given));
      const extra = add('response-extra-field', setDifference(given, expected.response.fields));
      count('responses', missing && extra);
    }
  }

  const contractShapes = new Set(Object.keys(contract.operations).map(operationShape));
  for (const [shape, { operation }] of servedByShape) {
    if (!contractShapes.has(shape)) differences.push({ kind: 'extra-operation', operation, detail: '-' });
  }
  return { differences, tally };
}

export function summaryLine(tally: Comparison['tally']): string {
  return `conformance: ${Object.entries(tally).map(([aspect, { matched, total }]) => `${aspect} ${matched}/${total}`).join(', ')}`;
}

/** Rows of differences.tsv; malformed rows are reported as problems rather than skipped. */
export function parseDifferences(text: string): { rows: ListedDifference[]; problems: string[] } {
  const rows: ListedDifference[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (index === 0 || raw.trim() === '' || raw.startsWith('#')) return;
    const cells = raw.split('\t');
    const [kind, operation, detail, reason] = cells;
    if (cells.length !== 4 || !kind || !operation || !detail || !reason) return void problems.push(`line ${line}: needs 4 tab-separated cells: kind, operation, detail, reason`);
    if (!(DIFFERENCE_KINDS as readonly string[]).includes(kind)) return void problems.push(`line ${line}: unknown kind '${kind}'`);
    if (/^not yet:?\s*$/i.test(reason.trim())) return void problems.push(`line ${line}: 'not yet' must say what is missing`);
    rows.push({ kind: kind as DifferenceKind, operation, detail, reason, line });
  });
  if (lines[0]?.trim() !== 'kind\toperation\tdetail\treason') problems.unshift('line 1: header must be kind, operation, detail, reason');
  return { rows, problems };
}
