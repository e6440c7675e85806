// WhatsApp tells an account's contacts when it links or unlinks a device: a `devices` notification
// with the device added or removed. Clients cache each contact's device list (Baileys for minutes,
// across reconnects), so without it a contact keeps encrypting for the removed device and never for
// the new one: its messages stop reaching the account's new device.
//
// The simulator has no address books: every other account with a linked device hears it (online at
// once, offline at its next login, as WhatsApp would queue it).
import { randomBytes } from 'node:crypto';
import { lidJid, pnJid } from './addressing.ts';
import type { Network } from './network.ts';
import type { AccountRecord } from './state.ts';

export function announceDeviceChange(network: Network, account: AccountRecord, change: 'add' | 'remove', deviceIds: number[]): void {
  if (deviceIds.length === 0) return;
  // Both names of each device: clients cache device lists per user, by phone number and by LID.
  const devices = deviceIds.flatMap((device) => [
    { tag: 'device', attrs: { jid: pnJid(account, device) } },
    { tag: 'device', attrs: { jid: lidJid(account, device) } },
  ]);
  const deviceHash = randomBytes(4).toString('hex');
  for (const contact of Object.values(network.state.data.accounts)) {
    if (contact.phone === account.phone) continue;
    for (const device of network.linkedDevices(contact)) {
      network.deliver(contact, device.id, {
        tag: 'notification',
        attrs: { from: pnJid(account), type: 'devices', id: randomBytes(8).toString('hex').toUpperCase(), t: String(Math.floor(Date.now() / 1000)) },
        content: [{ tag: change, attrs: { device_hash: deviceHash }, content: devices }],
      });
    }
  }
}
