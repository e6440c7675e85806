// One table of file extensions and mimetypes, for guessing what a sent file is, naming stored
// media, and serving them back. For each mimetype, its first extension here is the one we write.
const MIMETYPES_BY_EXTENSION: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  oga: 'audio/ogg; codecs=opus',
  ogg: 'audio/ogg; codecs=opus',
  opus: 'audio/ogg; codecs=opus',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const bare = (mimetype: string) => mimetype.split(';')[0]?.trim().toLowerCase() ?? '';

const EXTENSION_BY_MIMETYPE = new Map<string, string>();
for (const [extension, mimetype] of Object.entries(MIMETYPES_BY_EXTENSION)) {
  if (!EXTENSION_BY_MIMETYPE.has(bare(mimetype))) EXTENSION_BY_MIMETYPE.set(bare(mimetype), extension);
}

function extensionOf(filename: string | null | undefined): string | undefined {
  const extension = filename?.includes('.') ? filename.split('.').pop()?.toLowerCase() : undefined;
  return extension && /^[a-z0-9]{1,8}$/.test(extension) ? extension : undefined;
}

/** The mimetype a file name suggests (with WhatsApp's codec parameter for voice), if known. */
export function mimetypeForFile(filename: string | null | undefined): string | undefined {
  const extension = extensionOf(filename);
  return extension ? MIMETYPES_BY_EXTENSION[extension] : undefined;
}

/** The extension to store a file under: the file's own, else the mimetype's, else `bin`. */
export function extensionFor(mimetype: string | null | undefined, filename?: string | null): string {
  return extensionOf(filename) ?? EXTENSION_BY_MIMETYPE.get(bare(mimetype ?? '')) ?? 'bin';
}

/** The Content-Type to serve a stored file with. */
export function contentTypeFor(filename: string): string {
  const mimetype = mimetypeForFile(filename);
  return mimetype ? bare(mimetype) : 'application/octet-stream';
}
