import { z } from 'zod';

export type JsonObject = { [key: string]: unknown };

// Parts zod cannot say in JSON Schema (a transform's output), said once by the module that owns them.
const overrides = new WeakMap<object, JsonObject>();

/** Says how `schema` reads in JSON Schema wherever it appears (e.g. a Date-or-string timestamp written as a string). */
export function describeAs(schema: z.ZodType, json: JsonObject): void {
  overrides.set(schema, json);
}

/**
 * A zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1: requests as clients send them
 * (`input`: defaults optional, before transforms), answers as servers write them (`output`).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (context) => {
      const replacement = overrides.get(context.zodSchema);
      if (replacement === undefined) return;
      for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
      Object.assign(context.jsonSchema, replacement);
    },
  }) as JsonObject;
  const { $schema: _dialect, ...body } = generated;
  return body;
}
