// Shared by every dashboard module: the API key, calls to the HTTP API, and DOM helpers.
export const $ = (id) => document.getElementById(id);
export const state = { key: localStorage.getItem('zapd-api-key') ?? '' };

export async function api(method, path, body) {
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

/** Shows an error (or clears it) in the page's alert line. */
export function show(error) {
  $('error').textContent = error ? String(error.message ?? error) : '';
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null && child !== false));
  return node;
}

/** Runs a user action: errors go to the alert line instead of the console. */
export async function attempt(action) {
  try {
    show();
    return await action();
  } catch (error) {
    show(error);
    return undefined;
  }
}
