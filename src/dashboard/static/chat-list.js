// The chat list of a session: names from the contacts, pictures and the last message from the
// chat overview, unread counts from the chats list.
import { $, api, element, show } from './core.js';
import { chatOf } from './conversation.js';
import { avatar, displayName, laterAck, paintAck, shortWhen, timeElement } from './format.js';
import { icon, mediaIcon } from './icons.js';

const KIND_NAMES = { image: 'Photo', video: 'Video', audio: 'Audio' };

/** A one-line summary of a message for the list: an icon for its kind, then its text. */
export function snippet(message) {
  if (!message) return [];
  const mimetype = message.media?.mimetype ?? '';
  const kind = mimetype.split('/')[0];
  if (message.hasMedia) return [mediaIcon(mimetype), ' ', message.body || message.media?.filename || KIND_NAMES[kind] || 'File'];
  if (message.location) return [icon('location'), ' ', message.body || 'Location'];
  if (message.vCards?.length) return [icon('contact'), ' ', 'Contact card'];
  return [message.body ?? ''];
}

export function createChatList({ onSelect, onUpdate }) {
  let session = null;
  let openId = null;
  const chats = new Map();
  const contacts = new Map();

  function item(chat) {
    const name = displayName(chat.id, chat, contacts.get(chat.id));
    const last = chat.lastMessage;
    const unread = chat.unreadCount > 0;
    const preview = element('span', { class: 'chat-preview' });
    if (last?.fromMe) preview.append(paintAck(element('span'), last.ack, last.ackName), ' ');
    preview.append(...snippet(last));
    const button = element(
      'button',
      { type: 'button', class: `chat${unread ? ' unread' : ''}`, 'data-chat': chat.id, 'aria-current': chat.id === openId ? 'true' : undefined, onclick: () => onSelect(chat.id) },
      avatar(name, chat.picture),
      element(
        'span',
        { class: 'chat-text' },
        element('span', { class: 'chat-top' }, element('span', { class: 'chat-name' }, name), last ? timeElement(last.timestamp, shortWhen) : element('span')),
        element('span', { class: 'chat-bottom' }, preview, unread ? element('span', { class: 'unread-count', 'aria-label': `${chat.unreadCount} unread` }, String(chat.unreadCount)) : undefined),
      ),
    );
    return element('li', {}, button);
  }

  function render() {
    const sorted = [...chats.values()].sort((a, b) => (b.lastMessage?.timestamp ?? b.conversationTimestamp ?? 0) - (a.lastMessage?.timestamp ?? a.conversationTimestamp ?? 0));
    // Keep keyboard focus on the chat it was on across a re-render.
    const focused = document.activeElement?.closest?.('#chats [data-chat]')?.dataset.chat;
    $('chats').replaceChildren(...sorted.map(item));
    $('chats-empty').hidden = sorted.length > 0;
    if (focused) $('chats').querySelector(`[data-chat="${CSS.escape(focused)}"]`)?.focus();
  }

  async function refresh() {
    if (!session) return;
    const name = session;
    const [overview, list, known] = await Promise.all([
      api('GET', `/api/${name}/chats/overview?limit=50`),
      api('GET', `/api/${name}/chats?limit=100`),
      api('GET', `/api/contacts/all?session=${encodeURIComponent(name)}&limit=1000`).catch(() => []),
    ]);
    if (name !== session) return;
    contacts.clear();
    for (const contact of known) contacts.set(contact.id, contact);
    const unread = new Map(list.map((chat) => [chat.id, chat]));
    chats.clear();
    for (const chat of overview) chats.set(chat.id, { ...unread.get(chat.id), ...chat, unreadCount: unread.get(chat.id)?.unreadCount ?? 0 });
    render();
    onUpdate?.();
  }

  /** Unread counts and order only: the chats list is read from zapd's store, nothing asks WhatsApp. */
  async function refreshCounts() {
    if (!session) return;
    const name = session;
    const list = await api('GET', `/api/${name}/chats?limit=100`);
    if (name !== session) return;
    for (const entry of list) {
      const chat = chats.get(entry.id);
      if (chat) Object.assign(chat, { unreadCount: entry.unreadCount, conversationTimestamp: entry.conversationTimestamp });
    }
    render();
    onUpdate?.();
  }

  // Events come in bursts (a message, then its acks): one refresh for the lot.
  const timers = {};
  const soon = (kind, action) => {
    clearTimeout(timers[kind]);
    timers[kind] = setTimeout(() => void action().catch(show), 250);
  };

  /**
   * Live updates. The overview asks WhatsApp for every chat's picture, so it is read again only for
   * a chat we have not seen; known chats take their last message and ticks from the event itself.
   */
  function onEvent(event) {
    const payload = event.payload ?? {};
    if (event.event === 'message.any') {
      const chat = chats.get(chatOf(payload));
      if (!chat) return soon('full', refresh);
      if (!chat.lastMessage || payload.timestamp >= chat.lastMessage.timestamp) chat.lastMessage = payload;
      render();
      soon('counts', refreshCounts);
    } else if (event.event === 'message.ack') {
      const chat = chats.get(chatOf(payload));
      if (chat?.lastMessage?.id !== payload.id || payload.participant) return;
      chat.lastMessage = { ...chat.lastMessage, ack: laterAck(chat.lastMessage.ack, payload.ack), ackName: payload.ackName };
      render();
    } else if (event.event === 'message.revoked' || event.event === 'message.edited') soon('full', refresh);
  }

  return {
    refresh,
    onEvent,
    /** After our own action (a send, mark read): counts may have changed. */
    refreshSoon: () => soon('counts', refreshCounts),
    setSession(name) {
      session = name;
      openId = null;
      chats.clear();
      contacts.clear();
      render();
    },
    setOpen(chatId) {
      openId = chatId;
      render();
    },
    /** What we know of a chat, for the conversation header. */
    describe(chatId) {
      const chat = chats.get(chatId);
      return { name: displayName(chatId, chat, contacts.get(chatId)), picture: chat?.picture ?? null, unreadCount: chat?.unreadCount ?? 0 };
    },
  };
}
