import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

type Json = Record<string, unknown>;

/**
 * The JSON Schema (draft-07, every subschema inline) of a zod definition, for Fastify's validation
 * and serialization, `@fastify/swagger`'s OpenAPI document and the compiled JSON serializers of the
 * hot topics (`compiledJsonSerde`). Converted by `zod-to-json-schema`;
 * objects forbid unknown keys only when the zod object is `.strict()`, and a nullable scalar is
 * written `type: [T, 'null']` (not an `anyOf`, which the serializer would have to try branch by branch).
 */
export function toJsonSchema(schema: z.ZodTypeAny): Json {
  const json = zodToJsonSchema(schema, { $refStrategy: 'none', target: 'jsonSchema7', removeAdditionalStrategy: 'strict', allowedAdditionalProperties: undefined }) as Json;
  delete json.$schema;
  return simplify(json) as Json;
}

function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = simplify(v);
  const any = out.anyOf as Json[] | undefined;
  if (any?.length === 2 && any.some((s) => isNull(s))) {
    const other = any.find((s) => !isNull(s))!;
    if (typeof other.type === 'string' && other.type !== 'object' && other.type !== 'array') {
      const { anyOf: _drop, ...rest } = out;
      const merged: Json = { ...other, ...rest, type: [other.type, 'null'] };
      if (Array.isArray(other.enum)) merged.enum = [...(other.enum as unknown[]), null];
      return merged;
    }
  }
  return out;
}

const isNull = (s: Json) => s.type === 'null' && Object.keys(s).length === 1;
