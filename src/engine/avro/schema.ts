/**
 * Avro schemas derived from zod definitions, so a record's shape is written once. Covers what
 * record schemas use: objects (→ record), string/number/boolean literals, strings, numbers (integer
 * → `long`, else `double`), booleans, enums (→ enum), arrays, `.nullable()`/`.optional()`
 * (→ `["null", T]` with default `null`) and discriminated unions of objects (→ one record with
 * every branch's fields, those some branch lacks nullable).
 * Field docs come from the zod `.describe()` texts. Anything else throws: extend this on purpose.
 */
import { z } from 'zod';

export type AvroSchema = string | AvroSchema[] | { [k: string]: unknown };
interface AvroField { name: string; type: AvroSchema; default?: null; doc?: string }
interface AvroRecord { type: 'record'; name: string; fields: AvroField[] }

export interface AvroOptions {
  /** Namespace of the named types. */
  namespace: string;
  /** Record and enum names by zod type; unnamed objects and enums get `<Parent><Field>`. */
  names?: Map<z.ZodTypeAny, string>;
}

/** The Avro schema of one zod definition; `name` names the top-level record (or union branch fallback). */
export function avroSchema(schema: z.ZodTypeAny, name: string, options: AvroOptions): AvroSchema {
  return convert(schema, name, options, new Set());
}

function convert(t: z.ZodTypeAny, name: string, o: AvroOptions, seen: Set<string>): AvroSchema {
  const named = o.names?.get(t) ?? name;
  const def = t._def as { typeName: z.ZodFirstPartyTypeKind };
  switch (def.typeName) {
    case z.ZodFirstPartyTypeKind.ZodObject: {
      const shape = (t as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
      const fields = Object.entries(shape).map(([field, ft]) => {
        const type = convert(ft, `${named}${field[0]!.toUpperCase()}${field.slice(1)}`, o, seen);
        const doc = ft.description;
        return { name: field, type, ...(Array.isArray(type) && type[0] === 'null' ? { default: null } : {}), ...(doc ? { doc } : {}) };
      });
      return { type: 'record', name: named, namespace: o.namespace, ...(t.description ? { doc: t.description } : {}), fields };
    }
    case z.ZodFirstPartyTypeKind.ZodDiscriminatedUnion: {
      // One record with every branch's fields: a field some branch lacks is `["null", T]`, null there.
      // (ksqlDB and most tools want a record at the top, not a union.)
      const options = (t as z.ZodDiscriminatedUnion<string, z.AnyZodObject[]>).options;
      const records = options.map((opt) => convert(opt, named, o, seen) as unknown as AvroRecord);
      const fields = new Map<string, AvroField>();
      for (const rec of records) {
        for (const f of rec.fields) {
          const prev = fields.get(f.name);
          if (prev && JSON.stringify(prev.type) !== JSON.stringify(f.type)) throw new Error(`avroSchema: ${named}.${f.name} has different types in the union's branches`);
          if (!prev) fields.set(f.name, f);
        }
      }
      const merged = [...fields.values()].map((f) => {
        if (records.every((r) => r.fields.some((x) => x.name === f.name)) || (Array.isArray(f.type) && f.type[0] === 'null')) return f;
        return { ...f, type: ['null', f.type], default: null };
      });
      return { type: 'record', name: named, namespace: o.namespace, ...(t.description ? { doc: t.description } : {}), fields: merged };
    }
    case z.ZodFirstPartyTypeKind.ZodNullable:
    case z.ZodFirstPartyTypeKind.ZodOptional: {
      const inner = convert((t as z.ZodNullable<z.ZodTypeAny>).unwrap(), name, o, seen);
      return ['null', ...(Array.isArray(inner) ? inner.filter((b) => b !== 'null') : [inner])];
    }
    case z.ZodFirstPartyTypeKind.ZodDefault:
      return convert((t as z.ZodDefault<z.ZodTypeAny>).removeDefault(), name, o, seen);
    case z.ZodFirstPartyTypeKind.ZodLiteral: {
      const v = (t as z.ZodLiteral<unknown>).value;
      if (typeof v === 'string') return 'string';
      if (typeof v === 'boolean') return 'boolean';
      if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
      throw new Error(`avroSchema: unsupported literal ${String(v)} in ${name}`);
    }
    case z.ZodFirstPartyTypeKind.ZodString:
      return 'string';
    case z.ZodFirstPartyTypeKind.ZodNumber:
      return (t as z.ZodNumber).isInt ? 'long' : 'double';
    case z.ZodFirstPartyTypeKind.ZodBoolean:
      return 'boolean';
    case z.ZodFirstPartyTypeKind.ZodEnum: {
      if (seen.has(named)) return `${o.namespace}.${named}`;
      seen.add(named);
      return { type: 'enum', name: named, namespace: o.namespace, symbols: [...(t as z.ZodEnum<[string, ...string[]]>).options] };
    }
    case z.ZodFirstPartyTypeKind.ZodArray:
      return { type: 'array', items: convert((t as z.ZodArray<z.ZodTypeAny>).element, `${named}Item`, o, seen) };
    default:
      throw new Error(`avroSchema: no Avro mapping for ${def.typeName} in ${name}`);
  }
}
