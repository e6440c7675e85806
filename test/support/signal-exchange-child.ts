// Run as a child process by test/console-guard.e2e.test.ts: a real Signal session exchange through
// the simulator (zapd and a virtual contact message each other, which makes libsignal open and close
// sessions and print them). The key material libsignal held in those records is written to the file
// named by SIGNAL_KEYS_FILE, so the parent can look for it in this process's stdout and stderr.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startSandbox } from './zapd.ts';
import { waitFor } from './wait.ts';
import { routedConsoleCalls } from '../../src/runtime/console-guard.ts';

interface KeyPair {
  pubKey?: Uint8Array;
  privKey?: Uint8Array;
}
interface SessionEntry {
  currentRatchet?: { ephemeralKeyPair?: KeyPair; rootKey?: Uint8Array };
  indexInfo?: { baseKey?: Uint8Array };
  _chains?: Record<string, { chainKey?: { key?: Uint8Array } }>;
}
type SessionMethod = (this: unknown, session: SessionEntry) => unknown;

// A probe, not a mock: it notes the keys of each session libsignal opens or closes, then lets the
// real method run (and print).
const require = createRequire(import.meta.url);
const { SessionRecord } = require('libsignal') as { SessionRecord: { prototype: Record<string, SessionMethod> } };
const secrets = new Set<string>();
const note = (bytes: Uint8Array | undefined) => {
  if (bytes && bytes.byteLength >= 16) secrets.add(Buffer.from(bytes).toString('hex'));
};
for (const name of ['openSession', 'closeSession']) {
  const original = SessionRecord.prototype[name];
  if (!original) throw new Error(`libsignal's SessionRecord has no ${name}`);
  SessionRecord.prototype[name] = function (this: unknown, session: SessionEntry) {
    note(session.currentRatchet?.ephemeralKeyPair?.privKey);
    note(session.currentRatchet?.rootKey);
    for (const chain of Object.values(session._chains ?? {})) note(chain.chainKey?.key);
    return original.call(this, session);
  };
}

const sandbox = await startSandbox('sqlite');
try {
  await sandbox.linkSession('main', '15550006000');
  for (const phone of ['15550006001', '15550006002']) {
    await sandbox.admin('POST', '/accounts', { phone, pushName: `Contact ${phone}` });
    const sent = await sandbox.zapd.api('POST', '/api/sendText', { session: 'main', chatId: `${phone}@c.us`, text: 'hello' });
    if (sent.status !== 201) throw new Error(`sendText: ${sent.status} ${JSON.stringify(sent.body)}`);
    await sandbox.admin('POST', `/accounts/${phone}/send`, { to: '15550006000@c.us', text: 'hi back' });
    await waitFor(`the reply from ${phone}`, async () => {
      const stored = await sandbox.zapd.api<unknown[]>('GET', `/api/main/chats/${phone}@c.us/messages?limit=10`);
      return stored.body.length >= 2;
    });
  }
  await waitFor('libsignal to have opened or closed a session', () => secrets.size > 0);
} finally {
  await sandbox.close();
}
writeFileSync(process.env.SIGNAL_KEYS_FILE ?? '', JSON.stringify({ secrets: [...secrets], routed: routedConsoleCalls() }));
process.exit(0);
