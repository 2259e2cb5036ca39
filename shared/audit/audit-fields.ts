const MAX_FIELDS = 64;
const MAX_NAME = 128;

/**
 * The names of the fields a request body sets, never their values: top-level names, and one level
 * down into objects (`filters.results`, `headers.Authorization`: which header changed, not to
 * what). Bounded in count and length (names inside objects are chosen by the caller).
 */
export function fieldNames(body: unknown): string[] {
  if (!isObject(body)) return [];
  const names: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (isObject(value) && Object.keys(value).length > 0) for (const inner of Object.keys(value)) names.push(`${name}.${inner}`);
    else names.push(name);
  }
  return names.slice(0, MAX_FIELDS).map((name) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
