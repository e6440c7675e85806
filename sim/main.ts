// `npm run sim` / `zapd sim`: the WhatsApp network simulator on its own.
import { readLogFormat } from '../src/config.ts';
import { startSimulator } from './index.ts';

async function main(): Promise<void> {
  const logFormat = readLogFormat(process.env);
  const simulator = await startSimulator({
    host: process.env.SIM_HOST ?? '127.0.0.1',
    port: Number(process.env.SIM_PORT ?? 7700),
    ...(process.env.SIM_SEED ? { seed: process.env.SIM_SEED } : {}),
    ...(process.env.SIM_STATE_FILE ? { stateFile: process.env.SIM_STATE_FILE } : {}),
    logLevel: process.env.SIM_LOG_LEVEL ?? 'info',
    ...(logFormat ? { logFormat } : {}),
  });
  process.stdout.write(
    `WhatsApp simulator listening\n  WebSocket: ${simulator.wsUrl}\n  Admin API: ${simulator.httpUrl}/admin\n  Root key:  ${Buffer.from(simulator.rootPublicKey).toString('base64')}\n`,
  );
  const stop = async () => {
    await simulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`zapd simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
