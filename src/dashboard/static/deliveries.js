// Deliveries (to webhooks and to broker sinks) that are waiting or gave up, with a retry button each.
import { $, api, attempt, element } from './core.js';

export function setUpDeliveries() {
  async function refresh() {
    const [pending, dead] = await Promise.all([api('GET', '/api/server/webhooks/deliveries?status=pending&limit=50'), api('GET', '/api/server/webhooks/deliveries?status=dead&limit=50')]);
    const rows = [...pending, ...dead];
    $('deliveries-empty').hidden = rows.length > 0;
    $('deliveries-table').hidden = rows.length === 0;
    $('deliveries').replaceChildren(
      ...rows.map((row) =>
        element(
          'tr',
          {},
          element('td', {}, element('code', {}, row.eventId.slice(0, 14))),
          element('td', {}, row.kind ?? 'webhook'),
          element('td', { class: 'wrap' }, row.url),
          element('td', {}, element('span', { class: `badge ${row.status === 'dead' ? 'FAILED' : 'STARTING'}` }, row.status)),
          element('td', {}, String(row.attempts)),
          element('td', { class: 'wrap' }, row.lastError ?? ''),
          element('td', {}, element('button', { type: 'button', class: 'small', onclick: () => void attempt(async () => { await api('POST', `/api/server/webhooks/deliveries/${row.seq}/retry`); await refresh(); }) }, 'Retry now')),
        ),
      ),
    );
  }
  $('deliveries-refresh').addEventListener('click', () => void attempt(refresh));
  return { refresh };
}
