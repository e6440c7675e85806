// WhatsApp names a device in two ways: by phone number (`15550001111:2@s.whatsapp.net`) and by LID
// (`100000000000001:2@lid`); Baileys mixes them. The simulator resolves both to one account device.
import { jidDecode } from 'baileys';
import type { AccountRecord, SimulatorState } from './state.ts';

export interface DeviceTarget {
  account: AccountRecord;
  /** Undefined when the jid names the user, not one device. */
  device: number | undefined;
  viaLid: boolean;
}

export function resolveJid(state: SimulatorState, jid: string | undefined): DeviceTarget | undefined {
  if (!jid) return undefined;
  const decoded = jidDecode(jid);
  if (!decoded?.user) return undefined;
  if (decoded.server === 's.whatsapp.net' || decoded.server === 'c.us') {
    const account = state.account(decoded.user);
    return account ? { account, device: decoded.device, viaLid: false } : undefined;
  }
  if (decoded.server === 'lid') {
    const account = state.accountByLid(decoded.user);
    return account ? { account, device: decoded.device, viaLid: true } : undefined;
  }
  return undefined;
}

export function pnJid(account: AccountRecord, device?: number): string {
  return device ? `${account.phone}:${device}@s.whatsapp.net` : `${account.phone}@s.whatsapp.net`;
}

export function lidJid(account: AccountRecord, device?: number): string {
  return device ? `${account.lid}:${device}@lid` : `${account.lid}@lid`;
}

export function deviceAddress(phone: string, device: number): string {
  return `${phone}:${device}`;
}
