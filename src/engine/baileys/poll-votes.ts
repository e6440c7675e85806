// Poll votes travel encrypted with a key derived from the poll's secret; Baileys can open them
// (decryptPollVote) but has no way to cast one, so this is the sealing half of the same scheme.
import { createHash, randomBytes } from 'node:crypto';
import { aesEncryptGCM, hmacSign, proto } from 'baileys';

export interface PollVoteContext {
  pollMsgId: string;
  pollCreatorJid: string;
  voterJid: string;
  pollEncKey: Uint8Array;
}

export function optionHash(option: string): Buffer {
  return createHash('sha256').update(option).digest();
}

export function encryptPollVote(selectedOptions: string[], context: PollVoteContext): proto.Message.IPollEncValue {
  const sign = Buffer.concat([
    Buffer.from(context.pollMsgId),
    Buffer.from(context.pollCreatorJid),
    Buffer.from(context.voterJid),
    Buffer.from('Poll Vote'),
    Buffer.from([1]),
  ]);
  const key0 = hmacSign(Buffer.from(context.pollEncKey), Buffer.alloc(32), 'sha256');
  const key = hmacSign(sign, key0, 'sha256');
  const iv = randomBytes(12);
  const plaintext = proto.Message.PollVoteMessage.encode({ selectedOptions: selectedOptions.map(optionHash) }).finish();
  const aad = Buffer.from(`${context.pollMsgId}\u0000${context.voterJid}`);
  return { encPayload: aesEncryptGCM(plaintext, key, iv, aad), encIv: iv };
}
