// Downloads what a client referenced by URL (file.url, link previews). Three things an attacker controls
// are bounded here:
// - where: the address check runs inside the socket's DNS lookup, so the address checked is the one
//   connected to (no DNS rebinding between check and connect), and every redirect hop is checked again;
// - how long: one deadline covers every hop's headers and body together, so a server trickling a byte
//   now and then cannot hold the request (and the API call waiting on it) open;
// - how much: the body is capped, refused up front when Content-Length already says it is too big.
// Through a session's proxy the same address check runs here, on zapd's own resolution of the name,
// and the proxy is asked to connect to the checked address, not to the name (see docs/media-fetching.md).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError, badRequest, contentTooLarge, unprocessable } from '../errors.ts';
import { proxyAgent } from '../proxy/agents.ts';
import type { ProxySettings } from '../proxy/settings.ts';
import { mayConnect, type AddressPolicy } from './address-guard.ts';
import { filenameFrom } from './filename.ts';

export interface FetchedFile {
  data: Buffer;
  mimetype: string | undefined;
  filename: string | undefined;
}

/** Where a fetch may connect, and the session's proxy it connects through (direct when absent). */
export interface ConnectionPolicy extends AddressPolicy {
  proxy?: ProxySettings;
}

export interface FetchPolicy extends ConnectionPolicy {
  /** Headers and body of all hops together must arrive within this. */
  totalTimeoutMs: number;
  maxBytes: number;
}

export interface FetchOptions {
  /** How errors name the URL, e.g. "file.url". */
  label?: string;
  maxRedirects?: number;
  headers?: Record<string, string>;
  /** Ends the fetch early, e.g. when a larger task's own deadline passes. */
  signal?: AbortSignal;
}

/** A response whose headers arrived; its body is still to be read (or destroyed) by the caller. */
export interface OpenedResponse {
  url: URL;
  body: IncomingMessage;
  mimetype: string | undefined;
  charset: string | undefined;
  filename: string | undefined;
}

const DEFAULT_MAX_REDIRECTS = 5;

class RefusedAddressError extends Error {}

function guardedLookup(hostname: string, policy: AddressPolicy): LookupFunction {
  return (host, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => mayConnect(hostname, entry.address, policy));
      if (allowed.length === 0) {
        return callback(new RefusedAddressError(`${hostname} resolves to a private, reserved or local address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** The first address of `hostname` the guard allows, for the proxy to connect to instead of the name. */
async function guardedAddress(hostname: string, policy: AddressPolicy): Promise<string> {
  const addresses = await dnsLookupAll(hostname.replace(/^\[|\]$/g, ''), { all: true });
  const allowed = addresses.find((entry) => mayConnect(hostname, entry.address, policy));
  if (!allowed) throw new RefusedAddressError(`${hostname} resolves to a private, reserved or local address`);
  return allowed.address;
}

function connectionOptions(url: URL, policy: FetchPolicy): Pick<http.RequestOptions, 'agent' | 'lookup'> {
  // A fresh agent per request, never a pooled socket: every connection passes the check under its own policy.
  if (policy.proxy) return { agent: proxyAgent(policy.proxy, { pinAddress: () => guardedAddress(url.hostname, policy) }) };
  return { lookup: guardedLookup(url.hostname, policy), agent: false };
}

function requestOnce(url: URL, policy: FetchPolicy, options: FetchOptions, signal: AbortSignal, label: string): Promise<IncomingMessage | { redirect: URL }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest(`${label} must be http or https, not ${url.protocol}`);
  // A literal IP never goes through DNS, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !mayConnect(url.hostname, literal, policy)) {
    throw badRequest(`${label} points at a private, reserved or local address (${url.hostname}); refused`);
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { ...connectionOptions(url, policy), signal, headers: options.headers ?? {} }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.destroy();
        try {
          resolve({ redirect: new URL(response.headers.location, url) });
        } catch {
          reject(badRequest(`${label} redirected to an invalid URL`));
        }
        return;
      }
      if (status < 200 || status >= 300) {
        response.destroy();
        reject(badRequest(`fetching ${label} failed: HTTP ${status}`));
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        response.destroy();
        reject(tooLarge(label, policy));
        return;
      }
      resolve(response);
    });
    // Stays attached after the response: a later socket error must not become an uncaught 'error' event.
    request.on('error', reject);
  });
}

const tooLarge = (label: string, policy: FetchPolicy): AppError => contentTooLarge(`${label} is larger than ${policy.maxBytes} bytes`);

/** Turns whatever a fetch failed with into a 4xx: the deadline, a refused address, a network error. */
function fetchFailure(error: unknown, signal: AbortSignal, label: string, policy: FetchPolicy): AppError {
  if (error instanceof AppError) return error;
  if (signal.aborted) return unprocessable(`${label} did not finish downloading within ${policy.totalTimeoutMs / 1000} s`);
  if (error instanceof RefusedAddressError) return badRequest(`${label} refused: ${error.message}`);
  return badRequest(`fetching ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
}

function deadlineSignal(policy: FetchPolicy, options: FetchOptions): AbortSignal {
  const deadline = AbortSignal.timeout(policy.totalTimeoutMs);
  return options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
}

async function open(rawUrl: string, policy: FetchPolicy, options: FetchOptions, signal: AbortSignal, label: string): Promise<OpenedResponse> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw badRequest(`${label} is not a valid URL`);
  }
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const result = await requestOnce(url, policy, options, signal, label);
    if ('redirect' in result) {
      url = result.redirect;
      continue;
    }
    const contentType = result.headers['content-type'];
    return {
      url,
      body: result,
      mimetype: contentType?.split(';')[0]?.trim().toLowerCase() || undefined,
      charset: /;\s*charset="?([\w-]+)/i.exec(contentType ?? '')?.[1],
      filename: filenameFrom(result.headers['content-disposition'], url),
    };
  }
  throw badRequest(`${label} redirected more than ${maxRedirects} times`);
}

/**
 * Opens a URL and hands its still unread body to `consume`, all under one deadline. `consume` may stop
 * early; the connection is closed when it returns either way.
 */
export async function withOpenedUrl<T>(rawUrl: string, policy: FetchPolicy, options: FetchOptions, consume: (response: OpenedResponse, signal: AbortSignal) => Promise<T>): Promise<T> {
  const label = options.label ?? 'the URL';
  const signal = deadlineSignal(policy, options);
  let response: OpenedResponse | undefined;
  try {
    response = await open(rawUrl, policy, options, signal, label);
    return await consume(response, signal);
  } catch (error) {
    throw fetchFailure(error, signal, label, policy);
  } finally {
    response?.body.destroy();
  }
}

export async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number, onTooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw onTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchFile(rawUrl: string, policy: FetchPolicy, options: FetchOptions = {}): Promise<FetchedFile> {
  const label = options.label ?? 'file.url';
  return withOpenedUrl(rawUrl, policy, { ...options, label }, async (response) => ({
    data: await readCapped(response.body, policy.maxBytes, () => tooLarge(label, policy)),
    mimetype: response.mimetype,
    filename: response.filename,
  }));
}
