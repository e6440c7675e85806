// The admin key zapd generates when none is configured, kept in the data dir so it survives restarts.
// The server (http/plugins/auth.ts) and `zapd key` share this one definition of where and how.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function apiKeyFile(dataDir: string): string {
  return join(dataDir, 'api-key');
}

/** The key saved in `dataDir`, or undefined when none was generated there yet. */
export function readSavedApiKey(dataDir: string): string | undefined {
  const file = apiKeyFile(dataDir);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

/**
 * A new random key, saved readable by the owner only (0600). It is written to a temporary file and
 * renamed over the old one, so a crash midway leaves the old key or the new one, never half a key.
 */
export function saveNewApiKey(dataDir: string): { key: string; file: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = apiKeyFile(dataDir);
  const key = randomBytes(24).toString('base64url');
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, `${key}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is masked by the umask; chmod makes it exactly 0600.
  chmodSync(staging, 0o600);
  renameSync(staging, file);
  return { key, file };
}
