// zapd dashboard: plain modules, no build step. Talks to the same HTTP API and WebSocket as any client.
import { setUpKeys } from './keys.js';
const $ = (id) => document.getElementById(id);
const state = { key: localStorage.getItem('zapd-api-key') ?? '', linking: null, chatSession: null, chat: null, socket: null, events: [] };

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'x-api-key': state.key, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('application/json') ? await response.json() : await response.blob();
  if (!response.ok) throw new Error(data?.message ?? `HTTP ${response.status}`);
  return data;
}

function show(error) {
  $('error').textContent = error ? String(error.message ?? error) : '';
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

async function refreshServer() {
  const [version, health] = await Promise.all([api('GET', '/api/server/version'), fetch('/health').then((r) => r.json())]);
  $('server').textContent = `v${version.version} · ${version.engine} · store ${health.info?.store?.status ?? 'down'}`;
}

async function refreshSessions() {
  const sessions = await api('GET', '/api/sessions?all=true');
  const rows = sessions.map((session) => {
    const act = (label, action) => element('button', { type: 'button', onclick: () => run(() => action(session.name)) }, label);
    return element(
      'tr',
      { 'data-session': session.name },
      element('td', {}, session.name),
      element('td', {}, element('span', { class: `badge ${session.status}`, 'data-status': session.status }, session.status)),
      element('td', {}, session.me?.id ?? '—'),
      element(
        'td',
        {},
        act('Link', (name) => openLink(name)),
        act('Chats', (name) => openChat(name)),
        act('Start', (name) => api('POST', `/api/sessions/${name}/start`)),
        act('Stop', (name) => api('POST', `/api/sessions/${name}/stop`)),
        act('Restart', (name) => api('POST', `/api/sessions/${name}/restart`)),
        act('Logout', (name) => api('POST', `/api/sessions/${name}/logout`)),
        act('Delete', (name) => confirm(`Delete session ${name}?`) && api('DELETE', `/api/sessions/${name}`)),
      ),
    );
  });
  $('sessions').replaceChildren(...rows);
  if (state.linking) await refreshLink(sessions.find((session) => session.name === state.linking));
}

async function run(action) {
  try {
    show();
    await action();
    await refreshSessions();
  } catch (error) {
    show(error);
  }
}

function openLink(name) {
  state.linking = name;
  $('link').hidden = false;
  $('link-name').textContent = name;
  $('code').textContent = '';
}

let shownQr = null;
async function refreshLink(session) {
  if (!session) return;
  const waiting = session.status === 'SCAN_QR_CODE';
  $('qr-box').hidden = !waiting;
  $('code-form').hidden = !waiting;
  $('account').hidden = session.status !== 'WORKING';
  if (session.status === 'WORKING') $('account').textContent = `Linked as ${session.me?.id ?? '?'} ${session.me?.pushName ? `(${session.me.pushName})` : ''}`;
  if (!waiting) return;
  const raw = await api('GET', `/api/${session.name}/auth/qr?format=raw`).catch(() => null);
  if (!raw || raw.value === shownQr) return;
  shownQr = raw.value;
  const png = await api('GET', `/api/${session.name}/auth/qr`);
  $('qr').src = URL.createObjectURL(png);
  $('qr').dataset.value = raw.value;
}

async function openChat(name) {
  state.chatSession = name;
  $('chat').hidden = false;
  $('chat-session').textContent = name;
  const chats = await api('GET', `/api/${name}/chats?limit=50`);
  $('chats').replaceChildren(...chats.map((chat) => element('li', {}, element('button', { type: 'button', onclick: () => selectChat(chat.id) }, chat.name ?? chat.id))));
}

async function selectChat(chatId) {
  state.chat = chatId;
  $('to').value = chatId;
  await renderMessages();
}

async function renderMessages() {
  if (!state.chatSession || !state.chat) return;
  const messages = (await api('GET', `/api/${state.chatSession}/chats/${encodeURIComponent(state.chat)}/messages?limit=50`)).reverse();
  $('messages').replaceChildren(
    ...messages.map((message) => {
      const item = element('li', { class: message.fromMe ? 'me' : '' });
      if (message.media?.url && message.media.mimetype?.startsWith('image/')) {
        // Media URLs need the API key, so the preview is fetched and shown from a blob.
        const preview = element('img', { alt: message.media.filename ?? 'image', class: 'preview' });
        item.append(preview, element('br'));
        void fetch(message.media.url, { headers: { 'x-api-key': state.key } })
          .then((response) => (response.ok ? response.blob() : null))
          .then((blob) => blob && (preview.src = URL.createObjectURL(blob)));
      } else if (message.hasMedia) {
        item.append(`📎 ${message.media?.filename ?? message.media?.mimetype ?? 'file'} `);
      }
      item.append(message.body ?? (message.hasMedia ? '' : '[message]'));
      return item;
    }),
  );
}

function toBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.onerror = reject;
    reader.readAsDataURL(file);
  });
}

