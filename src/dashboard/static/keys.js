// The API keys panel: list, create (the key is shown once) and revoke. Needs an admin key; with a
// session key the server answers 403 and the panel stays hidden.
const SCOPES = ['read', 'send', 'control', 'setting', 'app', 'delete'];
const $ = (id) => document.getElementById(id);

function describeScopes(key) {
  if (key.isAdmin) return 'all (admin)';
  if (key.purpose === 'media') return 'download files only';
  if (!key.actions) return 'defaults (all but delete)';
  // Missing scopes take the defaults: all but delete.
  return SCOPES.filter((scope) => key.actions[scope] ?? scope !== 'delete').join(', ') || 'none';
}

export function setUpKeys({ api, element, show }) {
  const form = $('key-create');
  const kind = () => form.querySelector('input[name="key-kind"]:checked').value;

  function syncForm() {
    const admin = kind() === 'admin';
    $('key-session').disabled = admin;
    $('key-session').required = !admin;
    for (const box of form.querySelectorAll('input[name="key-scope"]')) box.disabled = admin;
  }

  async function refresh() {
    let keys;
    try {
      keys = await api('GET', '/api/keys');
    } catch {
      $('keys').hidden = true;
      return;
    }
    $('keys').hidden = false;
    const sessions = await api('GET', '/api/sessions?all=true').catch(() => []);
    $('key-sessions').replaceChildren(...sessions.map((session) => element('option', { value: session.name })));
    $('key-list').replaceChildren(
      ...keys.map((key) =>
        element(
          'tr',
          { 'data-key-id': key.id },
          element('td', {}, key.id),
          element('td', {}, key.isAdmin ? 'admin' : (key.purpose ?? 'session')),
          element('td', {}, key.session ?? '—'),
          element('td', {}, describeScopes(key)),
          element('td', {}, key.isActive ? 'active' : 'inactive'),
          element('td', {}, key.key),
          element(
            'td',
            {},
            element('button', { type: 'button', onclick: () => act(() => api('PUT', `/api/keys/${key.id}`, { isAdmin: key.isAdmin, session: key.session, isActive: !key.isActive, actions: key.purpose ? null : key.actions })) }, key.isActive ? 'Deactivate' : 'Activate'),
            element('button', { type: 'button', onclick: () => confirm(`Revoke key ${key.id}? Clients using it get 401 from now on.`) && act(() => api('DELETE', `/api/keys/${key.id}`)) }, 'Revoke'),
          ),
        ),
      ),
    );
  }

  async function act(action) {
    try {
      show();
      await action();
      await refresh();
    } catch (error) {
      show(error);
    }
  }

  for (const radio of form.querySelectorAll('input[name="key-kind"]')) radio.addEventListener('change', syncForm);
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const admin = kind() === 'admin';
    const actions = Object.fromEntries([...form.querySelectorAll('input[name="key-scope"]')].map((box) => [box.value, box.checked]));
    void act(async () => {
      const created = await api('POST', '/api/keys', admin ? { isAdmin: true, session: null, isActive: true } : { isAdmin: false, session: $('key-session').value.trim(), isActive: true, actions });
      // The only time the key is visible: the server keeps its digest, not the key.
      $('key-created').hidden = false;
      $('key-created-value').value = created.key;
    });
  });
  $('key-created-hide').addEventListener('click', () => {
    $('key-created-value').value = '';
    $('key-created').hidden = true;
  });
  syncForm();
  return { refresh };
}
