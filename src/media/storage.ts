// Media of incoming messages, downloaded once and kept under the data dir, served at /api/files.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { extensionFor } from './mimetypes.ts';

/** Session and file names become path segments; anything outside this set could escape the directory. */
const SAFE = /^[A-Za-z0-9@._-]{1,200}$/;

export class MediaStorage {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'media');
  }

  async save(session: string, messageId: string, data: Buffer, mimetype: string | null, filename?: string | null): Promise<string> {
    const file = `${messageId.replace(/[^A-Za-z0-9@._-]/g, '_')}.${extensionFor(mimetype, filename)}`;
    const directory = join(this.root, session);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, file), data);
    return file;
  }

  /** The file's bytes, or undefined when it does not exist or the name is not a plain file name. */
  async read(session: string, file: string): Promise<Buffer | undefined> {
    if (!SAFE.test(session) || !SAFE.test(file) || file.startsWith('.')) return undefined;
    const path = join(this.root, session, file);
    try {
      if (!(await stat(path)).isFile()) return undefined;
      return await readFile(path);
    } catch {
      return undefined;
    }
  }

  async delete(session: string, file: string): Promise<boolean> {
    if (!SAFE.test(session) || !SAFE.test(file) || file.startsWith('.')) return false;
    try {
      await rm(join(this.root, session, file));
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes files older than `lifetimeSeconds`; returns how many. */
  async expire(lifetimeSeconds: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const sessions = await readdir(this.root).catch(() => [] as string[]);
    for (const session of sessions) {
      const directory = join(this.root, session);
      for (const file of await readdir(directory).catch(() => [] as string[])) {
        const path = join(directory, file);
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile() && now - info.mtimeMs > lifetimeSeconds * 1000) {
          await rm(path, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  async deleteSession(session: string): Promise<void> {
    if (SAFE.test(session)) await rm(join(this.root, session), { recursive: true, force: true });
  }
}
