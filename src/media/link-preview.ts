// Link previews for plain text: the first link in a message is fetched (through the same address
// guard as file.url, so a message cannot make zapd probe the private network), its title,
// description and image read from the page's Open Graph / HTML tags, and the image shrunk to the
// small JPEG WhatsApp shows beside the link. A page that cannot be read gives no preview, never an
// error: the text is still sent, as WhatsApp's own clients do.
import { Jimp } from 'jimp';
import type { OutgoingFile } from '../engine/types.ts';
import { fetchFile } from './fetch-file.ts';

export interface LinkPreview {
  /** The link as written in the text, which WhatsApp underlines. */
  matchedText: string;
  url: string;
  title: string;
  description?: string;
  image?: OutgoingFile;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+/i;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 5_000;
/** WhatsApp's inline preview thumbnail width, as its clients send it. */
const THUMBNAIL_WIDTH = 192;

export function firstLink(text: string): string | undefined {
  const match = URL_IN_TEXT.exec(text)?.[0];
  return match?.replace(TRAILING_PUNCTUATION, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&([a-z]+);/gi, (entity, name: string) => ENTITIES[name.toLowerCase()] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Attributes of every `<meta>` tag, whatever their order or quoting. */
function metaTags(html: string): Array<Record<string, string>> {
  const tags: Array<Record<string, string>> = [];
  for (const tag of html.matchAll(/<meta\b([^>]*)>/gi)) {
    const attributes: Record<string, string> = {};
    for (const attribute of (tag[1] ?? '').matchAll(/([a-z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
      attributes[(attribute[1] ?? '').toLowerCase()] = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
    }
    tags.push(attributes);
  }
  return tags;
}

export interface PageSummary {
  title?: string;
  description?: string;
  imageUrl?: string;
}

export function summarizePage(html: string): PageSummary {
  const meta = new Map<string, string>();
  for (const tag of metaTags(html)) {
    const name = (tag.property ?? tag.name ?? '').toLowerCase();
    if (name && tag.content !== undefined && !meta.has(name)) meta.set(name, decodeEntities(tag.content));
  }
  const titleTag = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const title = meta.get('og:title') || meta.get('twitter:title') || (titleTag ? decodeEntities(titleTag) : undefined);
  const description = meta.get('og:description') || meta.get('twitter:description') || meta.get('description');
  const imageUrl = meta.get('og:image') || meta.get('og:image:url') || meta.get('twitter:image');
  return { ...(title ? { title } : {}), ...(description ? { description } : {}), ...(imageUrl ? { imageUrl } : {}) };
}

async function thumbnail(imageUrl: string, allowPrivate: boolean): Promise<OutgoingFile | undefined> {
  try {
    const fetched = await fetchFile(imageUrl, { allowPrivate, maxBytes: MAX_IMAGE_BYTES, timeoutMs: TIMEOUT_MS });
    const image = await Jimp.read(fetched.data);
    if (image.width > THUMBNAIL_WIDTH) image.resize({ w: THUMBNAIL_WIDTH });
    return { data: await image.getBuffer('image/jpeg', { quality: 70 }), mimetype: 'image/jpeg' };
  } catch {
    return undefined;
  }
}

export async function generateLinkPreview(text: string, options: { allowPrivate: boolean }): Promise<LinkPreview | undefined> {
  const matchedText = firstLink(text);
  if (!matchedText) return undefined;
  const url = /^https?:\/\//i.test(matchedText) ? matchedText : `https://${matchedText}`;
  try {
    const page = await fetchFile(url, { allowPrivate: options.allowPrivate, maxBytes: MAX_PAGE_BYTES, timeoutMs: TIMEOUT_MS });
    if (page.mimetype && !/html|xml/.test(page.mimetype)) return undefined;
    const summary = summarizePage(page.data.toString('utf8'));
    if (!summary.title) return undefined;
    const image = summary.imageUrl ? await thumbnail(new URL(summary.imageUrl, url).toString(), options.allowPrivate) : undefined;
    return { matchedText, url, title: summary.title, ...(summary.description ? { description: summary.description } : {}), ...(image ? { image } : {}) };
  } catch {
    return undefined;
  }
}
