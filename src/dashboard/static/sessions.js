// The sessions panel: one card per session (status, account, owning node), its actions in a menu,
// creating sessions, and linking one by QR or pairing code.
import { $, api, attempt, element } from './core.js';
import { phoneOf } from './format.js';
import { menuButton } from './menu.js';

const cards = new Map();
const STATUS_LABELS = { STOPPED: 'Stopped', STARTING: 'Starting', SCAN_QR_CODE: 'Scan QR', WORKING: 'Working', FAILED: 'Failed' };
let linking = null;
let shownQr = null;

/**
 * The node that runs the session, when the API reports one (a cluster does; a single zapd does
 * not, and then nothing is shown rather than a made-up value).
 */
function ownerNode(session) {
  const node = session.node ?? session.owner;
  if (typeof node === 'string') return node;
  return node?.name ?? node?.id ?? null;
}

function accountText(session) {
  if (!session.me) return session.status === 'SCAN_QR_CODE' ? 'Waiting for a scan' : 'Not linked';
  return [phoneOf(session.me.id), session.me.pushName && session.me.pushName !== phoneOf(session.me.id) ? session.me.pushName : null].filter(Boolean).join(' · ');
}

export function setUpSessions({ openChat, onChange }) {
  const act = (name, action) => () => void attempt(async () => {
    await action(name);
    await refresh();
    onChange?.();
  });

  function card(session) {
    const name = session.name;
    const parts = {
      status: element('span', { class: 'badge' }),
      account: element('span', { class: 'account' }),
      node: element('span', { class: 'node' }),
      failure: element('span', { class: 'failure' }),
    };
    const menu = menuButton('Actions ▾', `Actions for session ${name}`, [
      { action: 'chats', label: 'Open chats', run: () => void attempt(() => openChat(name)) },
      { action: 'link', label: 'QR / pairing code', run: () => void attempt(() => openLink(name)) },
      { action: 'me', label: 'Account (me)', run: () => void attempt(() => showMe(name)) },
      'separator',
      { action: 'start', label: 'Start', run: act(name, () => api('POST', `/api/sessions/${name}/start`)) },
      { action: 'stop', label: 'Stop', run: act(name, () => api('POST', `/api/sessions/${name}/stop`)) },
      { action: 'restart', label: 'Restart', run: act(name, () => api('POST', `/api/sessions/${name}/restart`)) },
      { action: 'logout', label: 'Log out', run: act(name, () => confirm(`Log session ${name} out of WhatsApp? It will need a new QR scan.`) && api('POST', `/api/sessions/${name}/logout`)) },
      { action: 'delete', label: 'Delete…', danger: true, run: act(name, () => confirm(`Delete session ${name}? This logs it out and forgets it.`) && api('DELETE', `/api/sessions/${name}`)) },
    ]);
    const title = element('button', { type: 'button', class: 'session-name link-like', onclick: () => void attempt(() => openChat(name)), title: `Open chats of ${name}` }, name);
    const root = element('li', { class: 'session', 'data-session': name }, element('div', { class: 'session-main' }, title, parts.status), element('div', { class: 'session-detail' }, parts.account, parts.node, parts.failure), menu);
    return { root, parts };
  }

  function update(entry, session) {
    const { status, account, node, failure } = entry.parts;
    status.textContent = STATUS_LABELS[session.status] ?? session.status;
    status.className = `badge ${session.status}`;
    status.dataset.status = session.status;
    account.textContent = accountText(session);
    const owner = ownerNode(session);
    node.hidden = !owner;
    node.textContent = owner ? `node ${owner}` : '';
    failure.hidden = !session.failure;
    failure.textContent = session.failure ?? '';
  }

  async function refresh() {
    const sessions = await api('GET', '/api/sessions?all=true');
    const seen = new Set();
    // Cards are updated in place: an open menu or a focused button survives the refresh.
    for (const session of sessions) {
      seen.add(session.name);
      let entry = cards.get(session.name);
      if (!entry) {
        entry = card(session);
        cards.set(session.name, entry);
      }
      update(entry, session);
    }
    for (const [name, entry] of cards) {
      if (seen.has(name)) continue;
      entry.root.remove();
      cards.delete(name);
    }
    const list = $('sessions');
    sessions.forEach((session, index) => {
      const node = cards.get(session.name).root;
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] ?? null);
    });
    $('sessions-empty').hidden = sessions.length > 0;
    if (linking) await refreshLink(sessions.find((session) => session.name === linking));
    return sessions;
  }

  function openLink(name) {
    linking = name;
    shownQr = null;
    $('link').hidden = false;
    $('link-name').textContent = name;
    $('code').textContent = '';
    $('link').scrollIntoView({ block: 'nearest' });
    return refresh();
  }

  async function refreshLink(session) {
    if (!session) return;
    const waiting = session.status === 'SCAN_QR_CODE';
    $('qr-box').hidden = !waiting;
    $('code-form').hidden = !waiting;
    $('link-state').textContent = waiting ? 'Open WhatsApp on the phone → Linked devices → Link a device, and scan:' : session.status === 'WORKING' ? '' : `The session is ${session.status.toLowerCase()}; start it to get a QR code.`;
    $('account').hidden = session.status !== 'WORKING';
    if (session.status === 'WORKING') $('account').textContent = `Linked as ${session.me?.id ?? '?'}${session.me?.pushName ? ` (${session.me.pushName})` : ''}`;
    if (!waiting) return;
    // The list may be seconds old: ask for the QR only while the session still waits for a scan, so a
    // session that just linked or restarted is not asked for one (the server would answer 422).
    const current = await api('GET', `/api/sessions/${session.name}`).catch(() => null);
    if (current?.status !== 'SCAN_QR_CODE') return;
    const raw = await api('GET', `/api/${session.name}/auth/qr?format=raw`).catch(() => null);
    if (!raw || raw.value === shownQr) return;
    shownQr = raw.value;
    const png = await api('GET', `/api/${session.name}/auth/qr`);
    $('qr').src = URL.createObjectURL(png);
    $('qr').dataset.value = raw.value;
  }

  async function showMe(name) {
    const me = await api('GET', `/api/sessions/${name}/me`);
    $('me-title').textContent = `Account of ${name}`;
    const rows = me ? [['Number', phoneOf(me.id)], ['Id', me.id], ['Name', me.pushName ?? '—'], ['LID', me.lid ?? '—']] : [['Status', 'Not linked to a WhatsApp account']];
    $('me-details').replaceChildren(...rows.flatMap(([term, value]) => [element('dt', {}, term), element('dd', {}, value)]));
    $('me-dialog').showModal();
  }

  $('me-close').addEventListener('click', () => $('me-dialog').close());
  $('link-close').addEventListener('click', () => {
    linking = null;
    $('link').hidden = true;
  });
  $('create-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const webhook = $('new-webhook').value.trim();
    const events = $('new-events').value.split(',').map((value) => value.trim()).filter(Boolean);
    const name = $('new-name').value.trim();
    void attempt(async () => {
      await api('POST', '/api/sessions', { name, config: webhook ? { webhooks: [{ url: webhook, events }] } : {} });
      $('new-name').value = '';
      await openLink(name);
      onChange?.();
    });
  });
  $('code-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    void attempt(async () => {
      const { code } = await api('POST', `/api/${linking}/auth/request-code`, { phoneNumber: $('code-phone').value });
      $('code').textContent = code;
    });
  });
  return { refresh };
}
