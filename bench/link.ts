// Creates a session on a running zapd, scans its QR through the simulator and waits for WORKING.
export async function linkSession(zapdUrl: string, apiKey: string, simulator: { scan(qr: string, phone?: string): Promise<unknown> }, name: string, phone: string, config: Record<string, unknown> = {}) {
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${zapdUrl}${path}`, { method, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  await api('POST', '/api/sessions', { name, config });
  for (;;) {
    const qr = await api('GET', `/api/${name}/auth/qr?format=raw`);
    if (qr.ok) {
      await simulator.scan(((await qr.json()) as { value: string }).value, phone);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  while (((await (await api('GET', `/api/sessions/${name}`)).json()) as { status: string }).status !== 'WORKING') await new Promise((resolve) => setTimeout(resolve, 50));
  return api;
}
