/** `{ key: value }` when the value is set, else nothing: keeps `undefined` out of payloads. */
export function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
