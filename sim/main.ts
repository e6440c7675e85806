// `npm run sim`: the WhatsApp network simulator on its own.
import { startSimulator } from './index.ts';

const simulator = await startSimulator({
  host: process.env.SIM_HOST ?? '127.0.0.1',
  port: Number(process.env.SIM_PORT ?? 7700),
  ...(process.env.SIM_SEED ? { seed: process.env.SIM_SEED } : {}),
  ...(process.env.SIM_STATE_FILE ? { stateFile: process.env.SIM_STATE_FILE } : {}),
  logLevel: process.env.SIM_LOG_LEVEL ?? 'info',
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
