// One chat's messages: bubbles with time and ticks, media, older pages on demand, live updates from
// message events and acks, and the composer.
import { $, api, attempt, element } from './core.js';
import { avatar, clock, dayLabel, laterAck, paintAck, phoneOf, timeElement, toDate } from './format.js';
import { icon } from './icons.js';
import { localPreviews, mediaView } from './media.js';

const PAGE = 50;

/** The chat a message belongs to, seen from our side. */
export function chatOf(message) {
  // NOWEB's `from` is the chat, our own messages included; rows stored before that named it in `to`.
  return message.fromMe && message.to ? message.to : message.from;
}

/** `15550001111`, `+1 555 000 1111` or a full id → a chat id. */
export function toChatId(input) {
  const value = input.trim();
  return value.includes('@') ? value : `${value.replace(/\D/g, '')}@c.us`;
}

function toBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.onerror = reject;
    reader.readAsDataURL(file);
  });
}

export function createConversation({ describe, onSent }) {
  let session = null;
  let chatId = null;
  let loaded = 0;
  const messages = new Map();
  // Acks that arrive before the message itself (SERVER comes before message.any for our sends).
  const earlyAcks = new Map();

  function content(message) {
    const parts = [];
    if (message.participant && !message.fromMe) parts.push(element('span', { class: 'sender' }, phoneOf(message.participant)));
    const media = mediaView(message);
    if (media) parts.push(media);
    if (message.location) parts.push(element('span', { class: 'location' }, icon('location'), ` ${message.location.name ?? message.location.description ?? ''} ${message.location.latitude ?? ''}, ${message.location.longitude ?? ''}`.trimEnd()));
    if (message.vCards?.length) parts.push(element('span', {}, icon('contact'), ` ${message.vCards.length} contact card${message.vCards.length > 1 ? 's' : ''}`));
    if (message.body) parts.push(element('span', { class: 'body' }, message.body));
    if (parts.length === 0) parts.push(element('span', { class: 'body unsupported' }, 'Message not shown here'));
    const meta = element('span', { class: 'meta' }, timeElement(message.timestamp, clock));
    if (message.fromMe) meta.append(paintAck(element('span'), message.ack, message.ackName));
    return [...parts, meta];
  }

  function bubble(message) {
    return element('li', { class: `message ${message.fromMe ? 'out' : 'in'}`, 'data-message-id': message.id }, ...content(message));
  }

  function separator(date) {
    return element('li', { class: 'day', 'data-day': date.toDateString() }, element('span', {}, dayLabel(date)));
  }

  function render() {
    const sorted = [...messages.values()].sort((a, b) => a.timestamp - b.timestamp);
    const items = [];
    let day = null;
    for (const message of sorted) {
      const date = toDate(message.timestamp);
      if (date.toDateString() !== day) items.push(separator(date));
      day = date.toDateString();
      items.push(bubble(message));
    }
    $('messages').replaceChildren(...items);
    $('messages-empty').hidden = sorted.length > 0;
  }

  const list = () => $('messages');
  const nearBottom = () => list().scrollHeight - list().scrollTop - list().clientHeight < 80;
  const toBottom = () => (list().scrollTop = list().scrollHeight);

  async function loadPage(offset) {
    const page = await api('GET', `/api/${session}/chats/${encodeURIComponent(chatId)}/messages?limit=${PAGE}&offset=${offset}`);
    for (const message of page) store(message);
    loaded = offset + page.length;
    $('older').hidden = page.length < PAGE;
  }

  function store(message) {
    const known = messages.get(message.id);
    let ack = laterAck(known?.ack, message.ack);
    if (earlyAcks.has(message.id)) ack = laterAck(ack, earlyAcks.get(message.id).ack);
    earlyAcks.delete(message.id);
    const ackName = ack === message.ack ? message.ackName : known?.ack === ack ? known.ackName : undefined;
    messages.set(message.id, { ...known, ...message, ack, ackName });
    return messages.get(message.id);
  }

  /** A new or changed message of the open chat: its bubble is replaced or appended in place. */
  function upsert(message) {
    const stick = nearBottom();
    const merged = store(message);
    const existing = list().querySelector(`[data-message-id="${CSS.escape(message.id)}"]`);
    if (existing) existing.replaceWith(bubble(merged));
    else {
      const last = [...messages.values()].reduce((latest, entry) => (entry !== merged && entry.timestamp > (latest?.timestamp ?? -Infinity) ? entry : latest), null);
      if (last && merged.timestamp < last.timestamp) render();
      else {
        const date = toDate(merged.timestamp);
        if (!last || toDate(last.timestamp).toDateString() !== date.toDateString()) list().append(separator(date));
        list().append(bubble(merged));
        $('messages-empty').hidden = true;
      }
    }
    if (stick || message.fromMe) toBottom();
  }

  function applyAck(payload) {
    const known = messages.get(payload.id);
    if (!known) {
      earlyAcks.set(payload.id, { ack: laterAck(earlyAcks.get(payload.id)?.ack, payload.ack) });
      return;
    }
    const ack = laterAck(known.ack, payload.ack);
    if (ack === known.ack) return;
    known.ack = ack;
    known.ackName = payload.ackName;
    const tick = list().querySelector(`[data-message-id="${CSS.escape(payload.id)}"] .ack`);
    if (tick) paintAck(tick, ack, payload.ackName);
  }

  async function reloadLatest() {
    messages.clear();
    await loadPage(0);
    render();
  }

  function header() {
    const { name, picture, unreadCount } = describe(chatId);
    $('conversation-avatar').replaceChildren(avatar(name, picture, 'small'));
    $('conversation-name').textContent = name;
    $('conversation-id').textContent = chatId;
    $('mark-read').hidden = !(unreadCount > 0);
  }

  async function open(name, id) {
    session = name;
    chatId = id;
    messages.clear();
    earlyAcks.clear();
    $('conversation').hidden = false;
    $('no-conversation').hidden = true;
    header();
    render();
    await loadPage(0);
    render();
    toBottom();
  }

  async function send() {
    const text = $('text').value;
    const file = $('file').files[0];
    if (!file && !text.trim()) return;
    let sent;
    if (file) {
      const body = { session, chatId, caption: text || undefined, file: { mimetype: file.type || 'application/octet-stream', filename: file.name, data: await toBase64(file) } };
      sent = await api('POST', file.type.startsWith('image/') ? '/api/sendImage' : '/api/sendFile', body);
      // Until the stored message carries its own file URL, the picture comes from the file itself.
      if (file.type.startsWith('image/') && !sent.media?.url) localPreviews.set(sent.id, URL.createObjectURL(file));
    } else {
      sent = await api('POST', '/api/sendText', { session, chatId, text });
    }
    $('text').value = '';
    clearFile();
    if (chatOf(sent) === chatId) upsert(sent);
    onSent?.();
  }

  function clearFile() {
    $('file').value = '';
    $('file-chosen').hidden = true;
    $('file-name').textContent = '';
  }

  $('composer').addEventListener('submit', (submit) => {
    submit.preventDefault();
    void attempt(send);
  });
  $('file').addEventListener('change', () => {
    const file = $('file').files[0];
    $('file-chosen').hidden = !file;
    $('file-name').textContent = file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : '';
  });
  $('file-clear').addEventListener('click', clearFile);
  $('older').addEventListener('click', () => void attempt(async () => {
    const before = list().scrollHeight;
    await loadPage(loaded);
    render();
    list().scrollTop = list().scrollHeight - before;
  }));
  $('mark-read').addEventListener('click', () => void attempt(async () => {
    await api('POST', `/api/${session}/chats/${encodeURIComponent(chatId)}/messages/read`);
    $('mark-read').hidden = true;
    onSent?.();
  }));

  return {
    open,
    header: () => chatId && header(),
    close() {
      session = null;
      chatId = null;
      messages.clear();
      $('conversation').hidden = true;
      $('no-conversation').hidden = false;
    },
    /** Events of the session whose chats are shown. */
    onEvent(event) {
      if (event.session !== session || !chatId) return;
      const payload = event.payload ?? {};
      if (event.event === 'message.any' && chatOf(payload) === chatId) upsert(payload);
      // Per-participant receipts (groups) are not the message's own state; the aggregate ack is.
      if (event.event === 'message.ack' && !payload.participant) applyAck(payload);
      // Edits and deletions change stored messages: read the latest page again.
      if ((event.event === 'message.edited' || event.event === 'message.revoked') && messages.size) void attempt(reloadLatest);
    },
    /** After a reconnect: acks may have been missed, so the open chat is read again. */
    reload: () => chatId && void attempt(reloadLatest),
  };
}
