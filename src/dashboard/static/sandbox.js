// In sandbox mode zapd talks to the simulator, whose admin API plays the other side of chats:
// create virtual contacts and send as them, from the browser.
import { $, api, attempt } from './core.js';

export function setUpSandbox({ onChange }) {
  let simulator = null;

  async function post(path, body) {
    const response = await fetch(`${simulator}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw new Error(data.message ?? `HTTP ${response.status}`);
    return data;
  }

  async function detect() {
    const environment = await api('GET', '/api/server/environment?all=true');
    const waUrl = environment.ZAPD_WA_URL;
    if (!waUrl) return;
    const admin = new URL(waUrl);
    admin.protocol = admin.protocol === 'wss:' ? 'https:' : 'http:';
    admin.pathname = '/admin';
    simulator = admin.toString();
    $('sandbox').hidden = false;
  }

  const digits = (id) => $(id).value.replace(/\D/g, '');
  $('contact-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    void attempt(async () => {
      await post('/accounts', { phone: digits('contact-phone'), pushName: $('contact-name').value || undefined });
      $('contact-from').value ||= digits('contact-phone');
      onChange?.();
    });
  });
  $('contact-send').addEventListener('submit', (submit) => {
    submit.preventDefault();
    void attempt(async () => {
      await post(`/accounts/${digits('contact-from')}/send`, { to: $('contact-to').value, text: $('contact-text').value });
      $('contact-text').value = '';
    });
  });
  $('contact-read').addEventListener('click', () => void attempt(() => post(`/accounts/${digits('contact-from')}/read`, {})));
  return { detect };
}
