// The folder that holds zapd's package.json. From source this module sits at src/runtime/, from the
// compiled build at dist/src/runtime/: a fixed '../..' would be right in one mode and wrong in the
// other, so the root is found by walking up to the first package.json named "zapd".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  root: string;
  version: string;
}

let found: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'zapd') {
        found = { root: dir, version: parsed.version ?? '0.0.0' };
        return found;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("zapd's package.json was not found above its own code");
    dir = parent;
  }
}
