// `npm run sandbox`: the WhatsApp network simulator and zapd in one process, ready to scan.
// zapd is pointed at the simulator exactly as a user would do by hand: ZAPD_WA_URL alone, so zapd
// reads the simulator's trust root and its TLS certificate (for media) from the admin API. Passing
// the root key as well made zapd skip that read, and every media upload failed on the certificate.
import { join } from 'node:path';
import { startSimulator } from '../sim/index.ts';
import { loadConfig } from './config.ts';
import { installConsoleGuard } from './runtime/console-guard.ts';
import { createLogger } from './runtime/logger.ts';
import { applyProcessSettings, startServer } from './server.ts';

async function main(): Promise<void> {
  // The simulator's state lives beside zapd's, under ZAPD_DATA_DIR.
  const initial = loadConfig(process.env);
  // Before the simulator: its virtual contacts run libsignal too (see console-guard.ts).
  installConsoleGuard(createLogger({ level: initial.logLevel, format: initial.logFormat }));
  const dataDir = initial.dataDir;
  const simulator = await startSimulator({
    port: Number(process.env.SIM_PORT ?? 7700),
    seed: process.env.SIM_SEED ?? 'zapd-sandbox',
    stateFile: process.env.SIM_STATE_FILE ?? join(dataDir, 'simulator-state.json'),
    ...(initial.logFormat ? { logFormat: initial.logFormat } : {}),
  });
  const config = loadConfig({ ...process.env, ZAPD_WA_URL: simulator.wsUrl });
  applyProcessSettings(config);
  const server = await startServer(config);

  console.log(`
zapd sandbox is up.
  API + docs:   ${server.url}/docs
  Simulator:    ${simulator.wsUrl} (admin API at ${simulator.httpUrl}/admin)
Link a session: POST ${server.url}/api/sessions {"name":"default"}, read the QR from
  GET ${server.url}/api/default/auth/qr?format=raw, then "scan" it with
  POST ${simulator.httpUrl}/admin/scan {"qr":"<value>","phone":"15550001111"}
`);

  let stopping = false;
  async function stopAll(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await simulator.stop();
    process.exit(0);
  }
  process.once('SIGINT', () => void stopAll());
  process.once('SIGTERM', () => void stopAll());
}

main().catch((error: unknown) => {
  process.stderr.write(`zapd sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
