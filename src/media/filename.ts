// The name a downloaded file is sent under: Content-Disposition's filename* (RFC 6266/8187) or filename,
// else the URL's last path segment. Both are written by whoever runs the remote server, so decoding never
// throws (a malformed "%E0%A4%A" once threw an uncaught URIError and ended the process): a name that does
// not decode falls back to the next source, and the result is a bare name without paths or controls.

const MAX_FILENAME_CHARS = 255;

/** %XX escapes to bytes; anything else (a stray "%", a bad escape) is kept as its own UTF-8 bytes. */
function percentBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const escape = text.slice(index + 1, index + 3);
    if (text[index] === '%' && /^[0-9a-f]{2}$/i.test(escape)) {
      bytes.push(Number.parseInt(escape, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** Percent-decodes `text` as `charset`; undefined when the bytes are not valid text in it. */
export function percentDecode(text: string, charset = 'utf-8'): string | undefined {
  const bytes = percentBytes(text);
  if (/^(iso-8859-1|latin1)$/i.test(charset)) return bytes.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A bare file name: the part after any slash, no control characters, at most 255 characters. */
export function safeFilename(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, MAX_FILENAME_CHARS);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : undefined;
}

function dispositionParameter(disposition: string, name: string): string | undefined {
  // Parameters are `; name=token` or `; name="quoted \" string"`; read left to right, no backtracking.
  const pattern = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

/** filename* is `charset'language'percent-encoded`. */
function extendedFilename(value: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(value);
  if (!match) return undefined;
  const charset = match[1] || 'utf-8';
  if (!/^(utf-8|iso-8859-1|latin1)$/i.test(charset)) return undefined;
  return percentDecode(match[2] ?? '', charset);
}

export function filenameFrom(disposition: string | undefined, url: URL): string | undefined {
  if (disposition) {
    const extended = dispositionParameter(disposition, 'filename\\*');
    const fromExtended = safeFilename(extended === undefined ? undefined : extendedFilename(extended));
    if (fromExtended) return fromExtended;
    const plain = safeFilename(dispositionParameter(disposition, 'filename'));
    if (plain) return plain;
  }
  const lastSegment = url.pathname.split('/').pop();
  if (!lastSegment) return undefined;
  // A segment that is not valid percent-encoded UTF-8 is sent as written: harmless, and still a name.
  return safeFilename(percentDecode(lastSegment) ?? lastSegment);
}
