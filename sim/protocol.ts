// Small vocabulary shared by every stanza handler: reading children and payloads out of decoded
// binary nodes, building iq replies, and the error a handler throws to answer a query with
// <error code text/> instead of crashing.
import { getBinaryNodeChild, getBinaryNodeChildren } from 'baileys';
import type { BinaryNode } from 'baileys';

export const SERVER = 's.whatsapp.net';

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** A query the network refuses; the dispatcher turns it into an iq error reply. */
export class StanzaError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

export const badRequest = (why = 'bad-request') => new StanzaError(400, why);
export const notFound = (why = 'item-not-found') => new StanzaError(404, why);
export const notImplemented = () => new StanzaError(501, 'feature-not-implemented');

export function child(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return getBinaryNodeChild(node, tag);
}

export function children(node: BinaryNode | undefined, tag?: string): BinaryNode[] {
  if (!node || !Array.isArray(node.content)) return [];
  return tag === undefined ? node.content : getBinaryNodeChildren(node, tag);
}

export function firstChild(node: BinaryNode): BinaryNode | undefined {
  return Array.isArray(node.content) ? node.content[0] : undefined;
}

/** The node's payload as bytes; text payloads (the decoder yields strings for some) as UTF-8. */
export function bytesOf(node: BinaryNode | undefined): Buffer | undefined {
  const content = node?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return undefined;
}

export function textOf(node: BinaryNode | undefined): string | undefined {
  return bytesOf(node)?.toString('utf8');
}

export function requireBytes(node: BinaryNode | undefined, tag: string, length?: number): Buffer {
  const value = bytesOf(child(node, tag));
  if (!value || (length !== undefined && value.length !== length)) throw badRequest(`missing or malformed <${tag}>`);
  return value;
}

export function uintOf(bytes: Buffer): number {
  return bytes.length === 0 || bytes.length > 6 ? Number.NaN : bytes.readUIntBE(0, bytes.length);
}

export function bigEndian(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
}

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { from: SERVER, type: 'result', id: request.attrs.id ?? '' }, content };
}

/** Error reply shaped like WhatsApp's: the same tag as the request, with an <error> child. */
export function errorReply(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: request.tag,
    attrs: { from: SERVER, type: 'error', id: request.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}
