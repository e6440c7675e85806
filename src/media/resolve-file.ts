// Turns WAHA's `file` object ({url} or base64 {data}, with mimetype/filename) into bytes to send.
import { badRequest } from '../errors.ts';
import type { OutgoingFile } from '../engine/types.ts';
import { fetchFile, type FetchPolicy } from './fetch-file.ts';
import { mimetypeForFile } from './mimetypes.ts';

export interface FileReference {
  url?: string;
  data?: string;
  mimetype?: string;
  filename?: string;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}$/;

function decodeBase64(data: string): Buffer {
  const payload = data.startsWith('data:') ? data.slice(data.indexOf(',') + 1) : data;
  if (!BASE64.test(payload)) throw badRequest('file.data is not valid base64');
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0) throw badRequest('file.data is empty');
  return bytes;
}

function dataUrlMimetype(data: string): string | undefined {
  return /^data:([^;,]+)/.exec(data)?.[1];
}

export interface ResolveFileOptions {
  /** Where file.url may point and how long/large its download may be (see fileUrlPolicy). */
  urlPolicy: FetchPolicy;
  /** Used when neither the request nor the download says what the file is. */
  fallbackMimetype: string;
}

export async function resolveFile(file: FileReference, options: ResolveFileOptions): Promise<OutgoingFile> {
  if (file.data === undefined && file.url === undefined) throw badRequest('file needs either url or data');
  const fetched = file.data !== undefined ? undefined : await fetchFile(file.url ?? '', options.urlPolicy);
  const data = fetched?.data ?? decodeBase64(file.data ?? '');
  const filename = file.filename ?? fetched?.filename;
  const byExtension = mimetypeForFile(filename);
  const mimetype = file.mimetype ?? (file.data ? dataUrlMimetype(file.data) : undefined) ?? fetched?.mimetype ?? byExtension ?? options.fallbackMimetype;
  return { data, mimetype, ...(filename ? { filename } : {}) };
}
