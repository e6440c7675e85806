// Link previews for plain text: the first link in a message is fetched (through the same address
// guard as file.url, so a message cannot make zapd probe the private network), its title,
// description and image read from the page's Open Graph / HTML tags, and the image shrunk to the
// small JPEG WhatsApp shows beside the link. A page that cannot be read gives no preview, never an
// error: the text is still sent, as WhatsApp's own clients do.
import type { OutgoingFile } from '../engine/types.ts';
import { fetchFile, withOpenedUrl, type ConnectionPolicy, type FetchPolicy } from './fetch-file.ts';
import { PageSummarizer, type PageSummary } from './page-summary.ts';
import { imageSize } from './image-size.ts';
import { shrinkToThumbnail } from './thumbnail.ts';

export { summarizePage } from './page-summary.ts';

export interface LinkPreview {
  /** The link as written in the text, which WhatsApp underlines. */
  matchedText: string;
  url: string;
  title: string;
  description?: string;
  image?: OutgoingFile;
  /** The page's image as fetched (JPEG or PNG), for a high-quality preview. */
  fullImage?: OutgoingFile;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+/i;
const TRAILING_PUNCTUATION = new Set('.,;:!?)]}\'"');
/** Titles and Open Graph tags live in the head, which is far smaller than this on real pages. */
const MAX_HEAD_BYTES = 512 * 1024;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const PREVIEW_DEADLINE_MS = 5_000;
/** WhatsApp's inline preview thumbnail width, as its clients send it. */
const THUMBNAIL_WIDTH = 192;

export function firstLink(text: string): string | undefined {
  const match = URL_IN_TEXT.exec(text)?.[0];
  if (match === undefined) return undefined;
  // A loop, not /[.,…]+$/: that regex retries from every punctuation mark and is quadratic on a
  // message like "http://a" followed by a million dots and a letter.
  let end = match.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(match[end - 1] ?? '')) end--;
  return match.slice(0, end);
}

/** Reads the page's head only: at most MAX_HEAD_BYTES, and no further than </head> or <body>. */
async function readPageHead(url: string, policy: ConnectionPolicy, signal: AbortSignal): Promise<{ url: URL; summary: PageSummary } | undefined> {
  // No size cap on the page itself: a big page is normal, and only its first MAX_HEAD_BYTES are read.
  const limits: FetchPolicy = { ...policy, totalTimeoutMs: PREVIEW_DEADLINE_MS, maxBytes: Number.MAX_SAFE_INTEGER };
  const options = { label: 'link preview', signal, headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' } };
  return withOpenedUrl(url, limits, options, async (response) => {
    if (response.mimetype && !/html|xml/.test(response.mimetype)) return undefined;
    const decoder = textDecoder(response.charset);
    const summarizer = new PageSummarizer();
    let bytesRead = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, MAX_HEAD_BYTES - bytesRead);
      bytesRead += part.length;
      summarizer.write(decoder.decode(part, { stream: true }));
      if (summarizer.done || bytesRead >= MAX_HEAD_BYTES) break;
    }
    return { url: response.url, summary: summarizer.summary() };
  });
}

function textDecoder(charset: string | undefined): TextDecoder {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8'); // an unknown label: most of the web is UTF-8
  }
}

async function previewImages(imageUrl: string, policy: ConnectionPolicy, signal: AbortSignal, highQuality: boolean): Promise<{ image?: OutgoingFile; fullImage?: OutgoingFile }> {
  try {
    const limits: FetchPolicy = { ...policy, totalTimeoutMs: PREVIEW_DEADLINE_MS, maxBytes: MAX_IMAGE_BYTES };
    const fetched = await fetchFile(imageUrl, limits, { label: 'link preview image', signal });
    return await previewImagesOf({ data: fetched.data, mimetype: fetched.mimetype ?? 'image/jpeg' }, highQuality, signal);
  } catch {
    return {};
  }
}

/**
 * A preview's pictures from one image: the 192 px thumbnail shown inline and, for WAHA's
 * linkPreviewHighQuality, the image itself to upload whole. Throws ThumbnailError when it is no image.
 */
export async function previewImagesOf(source: OutgoingFile, highQuality: boolean, signal?: AbortSignal): Promise<{ image: OutgoingFile; fullImage?: OutgoingFile }> {
  const image = await shrinkToThumbnail(source.data, THUMBNAIL_WIDTH, signal);
  // The thumbnail decoded it, so it is an image WhatsApp can show.
  return { image, ...(highQuality && imageSize(source.data) ? { fullImage: { data: source.data, mimetype: source.mimetype, filename: 'preview' } } : {}) };
}

/**
 * The preview for the first link in `text`, or undefined when there is none or its page gives none.
 * Everything together (page, redirects, image) gets PREVIEW_DEADLINE_MS: sendText waits for this.
 */
export async function generateLinkPreview(text: string, policy: ConnectionPolicy, options: { highQuality?: boolean } = {}): Promise<LinkPreview | undefined> {
  const matchedText = firstLink(text);
  if (!matchedText) return undefined;
  const url = /^https?:\/\//i.test(matchedText) ? matchedText : `https://${matchedText}`;
  const signal = AbortSignal.timeout(PREVIEW_DEADLINE_MS);
  try {
    const page = await readPageHead(url, policy, signal);
    if (!page?.summary.title) return undefined;
    const { title, description, imageUrl } = page.summary;
    const images = imageUrl ? await previewImages(new URL(imageUrl, page.url).toString(), policy, signal, options.highQuality === true) : {};
    return { matchedText, url, title, ...(description ? { description } : {}), ...images };
  } catch {
    return undefined;
  }
}
