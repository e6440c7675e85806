// The simulator's memory: accounts and the stanzas waiting for each device. Kept in memory;
// with a state file it is saved as one JSON snapshot (debounced, written atomically) and loaded
// back at start, so accounts, keys, queued messages and app state survive a restart.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BufferJSON } from 'baileys';
import type { BinaryNode } from 'baileys';
import { createAccount } from './accounts.ts';
import type { AccountRecord } from './accounts.ts';

/** A stanza kept until the device acknowledges it, so nothing is lost to a dropped socket. */
export interface QueuedStanza {
  tag: string;
  id: string;
  node: BinaryNode;
}

export interface SimulatorData {
  format: 1;
  seed: string | null;
  accounts: Record<string, AccountRecord>;
  /** "phone:device" → stanzas not yet acknowledged by that device. */
  queues: Record<string, QueuedStanza[]>;
  nextLid: number;
  nextPhone: number;
}

function emptyData(seed: string | null): SimulatorData {
  return { format: 1, seed, accounts: {}, queues: {}, nextLid: 100000000000001, nextPhone: 15550000001 };
}

function isSimulatorData(value: unknown): value is SimulatorData {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record.format === 1 && typeof record.accounts === 'object' && typeof record.queues === 'object';
}

export class SimulatorStore {
  data: SimulatorData;
  private readonly byLid = new Map<string, string>();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly file?: string) {
    this.data = emptyData(null);
    if (file && existsSync(file)) {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'), BufferJSON.reviver);
      if (!isSimulatorData(parsed)) throw new Error(`${file} is not a simulator state file`);
      this.data = parsed;
    }
    for (const account of Object.values(this.data.accounts)) this.byLid.set(account.lid, account.phone);
  }

  get accountCount(): number {
    return Object.keys(this.data.accounts).length;
  }

  account(phone: string): AccountRecord | undefined {
    return this.data.accounts[phone];
  }

  accountByLid(lid: string): AccountRecord | undefined {
    const phone = this.byLid.get(lid);
    return phone === undefined ? undefined : this.data.accounts[phone];
  }

  /** A fresh number in the 1555000xxxx range that no account uses yet. */
  freePhone(): string {
    while (this.data.accounts[String(this.data.nextPhone)]) this.data.nextPhone++;
    return String(this.data.nextPhone++);
  }

  ensureAccount(phone: string): AccountRecord {
    const existing = this.data.accounts[phone];
    if (existing) return existing;
    const account = createAccount(phone, String(this.data.nextLid++));
    this.data.accounts[phone] = account;
    this.byLid.set(account.lid, phone);
    this.changed();
    return account;
  }

  queue(address: string): QueuedStanza[] {
    return this.data.queues[address] ?? [];
  }

  enqueue(address: string, entry: QueuedStanza): void {
    (this.data.queues[address] ??= []).push(entry);
    this.changed();
  }

  /** Drops the first queued stanza matching tag and id; true when one was waiting. */
  acknowledge(address: string, tag: string, id: string): boolean {
    const queue = this.data.queues[address];
    if (!queue) return false;
    const index = queue.findIndex((entry) => entry.tag === tag && entry.id === id);
    if (index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) delete this.data.queues[address];
    this.changed();
    return true;
  }

  dropQueue(address: string): void {
    if (this.data.queues[address]) {
      delete this.data.queues[address];
      this.changed();
    }
  }

  /** Debounced save; the file is replaced atomically so a crash never leaves half a snapshot. */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 100);
  }

  saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, BufferJSON.replacer));
    renameSync(temporary, this.file);
  }
}
