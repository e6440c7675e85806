// Downloads a file a client referenced by URL. The address check runs inside the socket's DNS lookup,
// so a name that resolves to a private address is refused even if it changes between checks
// (DNS rebinding), and every redirect hop is checked again.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { badRequest } from '../errors.ts';
import { isPrivateAddress } from './address-guard.ts';

export interface FetchedFile {
  data: Buffer;
  mimetype: string | undefined;
  filename: string | undefined;
}

export interface FetchFileOptions {
  allowPrivate: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

class RefusedAddressError extends Error {}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = allowPrivate ? addresses : addresses.filter((entry) => !isPrivateAddress(entry.address));
      if (allowed.length === 0) {
        return callback(new RefusedAddressError(`${hostname} resolves to a private or reserved address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

function filenameFrom(disposition: string | undefined, url: URL): string | undefined {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  if (match?.[1]) return decodeURIComponent(match[1]);
  const last = url.pathname.split('/').pop();
  return last ? decodeURIComponent(last) : undefined;
}

function requestOnce(url: URL, options: Required<FetchFileOptions>): Promise<FetchedFile | { redirect: URL }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest(`file.url must be http or https, not ${url.protocol}`);
  // A literal IP skips DNS, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && (literal === 'localhost' || (/^[\d.]+$|:/.test(literal) && isPrivateAddress(literal)))) {
    throw badRequest(`file.url points at a private or reserved address (${url.hostname}); refused`);
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { lookup: guardedLookup(options.allowPrivate), timeout: options.timeoutMs }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        resolve({ redirect: new URL(response.headers.location, url) });
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        reject(badRequest(`fetching file.url failed: HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy();
          reject(badRequest(`file.url is larger than ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({
          data: Buffer.concat(chunks),
          mimetype: response.headers['content-type']?.split(';')[0]?.trim() || undefined,
          filename: filenameFrom(response.headers['content-disposition'], url),
        }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => {
      reject(error instanceof RefusedAddressError ? badRequest(`file.url refused: ${error.message}`) : badRequest(`fetching file.url failed: ${error.message}`));
    });
  });
}

export async function fetchFile(rawUrl: string, options: FetchFileOptions): Promise<FetchedFile> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw badRequest(`file.url is not a valid URL: ${rawUrl}`);
  }
  const settings: Required<FetchFileOptions> = { maxBytes: DEFAULT_MAX_BYTES, timeoutMs: 30_000, maxRedirects: 5, ...options };
  for (let hop = 0; hop <= settings.maxRedirects; hop++) {
    const result = await requestOnce(url, settings);
    if (!('redirect' in result)) return result;
    url = result.redirect;
  }
  throw badRequest(`file.url redirected more than ${settings.maxRedirects} times`);
}
