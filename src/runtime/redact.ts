// A log-safe copy of anything a library hands to console.*: key material and raw bytes removed,
// depth, width and length bounded, cycles cut. libsignal passes whole session records (private
// ephemeral keys, root and chain keys) to console.info; none of that may reach an output.

/** Field names that hold or lead to key material. Matching is deliberately broad: a false hit only hides a value. */
const SECRET_FIELD = /key|secret|priv|chain|ratchet|signature|seed|salt|mac|noise|token|password|_sessions/i;

/** Strings made of base64/hex alphabet that are long enough to be a key, encoded. */
const ENCODED_BLOB = /^[A-Za-z0-9+/=_-]{24,}$/;

export interface RedactLimits {
  maxDepth: number;
  maxKeys: number;
  maxItems: number;
  maxString: number;
}

const DEFAULT_LIMITS: RedactLimits = { maxDepth: 5, maxKeys: 40, maxItems: 20, maxString: 300 };

export function redactForLog(value: unknown, limits: RedactLimits = DEFAULT_LIMITS): unknown {
  return copy(value, 0, new WeakSet<object>(), limits);
}

function redactString(text: string, limits: RedactLimits): string {
  if (ENCODED_BLOB.test(text)) return `[redacted ${text.length} chars]`;
  // Encoded keys can also sit inside a sentence ("Session error: … <base64>").
  const masked = text.replace(/[A-Za-z0-9+/=_-]{32,}/g, (blob) => `[redacted ${blob.length} chars]`);
  return masked.length > limits.maxString ? `${masked.slice(0, limits.maxString)}… [${masked.length} chars]` : masked;
}

function copy(value: unknown, depth: number, seen: WeakSet<object>, limits: RedactLimits): unknown {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return redactString(value, limits);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return `[${value.byteLength} bytes]`;
  if (typeof value !== 'object') return '[unknown]';
  if (seen.has(value)) return '[circular]';
  if (depth >= limits.maxDepth) return Array.isArray(value) ? `[array ${value.length}]` : '[object]';
  seen.add(value);
  if (value instanceof Error) {
    // The message only: a stack names files, and libsignal's errors carry no secrets in their name.
    return { name: value.name, message: redactString(value.message, limits) };
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.maxItems).map((item) => copy(item, depth + 1, seen, limits));
    if (value.length > limits.maxItems) items.push(`[${value.length - limits.maxItems} more]`);
    return items;
  }
  if (value instanceof Map || value instanceof Set) return `[${value.constructor.name} of ${value.size}]`;
  const result: Record<string, unknown> = {};
  const keys = Object.keys(value);
  // Secret fields are left out, names included: even the name says what kind of record this was.
  let hidden = 0;
  for (const key of keys.slice(0, limits.maxKeys)) {
    if (SECRET_FIELD.test(key)) {
      hidden++;
      continue;
    }
    const safeKey = ENCODED_BLOB.test(key) ? `[key ${key.length} chars]` : key;
    result[safeKey] = copy((value as Record<string, unknown>)[key], depth + 1, seen, limits);
  }
  if (hidden > 0) result['[redacted fields]'] = hidden;
  if (keys.length > limits.maxKeys) result['[more keys]'] = keys.length - limits.maxKeys;
  return result;
}
