// HTTP/1.1 written byte for byte on a socket, for tests that must send what fetch would normalize
// away: percent-encoded paths, `//`, dot segments, absolute-form targets, upgrade requests.
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** Sends one request with `Connection: close` and reads the answer until the server closes. */
export function rawRequest(port: number, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const upgrade = Object.keys(headers).some((name) => name.toLowerCase() === 'upgrade');
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: rest.join('\r\n\r\n') });
    };
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${target}`)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // An accepted upgrade never closes by itself: its status line is the whole answer.
      if (upgrade && Buffer.concat(chunks).includes('\r\n\r\n')) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', finish);
    socket.on('error', reject);
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...(upgrade ? [] : ['Connection: close'])];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
  });
}
