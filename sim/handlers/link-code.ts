// Pairing-code login (typing an 8-character code on the phone instead of scanning a QR).
import type { BinaryNode } from 'baileys';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';

export function answerLinkCode(network: Network, connection: Connection, node: BinaryNode, request: BinaryNode): void {
  network.linkCodeRequest(connection, node, request);
}
