// Holds zapd's served OpenAPI (/docs/json) against the WAHA 2026.7.2 contract derived into
// docs/api/waha-2026.7.2.contract.json. Every difference must be listed, with its reason, in
// docs/api/differences.tsv, and every listed difference must still exist, so the list stays true.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { compare, differenceKey, operationsOf, parseDifferences, summaryLine, type Comparison, type Contract } from './support/openapi-contract.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const contract = JSON.parse(readFileSync(new URL('../docs/api/waha-2026.7.2.contract.json', import.meta.url), 'utf8')) as Contract;
const listed = parseDifferences(readFileSync(new URL('../docs/api/differences.tsv', import.meta.url), 'utf8'));

describe('conformance with WAHA 2026.7.2', () => {
  let sandbox: Sandbox;
  let comparison: Comparison;

  before(async () => {
    sandbox = await startSandbox();
    const served = await sandbox.zapd.api<Record<string, unknown>>('GET', '/docs/json');
    assert.equal(served.status, 200);
    comparison = compare(contract, operationsOf(served.body));
    console.log(summaryLine(comparison.tally));
  });
  after(async () => {
    await sandbox?.close();
  });

  test('the contract is the 2026.7.2 one and describes every operation of that document', () => {
    assert.equal(contract.version, '2026.7.2');
    assert.equal(Object.keys(contract.operations).length, 164);
  });

  test('differences.tsv is well formed: one row per difference, each with its reason', () => {
    assert.deepEqual(listed.problems, []);
    const seen = new Map<string, number>();
    for (const row of listed.rows) {
      const key = differenceKey(row);
      assert.ok(!seen.has(key), `line ${row.line} repeats line ${seen.get(key)}: ${key}`);
      seen.set(key, row.line);
    }
  });

  test('every difference from the contract is listed in differences.tsv', () => {
    const known = new Set(listed.rows.map(differenceKey));
    const unlisted = comparison.differences.filter((difference) => !known.has(differenceKey(difference)));
    assert.deepEqual(
      unlisted.map((difference) => `${difference.kind}\t${difference.operation}\t${difference.detail}`),
      [],
      'zapd differs from WAHA 2026.7.2 here: fix it, or add the row to docs/api/differences.tsv with the reason',
    );
  });

  test('every difference listed in differences.tsv still exists', () => {
    const actual = new Set(comparison.differences.map(differenceKey));
    const stale = listed.rows.filter((row) => !actual.has(differenceKey(row)));
    assert.deepEqual(
      stale.map((row) => `line ${row.line}: ${row.kind}\t${row.operation}\t${row.detail}`),
      [],
      'these differences are gone: delete their rows from docs/api/differences.tsv',
    );
  });
});
