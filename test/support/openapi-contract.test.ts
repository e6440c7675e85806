import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare, operationsOf, parseDifferences, summaryLine, type Contract } from './openapi-contract.ts';

const contract: Contract = {
  version: 'test',
  operations: {
    'POST /api/{session}/things/{thingId}': { pathParams: ['session', 'thingId'], query: ['limit'], body: ['a', 'b'], status: [201], response: { kind: 'object', fields: ['id', 'size'] } },
    'GET /api/gone': { pathParams: [], query: [], status: [200] },
  },
};

const served = operationsOf({
  components: { schemas: { Thing: { type: 'object', properties: { id: { type: 'string' }, extra: { type: 'string' } } } } },
  paths: {
    '/api/{session}/things/{id}': {
      post: {
        parameters: [{ in: 'path', name: 'session' }, { in: 'path', name: 'id' }, { in: 'query', name: 'limit' }, { in: 'query', name: 'sort' }],
        requestBody: { content: { 'application/json': { schema: { anyOf: [{ type: 'object', properties: { a: {} } }, { type: 'object', properties: { c: {} } }] } } } },
        responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, 400: {} },
      },
    },
    '/api/more': { get: { responses: { 200: {} } } },
  },
});

test('operations are matched by shape and every kind of difference is reported', () => {
  const { differences, tally } = compare(contract, served);
  assert.deepEqual(
    differences.map((difference) => `${difference.kind} ${difference.operation} ${difference.detail}`),
    [
      'body-missing-field POST /api/{session}/things/{thingId} b',
      'body-extra-field POST /api/{session}/things/{thingId} c',
      'query-extra POST /api/{session}/things/{thingId} sort',
      'status POST /api/{session}/things/{thingId} waha 201 / zapd 200',
      'response-missing-field POST /api/{session}/things/{thingId} size',
      'response-extra-field POST /api/{session}/things/{thingId} extra',
      'missing-operation GET /api/gone -',
      'extra-operation GET /api/more -',
    ],
  );
  assert.equal(summaryLine(tally), 'conformance: operations 1/2, request bodies 0/1, query sets 0/1, statuses 0/2, responses 0/1');
});

test('the differences list refuses malformed rows and reasons that do not say what is missing', () => {
  const { rows, problems } = parseDifferences(['kind\toperation\tdetail\treason', 'status\tGET /x\twaha 200 / zapd 201\tdeliberate: why', 'oops\tGET /x\t-\tr', 'query-extra\tGET /x\tq\tnot yet:', 'status\tGET /y'].join('\n'));
  assert.equal(rows.length, 1);
  assert.deepEqual(problems, ["line 3: unknown kind 'oops'", "line 4: 'not yet' must say what is missing", 'line 5: needs 4 tab-separated cells: kind, operation, detail, reason']);
});
