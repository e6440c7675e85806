// Derives the compact WAHA contract that test/conformance.e2e.test.ts holds zapd against, from a
// WAHA OpenAPI document given on the command line:
//   node scripts/derive-waha-contract.mjs /tmp/waha-2026.7.2-openapi.json > docs/api/waha-2026.7.2.contract.json
// The upstream document itself is not kept in the repository: only what the comparison needs
// (operation, parameter names, top-level body and response fields, 2xx codes).
import { readFileSync } from 'node:fs';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const source = process.argv[2];
if (!source) {
  console.error('usage: node scripts/derive-waha-contract.mjs <openapi.json>');
  process.exit(2);
}
const document = JSON.parse(readFileSync(source, 'utf8'));

function resolve(schema, seen = new Set()) {
  if (!schema || typeof schema !== 'object') return undefined;
  if (typeof schema.$ref === 'string') {
    if (seen.has(schema.$ref)) return undefined;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document.components?.schemas?.[name], new Set([...seen, schema.$ref]));
  }
  return schema;
}

/** Top-level property names of a schema, through $ref, allOf and oneOf/anyOf; undefined when the document gives none. */
function fieldsOf(schema, seen = new Set()) {
  const resolved = resolve(schema, seen);
  if (!resolved) return undefined;
  const names = new Set(Object.keys(resolved.properties ?? {}));
  let given = resolved.properties !== undefined;
  for (const part of [...(resolved.allOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])]) {
    const inner = fieldsOf(part, seen);
    if (inner) {
      given = true;
      for (const name of inner) names.add(name);
    }
  }
  return given ? [...names].sort() : undefined;
}

/** `{kind, fields}` of a JSON answer: an object's fields, or an array's items' fields. */
function shapeOf(schema) {
  const resolved = resolve(schema);
  if (!resolved) return undefined;
  const single = [...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])];
  if (single.length === 1 && !resolved.properties) return shapeOf(single[0]);
  if (resolved.type === 'array') {
    const fields = fieldsOf(resolved.items);
    return fields ? { kind: 'array', fields } : undefined;
  }
  const fields = fieldsOf(resolved);
  return fields ? { kind: 'object', fields } : undefined;
}

const operations = {};
for (const [path, item] of Object.entries(document.paths ?? {})) {
  for (const method of METHODS) {
    const operation = item[method];
    if (!operation) continue;
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
    const named = (where) => parameters.filter((parameter) => parameter.in === where).map((parameter) => parameter.name).sort();
    const jsonBody = operation.requestBody?.content?.['application/json']?.schema;
    const successes = Object.keys(operation.responses ?? {}).filter((code) => /^2\d\d$/.test(code)).sort();
    let response;
    for (const code of successes) {
      const json = operation.responses[code].content?.['application/json']?.schema;
      response = json ? shapeOf(json) : undefined;
      if (response) break;
    }
    operations[`${method.toUpperCase()} ${path}`] = {
      tag: operation.tags?.[0],
      pathParams: named('path'),
      query: named('query'),
      body: operation.requestBody ? (jsonBody ? fieldsOf(jsonBody) ?? null : null) : undefined,
      status: successes.map(Number),
      response,
    };
  }
}

const contract = {
  source: `${document.info?.title ?? 'WAHA'} ${document.info?.version ?? ''} (openapi.json of github.com/muhammedaksam/waha-node)`.trim(),
  version: document.info?.version,
  derivedBy: 'scripts/derive-waha-contract.mjs',
  note: 'body: top-level JSON request fields (null: a body without named fields; absent: no body). response: top-level fields of the first 2xx JSON answer the document describes (array: of its items).',
  operations,
};
// One operation a line, so that a re-derivation shows up in a diff as the operations that changed.
const lines = Object.entries(operations).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
const header = Object.entries(contract).filter(([key]) => key !== 'operations').map(([key, value]) => ` ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
process.stdout.write(`{\n${header.join('\n')}\n "operations": {\n${lines.join(',\n')}\n }\n}\n`);
