// `zapd key`: the admin key zapd generated in its data dir, or with --rotate a new one in its place.
import { loadConfig } from '../config.ts';
import { readSavedApiKey, saveNewApiKey } from '../runtime/api-key-file.ts';

export interface KeyCommandResult {
  /** What goes to stdout: the key alone, so `$(zapd key)` works in a script. */
  stdout: string;
  /** Notes for the person at the terminal. */
  stderr: string;
  exitCode: number;
}

export function keyCommand(env: Record<string, string | undefined>, rotate: boolean): KeyCommandResult {
  const config = loadConfig(env);
  const notes: string[] = [];
  // Said on both paths: with a configured key the file is not what the server checks.
  if (config.apiKey) notes.push('Note: ZAPD_API_KEY (or WAHA_API_KEY) is set, and zapd uses that key, not the one in the data dir.');
  if (rotate) {
    const saved = saveNewApiKey(config.dataDir);
    notes.push(`Saved a new key to ${saved.file} (mode 0600). A running zapd keeps the old key until it restarts.`);
    return { stdout: `${saved.key}\n`, stderr: notes.map((note) => `${note}\n`).join(''), exitCode: 0 };
  }
  const key = readSavedApiKey(config.dataDir);
  if (!key) {
    notes.push(`No generated key in ${config.dataDir}: zapd makes one at its first start without ZAPD_API_KEY, or run \`zapd key --rotate\`.`);
    return { stdout: '', stderr: notes.map((note) => `${note}\n`).join(''), exitCode: 1 };
  }
  return { stdout: `${key}\n`, stderr: notes.map((note) => `${note}\n`).join(''), exitCode: 0 };
}
