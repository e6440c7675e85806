// Media in messages. File URLs need the API key, which an <img src> cannot send, so files are
// fetched with the x-api-key header and shown from blob: URLs (kept per URL while the page lives).
import { element, state } from './core.js';
import { icon } from './icons.js';

const blobs = new Map();

function blobUrl(url) {
  if (!blobs.has(url)) {
    const loading = fetch(url, { headers: { 'x-api-key': state.key } }).then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return URL.createObjectURL(await response.blob());
    });
    // A failed download may succeed later (the file was still being stored): do not cache it.
    loading.catch(() => blobs.delete(url));
    blobs.set(url, loading);
  }
  return blobs.get(url);
}

/** Blob URLs made from files the user just sent, until the server has the message's own URL. */
export const localPreviews = new Map();

function kindOf(mimetype) {
  const type = String(mimetype ?? '').split('/')[0];
  return ['image', 'video', 'audio'].includes(type) ? type : 'document';
}

function fileLabel(media) {
  return media.filename || media.mimetype || 'file';
}

function inline(kind, media, source) {
  if (kind === 'image') {
    const image = element('img', { class: 'preview', alt: media.filename || 'Image' });
    source.then((url) => (image.src = url)).catch(() => image.replaceWith(unavailable(media)));
    return image;
  }
  const player = element(kind, { class: 'preview', controls: true, preload: 'metadata', 'aria-label': fileLabel(media) });
  source.then((url) => (player.src = url)).catch(() => player.replaceWith(unavailable(media)));
  return player;
}

function unavailable(media) {
  return element('span', { class: 'file missing' }, icon('clip'), ` ${fileLabel(media)} (not available)`);
}

/**
 * A download link: the first activation fetches the file with the key, then the link points at
 * the blob and is followed; Enter and clicks behave the same.
 */
function downloadLink(media) {
  const link = element('a', { class: 'file', href: media.url, download: media.filename || 'file' }, icon('document'), element('span', {}, fileLabel(media)));
  link.addEventListener('click', (click) => {
    if (link.href.startsWith('blob:')) return;
    click.preventDefault();
    blobUrl(media.url)
      .then((url) => {
        link.href = url;
        link.click();
      })
      .catch(() => link.replaceWith(unavailable(media)));
  });
  return link;
}

/** What a message shows for its media, or nothing when it has none. */
export function mediaView(message) {
  if (!message.hasMedia && !message.media) return undefined;
  const media = message.media ?? {};
  const kind = kindOf(media.mimetype);
  const local = localPreviews.get(message.id);
  if (media.url) return kind === 'document' ? downloadLink(media) : inline(kind, media, blobUrl(media.url));
  if (local && kind !== 'document') return inline(kind, media, Promise.resolve(local));
  return element('span', { class: 'file missing' }, icon('clip'), ` ${fileLabel(media)}${media.error ? ` (${media.error.message})` : ''}`);
}
