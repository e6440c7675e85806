/** An unknown JSON value's fields, or none: for reading payloads and stored configs whose shape is not promised. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
