// The live event stream: one WebSocket for the whole page (reconnecting with backoff), and the
// events console, where each event opens to show its JSON.
import { $, element, state } from './core.js';
import { clockWithSeconds, timeElement } from './format.js';

const KEEP = 200;

function summary(event) {
  const payload = event.payload ?? {};
  if (event.event === 'session.status') return payload.status ?? '';
  if (event.event === 'message.ack') return `${payload.ackName ?? payload.ack ?? ''} ${payload.fromMe ? '→ ' + (payload.to ?? payload.from ?? '') : ''}`.trim();
  if (event.event.startsWith('message')) return [payload.fromMe ? `→ ${payload.to ?? payload.from ?? ''}` : `← ${payload.from ?? ''}`, payload.body ? `“${String(payload.body).slice(0, 40)}”` : payload.hasMedia ? '[media]' : ''].join(' ');
  return '';
}

export function createEvents({ onEvent, onReconnect }) {
  let socket = null;
  let retry = 0;
  let timer = null;
  let paused = false;
  let missed = 0;

  function matches(item) {
    const filter = $('event-filter').value.trim().toLowerCase();
    return !filter || item.dataset.search.includes(filter);
  }

  function add(event) {
    const json = JSON.stringify(event, null, 2);
    const details = element(
      'details',
      {},
      element('summary', {}, timeElement(event.timestamp, clockWithSeconds), ' ', element('span', { class: 'event-session' }, event.session), ' ', element('code', { class: 'event-name' }, event.event), ' ', element('span', { class: 'event-summary' }, summary(event))),
    );
    // The JSON is laid out only when someone opens the event: most are never opened.
    details.addEventListener('toggle', () => {
      if (details.open && !details.querySelector('pre')) details.append(element('pre', { tabindex: '0', 'aria-label': `Payload of ${event.event}` }, json));
    });
    const item = element('li', { 'data-event': event.event, 'data-search': `${event.session} ${event.event}`.toLowerCase() }, details);
    item.hidden = !matches(item);
    const list = $('events');
    list.prepend(item);
    while (list.children.length > KEEP) list.lastElementChild.remove();
    $('events-empty').hidden = true;
    $('events-count').textContent = `${list.children.length} of the last ${KEEP} kept`;
  }

  function setStatus(text, live) {
    $('live').textContent = text;
    $('live').dataset.live = String(live);
  }

  function connect() {
    clearTimeout(timer);
    socket?.close();
    if (!state.key) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?session=*&events=*&x-api-key=${encodeURIComponent(state.key)}`;
    const current = new WebSocket(url);
    socket = current;
    setStatus('connecting…', false);
    current.onopen = () => {
      if (retry > 0) onReconnect?.();
      retry = 0;
      setStatus('live', true);
    };
    current.onmessage = (message) => {
      const event = JSON.parse(message.data);
      onEvent(event);
      if (paused) {
        missed += 1;
        $('events-pause').textContent = `Resume (${missed} not shown)`;
      } else add(event);
    };
    current.onclose = () => {
      if (socket !== current) return;
      // Backoff up to 30 s, so that a restarting server is not hammered.
      const delay = Math.min(30_000, 1000 * 2 ** retry);
      retry += 1;
      setStatus(`reconnecting in ${Math.round(delay / 1000)} s`, false);
      timer = setTimeout(connect, delay);
    };
  }

  $('event-filter').addEventListener('input', () => {
    for (const item of $('events').children) item.hidden = !matches(item);
  });
  $('events-pause').addEventListener('click', () => {
    paused = !paused;
    missed = 0;
    $('events-pause').textContent = paused ? 'Resume' : 'Pause';
    $('events-pause').setAttribute('aria-pressed', String(paused));
  });
  $('events-clear').addEventListener('click', () => {
    $('events').replaceChildren();
    $('events-empty').hidden = false;
    $('events-count').textContent = '';
  });
  return { connect };
}
