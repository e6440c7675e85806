// How chats and messages read on screen: names, avatars, times and delivery ticks.
import { element } from './core.js';
import { icon } from './icons.js';

/** WhatsApp timestamps are seconds; event envelopes use milliseconds. */
export function toDate(timestamp) {
  return new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp);
}

const sameDay = (a, b) => a.toDateString() === b.toDateString();

/** A short time for a message bubble: 14:05. */
export function clock(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** With seconds, for the events console: 14:05:09. */
export function clockWithSeconds(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** For the chat list: the time today, the weekday this week, the date before that. */
export function shortWhen(date, now = new Date()) {
  if (sameDay(date, now)) return clock(date);
  if (now - date < 6 * 86_400_000) return date.toLocaleDateString([], { weekday: 'short' });
  return date.toLocaleDateString();
}

export function dayLabel(date, now = new Date()) {
  if (sameDay(date, now)) return 'Today';
  if (sameDay(date, new Date(now - 86_400_000))) return 'Yesterday';
  return date.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function timeElement(timestamp, text) {
  const date = toDate(timestamp);
  return element('time', { datetime: date.toISOString(), title: date.toLocaleString() }, text(date));
}

/** `15550002222@c.us` → `+15550002222`; groups and others keep their id. */
export function phoneOf(chatId) {
  const [user, server] = String(chatId).split('@');
  return server === 'c.us' || server === 's.whatsapp.net' ? `+${user}` : chatId;
}

/** The best name we know: the address book, the chat (group subject), the push name, the number. */
export function displayName(chatId, chat, contact) {
  return contact?.name || chat?.name || contact?.pushname || phoneOf(chatId);
}

// WAHA's ack levels. PENDING shows a clock; the rest follow WhatsApp's ticks.
const ACKS = {
  '-1': { mark: '✗', label: 'Failed to send', tone: 'error' },
  0: { mark: 'clock', label: 'Pending', tone: 'pending' },
  1: { mark: '✓', label: 'Sent', tone: 'sent' },
  2: { mark: '✓✓', label: 'Delivered', tone: 'delivered' },
  3: { mark: '✓✓', label: 'Read', tone: 'read' },
  4: { mark: '✓✓', label: 'Played', tone: 'read' },
};

export function describeAck(ack) {
  return ACKS[ack] ?? ACKS[0];
}

/** Fills (or refreshes) a tick element for an ack level. */
export function paintAck(node, ack, ackName) {
  const { mark, label, tone } = describeAck(ack);
  if (mark === 'clock') node.replaceChildren(icon('clock'));
  else node.textContent = mark;
  node.className = `ack ${tone}`;
  node.dataset.ack = String(ack);
  if (ackName) node.dataset.ackName = ackName;
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', label);
  node.title = label;
  return node;
}

/** An ack only moves forward, except to ERROR; a late SERVER must not undo a READ. */
export function laterAck(current, next) {
  if (next === -1) return -1;
  if (current === undefined || current === null) return next;
  return Math.max(current, next);
}

function hue(text) {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 360;
}

function initials(name) {
  const words = name.replace(/^\+/, '').split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (/^\d/.test(words[0])) return words[0].slice(-2);
  return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join('');
}

/**
 * A round picture, or the name's initials on a colour of its own. Pictures are public URLs on
 * WhatsApp's CDN; if one cannot load, the initials stay.
 */
export function avatar(name, picture, size = 'normal') {
  const box = element('span', { class: `avatar ${size}`, 'aria-hidden': 'true', style: `--hue: ${hue(name)}` }, initials(name));
  if (picture) {
    const image = element('img', { alt: '', src: picture, referrerpolicy: 'no-referrer', loading: 'lazy' });
    image.addEventListener('load', () => box.replaceChildren(image));
    image.addEventListener('error', () => image.remove());
  }
  return box;
}