function connectEvents() {
  state.socket?.close();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?session=*&events=*&x-api-key=${encodeURIComponent(state.key)}`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    state.events.unshift(event);
    state.events.length = Math.min(state.events.length, 200);
    renderEvents();
    if (event.event === 'session.status') void refreshSessions().catch(show);
    if (event.event === 'message.any' && event.session === state.chatSession) {
      const chat = event.payload.fromMe ? event.payload.to : event.payload.from;
      if (!state.chat) state.chat = chat;
      if (chat === state.chat) void renderMessages().catch(show);
    }
  };
}

function renderEvents() {
  const filter = $('event-filter').value.trim();
  const shown = state.events.filter((event) => !filter || event.session.includes(filter) || event.event.includes(filter)).slice(0, 50);
  $('events').replaceChildren(...shown.map((event) => element('li', {}, `${new Date(event.timestamp).toLocaleTimeString()} ${event.session} ${event.event}`)));
}

$('key-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  state.key = $('api-key').value.trim();
  localStorage.setItem('zapd-api-key', state.key);
  void start();
});
$('create-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  const webhook = $('new-webhook').value.trim();
  const events = $('new-events').value.split(',').map((value) => value.trim()).filter(Boolean);
  const name = $('new-name').value.trim();
  void run(async () => {
    await api('POST', '/api/sessions', { name, config: webhook ? { webhooks: [{ url: webhook, events }] } : {} });
    openLink(name);
  });
});
$('code-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  void run(async () => {
    const { code } = await api('POST', `/api/${state.linking}/auth/request-code`, { phoneNumber: $('code-phone').value });
    $('code').textContent = code;
  });
});
$('composer').addEventListener('submit', (submit) => {
  submit.preventDefault();
  const chatId = $('to').value.trim();
  const text = $('text').value;
  const file = $('file').files[0];
  void run(async () => {
    if (file) await api('POST', '/api/sendFile', { session: state.chatSession, chatId, caption: text || undefined, file: { mimetype: file.type || 'application/octet-stream', filename: file.name, data: await toBase64(file) } });
    else await api('POST', '/api/sendText', { session: state.chatSession, chatId, text });
    $('text').value = '';
    $('file').value = '';
    state.chat = chatId.includes('@') ? chatId : `${chatId.replace(/\D/g, '')}@c.us`;
    await renderMessages();
  });
});
$('event-filter').addEventListener('input', renderEvents);

async function refreshDeliveries() {
  const [pending, dead] = await Promise.all([api('GET', '/api/server/webhooks/deliveries?status=pending&limit=50'), api('GET', '/api/server/webhooks/deliveries?status=dead&limit=50')]);
  $('deliveries').replaceChildren(
    ...[...pending, ...dead].map((row) =>
      element(
        'tr',
        {},
        element('td', {}, row.eventId.slice(0, 14)),
        element('td', {}, row.kind ?? 'webhook'),
        element('td', {}, row.url),
        element('td', {}, row.status),
        element('td', {}, String(row.attempts)),
        element('td', {}, row.lastError ?? ''),
        element('td', {}, element('button', { type: 'button', onclick: () => run(async () => { await api('POST', `/api/server/webhooks/deliveries/${row.seq}/retry`); await refreshDeliveries(); }) }, 'Retry now')),
      ),
    ),
  );
}

/** In sandbox mode zapd talks to the simulator; its admin API plays the other side of chats. */
async function detectSandbox() {
  const environment = await api('GET', '/api/server/environment?all=true');
  const waUrl = environment.ZAPD_WA_URL;
  if (!waUrl) return;
  const admin = new URL(waUrl);
  admin.protocol = admin.protocol === 'wss:' ? 'https:' : 'http:';
  admin.pathname = '/admin';
  state.simulator = admin.toString();
  $('sandbox').hidden = false;
}

async function simulator(path, body) {
  const response = await fetch(`${state.simulator}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) throw new Error(data.message ?? `HTTP ${response.status}`);
  return data;
}

$('deliveries-refresh').addEventListener('click', () => void refreshDeliveries().catch(show));
$('contact-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  void run(() => simulator('/accounts', { phone: $('contact-phone').value.replace(/\D/g, ''), pushName: $('contact-name').value || undefined }));
});
$('contact-send').addEventListener('submit', (submit) => {
  submit.preventDefault();
  void run(async () => {
    await simulator(`/accounts/${$('contact-from').value.replace(/\D/g, '')}/send`, { to: $('contact-to').value, text: $('contact-text').value });
    $('contact-text').value = '';
  });
});

const keysPanel = setUpKeys({ api, element, show });

async function start() {
  $('api-key').value = state.key;
  if (!state.key) return;
  try {
    await refreshServer();
    await refreshSessions();
    await keysPanel.refresh();
    await refreshDeliveries();
    await detectSandbox();
    connectEvents();
    show();
  } catch (error) {
    show(error);
  }
}

setInterval(() => state.key && void refreshSessions().catch(show), 2000);
void start();
