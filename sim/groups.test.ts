import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GroupMetadata, WAMessage } from 'baileys';
import { until } from './testing/until.ts';
import { startSimulator, type RunningSimulator } from './index.ts';
import { SimClient } from './testing/baileys-client.ts';

const textOf = (message: WAMessage | undefined) => message?.message?.conversation ?? message?.message?.extendedTextMessage?.text;

describe('simulator groups', () => {
  let sim: RunningSimulator;
  const clients: SimClient[] = [];
  let group: GroupMetadata;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    for (const phone of ['15550008001', '15550008002', '15550008003']) {
      clients.push(new SimClient({ endpoint: { wsUrl: sim.wsUrl, rootPublicKey: sim.rootPublicKey }, onQr: (qr) => void sim.scan(qr, phone) }));
    }
    await Promise.all(clients.map((client) => client.connect()));
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await sim.stop();
  });

  test('a three-member group is created and every member sees it', async () => {
    const [ann, bea, cal] = clients as [SimClient, SimClient, SimClient];
    const joined: string[] = [];
    bea.socket!.ev.on('groups.upsert', (groups) => joined.push(...groups.map((entry) => entry.id)));
    group = await ann.socket!.groupCreate('Book club', [bea.jid, cal.jid]);
    assert.match(group.id, /@g\.us$/);
    assert.equal(group.participants.length, 3);
    assert.equal(group.participants.find((participant) => participant.id === ann.jid)?.admin, 'superadmin');
    await until('bea to learn about the group', () => joined.includes(group.id));
    const seenByCal = await cal.socket!.groupMetadata(group.id);
    assert.equal(seenByCal.subject, 'Book club');
  });

  test('group messages reach every other member, from anyone', async () => {
    const [ann, bea, cal] = clients as [SimClient, SimClient, SimClient];
    const first = await ann.socket!.sendMessage(group.id, { text: 'first chapter?' });
    for (const member of [bea, cal]) {
      const received = await until('the group message', () => member.received.find((message) => message.key?.id === first?.key.id));
      assert.equal(textOf(received), 'first chapter?');
      assert.equal(received.key?.remoteJid, group.id);
    }
    const reply = await cal.socket!.sendMessage(group.id, { text: 'done already' });
    for (const member of [ann, bea]) {
      assert.equal(textOf(await until('the reply', () => member.received.find((message) => message.key?.id === reply?.key.id))), 'done already');
    }
  });

  test('subject, settings and invite codes', async () => {
    const [ann, bea] = clients as [SimClient, SimClient, SimClient];
    await ann.socket!.groupUpdateSubject(group.id, 'Book club 📚');
    assert.equal((await bea.socket!.groupMetadata(group.id)).subject, 'Book club 📚');
    await ann.socket!.groupSettingUpdate(group.id, 'announcement');
    assert.equal((await bea.socket!.groupMetadata(group.id)).announce, true);
    await ann.socket!.groupSettingUpdate(group.id, 'not_announcement');
    const code = await ann.socket!.groupInviteCode(group.id);
    assert.ok(code);
    const revoked = await ann.socket!.groupRevokeInvite(group.id);
    assert.notEqual(revoked, code);
    await assert.rejects(bea.socket!.groupInviteCode(group.id), 'only admins see the invite code');
  });

  test('a removed participant stops receiving the group', async () => {
    const [ann, bea, cal] = clients as [SimClient, SimClient, SimClient];
    const removals: string[] = [];
    cal.socket!.ev.on('group-participants.update', ({ action, participants }) => {
      if (action === 'remove') removals.push(...participants.map((participant) => (typeof participant === 'string' ? participant : participant.id)));
    });
    const result = await ann.socket!.groupParticipantsUpdate(group.id, [cal.jid], 'remove');
    assert.equal(result[0]?.status, '200');
    await until('cal to be told', () => removals.includes(cal.jid));
    const after = await ann.socket!.sendMessage(group.id, { text: 'without cal' });
    assert.equal(textOf(await until('bea gets it', () => bea.received.find((message) => message.key?.id === after?.key.id))), 'without cal');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(cal.received.find((message) => message.key?.id === after?.key.id), undefined);
    assert.equal((await ann.socket!.groupMetadata(group.id)).participants.length, 2);
  });
});
