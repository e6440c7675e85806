// zapd dashboard: plain modules, no build step. Talks to the same HTTP API and WebSocket as any client.
import { createChatList } from './chat-list.js';
import { $, api, attempt, element, show, state } from './core.js';
import { createConversation, toChatId } from './conversation.js';
import { setUpDeliveries } from './deliveries.js';
import { createEvents } from './events.js';
import { setUpKeys } from './keys.js';
import { setUpSandbox } from './sandbox.js';
import { setUpSessions } from './sessions.js';

let chatSession = null;

async function refreshServer() {
  const [version, health] = await Promise.all([api('GET', '/api/server/version'), fetch('/health').then((response) => response.json())]);
  $('server').textContent = `v${version.version} · ${version.engine} · store ${health.info?.store?.status ?? 'down'}`;
}

// The conversation header (name, picture, Mark read) follows what the list learns.
const chatList = createChatList({ onSelect: (chatId) => void attempt(() => selectChat(chatId)), onUpdate: () => conversation.header() });
const conversation = createConversation({ describe: (chatId) => chatList.describe(chatId), onSent: () => chatList.refreshSoon() });

async function openChat(name) {
  chatSession = name;
  $('chat').hidden = false;
  $('chat-session').textContent = name;
  $('chat-layout').dataset.view = 'list';
  conversation.close();
  chatList.setSession(name);
  await chatList.refresh();
  $('chat').scrollIntoView({ block: 'nearest' });
}

async function selectChat(chatId) {
  chatList.setOpen(chatId);
  $('chat-layout').dataset.view = 'conversation';
  await conversation.open(chatSession, chatId);
  $('text').focus();
}

const sessions = setUpSessions({ openChat, onChange: () => keysPanel.refresh() });
const deliveries = setUpDeliveries();
const sandbox = setUpSandbox({ onChange: () => chatSession && void chatList.refresh().catch(show) });
const keysPanel = setUpKeys({ api, element, show });

const events = createEvents({
  onEvent(event) {
    if (event.event === 'session.status') void sessions.refresh().catch(show);
    if (event.session !== chatSession) return;
    conversation.onEvent(event);
    // The list shows last messages, their ticks and unread counts, and new chats.
    chatList.onEvent(event);
  },
  onReconnect() {
    void sessions.refresh().catch(show);
    if (chatSession) void chatList.refresh().catch(show);
    conversation.reload();
  },
});

$('new-chat').addEventListener('submit', (submit) => {
  submit.preventDefault();
  const value = $('new-chat-id').value;
  if (!value.trim()) return;
  $('new-chat-id').value = '';
  void attempt(() => selectChat(toChatId(value)));
});
$('back-to-chats').addEventListener('click', () => {
  $('chat-layout').dataset.view = 'list';
  $('chats').querySelector('[aria-current="true"]')?.focus();
});
$('chat-close').addEventListener('click', () => {
  chatSession = null;
  conversation.close();
  chatList.setSession(null);
  $('chat').hidden = true;
});

$('key-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  state.key = $('api-key').value.trim();
  localStorage.setItem('zapd-api-key', state.key);
  void start();
});

async function start() {
  $('api-key').value = state.key;
  $('signed-out').hidden = Boolean(state.key);
  if (!state.key) return;
  try {
    await refreshServer();
    await sessions.refresh();
    await keysPanel.refresh();
    await deliveries.refresh();
    await sandbox.detect();
    events.connect();
    show();
  } catch (error) {
    show(error);
  }
}

// Status changes come over the WebSocket; the poll is a safety net for anything it missed.
setInterval(() => state.key && void sessions.refresh().catch(show), 5000);
void start();
