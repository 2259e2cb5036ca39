type Schema = { readonly [key: string]: unknown };

/**
 * A small JSON Schema (2020-12) check for the drift tests: the keywords zod's converter writes
 * (type, properties, required, additionalProperties, items, enum, const, anyOf/oneOf/allOf,
 * pattern, lengths, bounds) and local `$ref`s; `format` and annotations are not checked. It holds
 * real answers to the published document itself, not only to the zod schemas it came from.
 */
export function jsonSchemaProblems(schema: Schema, value: unknown, root: Schema, path = '(body)'): string[] {
  if (typeof schema.$ref === 'string') return jsonSchemaProblems(resolveRef(root, schema.$ref), value, root, path);
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path}: ${message}`);
  if (schema.type !== undefined && ![schema.type].flat().some((type) => hasType(value, type as string))) fail(`expected ${JSON.stringify(schema.type)}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => option === value)) fail(`not one of ${JSON.stringify(schema.enum).slice(0, 120)}`);
  if ('const' in schema && schema.const !== value) fail(`expected ${JSON.stringify(schema.const)}`);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives !== undefined && !alternatives.some((option) => jsonSchemaProblems(option, value, root, path).length === 0)) fail('matches none of the alternatives');
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) problems.push(...jsonSchemaProblems(part, value, root, path));
  if (problems.length > 0) return problems;
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((item, index) => problems.push(...jsonSchemaProblems(schema.items as Schema, item, root, `${path}.${index}`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) fail(`missing required field ${name}`);
    for (const [name, field] of Object.entries(object)) {
      const described = properties[name];
      if (described !== undefined) problems.push(...jsonSchemaProblems(described, field, root, `${path}.${name}`));
      else if (schema.additionalProperties === false) fail(`undocumented field ${name}`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...jsonSchemaProblems(schema.additionalProperties as Schema, field, root, `${path}.${name}`));
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'null') return value === null;
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value);
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === type;
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are checked, not ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (node === undefined) throw new Error(`$ref ${ref} resolves to nothing`);
  return node as Schema;
}
