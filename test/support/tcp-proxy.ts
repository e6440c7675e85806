// A TCP proxy on 127.0.0.1 between zapd and a broker, so a test can take the broker away from zapd
// (and give it back) without stopping the machine's shared broker that others use.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections piped so far: a reconnect shows as a new one. */
  readonly connections: number;
  /** Drops every open connection and refuses new ones (they are closed as soon as accepted). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepting = true;
  let connections = 0;
  const server = createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    connections += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  const dropAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    cut() {
      accepting = false;
      dropAll();
    },
    restore() {
      accepting = true;
    },
    async close() {
      dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
