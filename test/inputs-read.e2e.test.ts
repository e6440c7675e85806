// No input is accepted and then ignored: every field of every request schema the server documents
// (bodies and query strings, nested ones included), every field of the session config, and every
// environment variable the README lists must be read by some code outside the schemas — or be listed,
// with the reason, in docs/api/unread-inputs.tsv. A static check, so it names the field that no code
// mentions; whether the code honours it is for the behaviour tests of each feature.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SessionConfigSchema } from '../src/http/schemas/sessions.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
}

const ROOT = new URL('..', import.meta.url).pathname;
const EXCEPTIONS_FILE = 'docs/api/unread-inputs.tsv';

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/** The code that could read an input: everything under src/ but the schema definitions. */
const code = sourceFiles(join(ROOT, 'src'))
  .filter((path) => !path.includes('/http/schemas/'))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether some code reads `name`: `x.name`, `x?.name`, `x['name']`, or `{ name } =` destructuring. */
function isRead(name: string): boolean {
  const word = escape(name);
  return [new RegExp(`\\.${word}\\b`), new RegExp(`\\[['"]${word}['"]\\]`), new RegExp(`\\{[^{}]*\\b${word}\\b[^{}]*\\}\\s*(=|:\\s*\\w)`)].some((pattern) => pattern.test(code));
}

/** Every property of a schema, as dotted paths (`config.noweb.store.fullSync`). */
function fields(schema: Schema | undefined, prefix: string, found: string[] = []): string[] {
  if (!schema) return found;
  for (const option of [...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) fields(option, prefix, found);
  if (schema.items) fields(schema.items, prefix, found);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}.${name}`;
    found.push(path);
    fields(property, path, found);
  }
  return found;
}

function exceptions(): Map<string, string> {
  const listed = new Map<string, string>();
  const lines = readFileSync(join(ROOT, EXCEPTIONS_FILE), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [input = '', reason = ''] = line.split('\t');
    assert.ok(reason.trim().length > 10, `${EXCEPTIONS_FILE}: '${input}' needs its reason`);
    listed.set(input, reason);
  }
  return listed;
}

describe('every input zapd accepts is read by some code', () => {
  let sandbox: Sandbox;
  let inputs: string[] = [];
  before(async () => {
    sandbox = await startSandbox();
    const document = (await (await fetch(`${sandbox.zapd.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
    };
    const found = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const parameter of operation.parameters ?? []) if (parameter.in === 'query') found.add(`${where} query.${parameter.name}`);
        for (const field of fields(operation.requestBody?.content?.['application/json']?.schema, 'body')) found.add(`${where} ${field}`);
      }
    }
    for (const field of fields(SessionConfigSchema as Schema, 'config')) found.add(`session ${field}`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const match of readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)) found.add(`env ${match[1]}`);
    for (const match of readme.matchAll(/^\| `[A-Z][A-Z0-9_]+` \(([^)]*)\)/gm)) for (const alias of (match[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)) found.add(`env ${alias[1]}`);
    inputs = [...found].sort();
  });
  after(async () => {
    await sandbox.close();
  });

  test('no field or variable is left unread, and the list of exceptions is true', () => {
    assert.ok(inputs.length > 300, `inputs were collected (${inputs.length})`);
    const listed = exceptions();
    const unread = inputs.filter((input) => {
      const name = input.split(/[ .]/).at(-1) ?? '';
      const read = input.startsWith('env ') ? code.includes(`'${name}'`) || code.includes(`.env.${name}`) : isRead(name);
      return !read && !listed.has(input);
    });
    assert.deepEqual(unread, [], `inputs no code reads; read them, refuse them, or list them with the reason in ${EXCEPTIONS_FILE}`);
    const stale = [...listed.keys()].filter((input) => !inputs.includes(input));
    assert.deepEqual(stale, [], `${EXCEPTIONS_FILE} lists inputs that are not accepted any more`);
  });
});
