// PostgreSQL's `text` refuses the NUL character (0x00), and WhatsApp strings may hold one: a push
// name, a chat name or a message id chosen by the sender. A refused value failed the whole
// transaction that recorded a message. Plain text columns written from WhatsApp strings therefore
// go through this codec on PostgreSQL: NUL is written as an escape and read back as NUL. SQLite
// stores NUL as it is and keeps its values untouched. JSON payloads need nothing: JSON.stringify
// writes NUL as the six characters `\u0000`, which `text` accepts.
import { PostgresAdapter } from 'kysely';
import type { Db, StoreKind } from './database.ts';

/**
 * The escape character: U+FFFF is a noncharacter that no text is meant to hold, so a stored value
 * that was never encoded almost surely has none. Itself is escaped too, which keeps the code
 * reversible for every input: NUL ↔ U+FFFF '0', U+FFFF ↔ U+FFFF '1'.
 */
const ESCAPE = '\uffff';
const NEEDS_ENCODING = /[\u0000\uffff]/;
const ENCODED = /\uffff[01]/g;

export function encodeNul(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  let encoded = '';
  for (const character of value) encoded += character === '\u0000' ? `${ESCAPE}0` : character === ESCAPE ? `${ESCAPE}1` : character;
  return encoded;
}

export function decodeNul(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(ENCODED, (escape) => (escape === `${ESCAPE}0` ? '\u0000' : ESCAPE));
}

export interface TextCodec {
  /** The value as it is written to (and compared in) a plain text column. */
  store(value: string): string;
  /** Same, keeping null. */
  storeNullable(value: string | null): string | null;
  /** A stored value as it was given to `store`. */
  read(value: string): string;
  readNullable(value: string | null): string | null;
}

const identity = (value: string): string => value;
const verbatim: TextCodec = { store: identity, storeNullable: (value) => value, read: identity, readNullable: (value) => value };
const escaping: TextCodec = {
  store: encodeNul,
  storeNullable: (value) => (value === null ? null : encodeNul(value)),
  read: decodeNul,
  readNullable: (value) => (value === null ? null : decodeNul(value)),
};

export function textCodecFor(kind: StoreKind): TextCodec {
  return kind === 'postgres' ? escaping : verbatim;
}

/** The codec of whatever database `db` (or the transaction) runs on. */
export function textCodec(db: Db): TextCodec {
  return db.getExecutor().adapter instanceof PostgresAdapter ? escaping : verbatim;
}
