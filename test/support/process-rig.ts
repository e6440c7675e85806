// What the kill -9 / SIGTERM tests share: zapd as a child process on a fixed port (so restarts keep
// one base URL), pointed at a simulator, with its webhook going to a test receiver.
export const PROCESS_TEST_KEY = 'durability-key';

/** The child's environment: ZAPD_LOG_LEVEL follows DURABILITY_LOG, to watch a run. */
export function processTestEnv(options: { dataDir: string; port: number; waUrl: string; hookUrl: string; hookEvents: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    ZAPD_DATA_DIR: options.dataDir,
    PORT: String(options.port),
    ZAPD_API_KEY: PROCESS_TEST_KEY,
    ZAPD_LOG_LEVEL: process.env.DURABILITY_LOG ?? 'silent',
    ZAPD_WA_URL: options.waUrl,
    WHATSAPP_HOOK_URL: options.hookUrl,
    WHATSAPP_HOOK_EVENTS: options.hookEvents,
    ...options.extra,
  };
}

/** JSON calls with the key, and the status of a session, against `base`. */
export function keyedApi(base: string) {
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { 'x-api-key': PROCESS_TEST_KEY, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const status = async (session = 'main') => ((await (await api('GET', `/api/sessions/${session}`)).json()) as { status: string }).status;
  return { api, status };
}

/** A POST to the simulator's admin API that fails the test on a non-2xx answer. */
export function simulatorAdmin(httpUrl: string) {
  return async <T = unknown>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${httpUrl}/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /admin${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
}
