// Restoring more sessions than the restore slots (16): every one comes back WORKING, and none is
// reported STOPPED while it waits for its slot.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const COUNT = 20;

describe('restore at boot', () => {
  let sandbox: Sandbox;
  const names = Array.from({ length: COUNT }, (_, index) => `r${index}`);

  before(async () => {
    sandbox = await startSandbox();
    for (const [index, name] of names.entries()) await sandbox.linkSession(name, `155500095${String(index).padStart(2, '0')}`);
    await sandbox.zapd.api('POST', `/api/sessions/${names[0]}/stop`);
  });
  after(async () => {
    await sandbox.close();
  });

  test(`${COUNT} sessions come back WORKING; queued ones show STARTING, a stopped one stays STOPPED`, async () => {
    await sandbox.zapd.stopServer();
    await sandbox.zapd.restartServer();
    const seen = new Map<string, Set<string>>();
    await waitFor(`the ${COUNT - 1} enabled sessions to be WORKING`, async () => {
      const listed = (await sandbox.zapd.api<Array<{ name: string; status: string }>>('GET', '/api/sessions?all=true')).body;
      for (const session of listed) seen.set(session.name, (seen.get(session.name) ?? new Set()).add(session.status));
      return listed.filter((session) => session.status === 'WORKING').length === COUNT - 1;
    }, 60_000);
    assert.deepEqual([...(seen.get(names[0] ?? '') ?? [])], ['STOPPED']);
    for (const name of names.slice(1)) assert.ok(!seen.get(name)?.has('STOPPED'), `${name} was reported STOPPED while waiting: ${[...(seen.get(name) ?? [])]}`);
  });
});
