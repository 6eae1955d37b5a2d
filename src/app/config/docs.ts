import { z } from 'zod';
import { EnvSchema, FileConfigSchema } from './schema.js';

interface Row {
  name: string;
  type: string;
  default: string;
  description: string;
}

function unwrap(t: z.ZodTypeAny): { inner: z.ZodTypeAny; def?: unknown; description?: string } {
  let description = t.description;
  let def: unknown;
  let cur = t;
  for (;;) {
    description ??= cur.description;
    if (cur instanceof z.ZodDefault) {
      def = cur._def.defaultValue();
      cur = cur._def.innerType;
    } else if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur._def.innerType;
    else if (cur instanceof z.ZodEffects) cur = cur._def.schema;
    else if (cur instanceof z.ZodPipeline) cur = cur._def.in;
    else break;
  }
  return { inner: cur, def, description };
}

function typeName(t: z.ZodTypeAny): string {
  if (t instanceof z.ZodString) return 'string';
  if (t instanceof z.ZodNumber) return 'number';
  if (t instanceof z.ZodBoolean) return 'boolean';
  if (t instanceof z.ZodEnum) return (t.options as string[]).join(' \\| ');
  if (t instanceof z.ZodArray) return `${typeName(unwrap(t.element).inner)}[]`;
  if (t instanceof z.ZodUnion) return (t.options as z.ZodTypeAny[]).map((o) => (o instanceof z.ZodLiteral ? JSON.stringify(o.value) : typeName(o))).join(' \\| ');
  if (t instanceof z.ZodObject) return 'object';
  return 'value';
}

const show = (v: unknown) => (v === undefined ? '—' : v === '' ? '(empty)' : `\`${JSON.stringify(v)}\``);

function rows(schema: z.AnyZodObject, prefix = ''): Row[] {
  const out: Row[] = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const { inner, def, description } = unwrap(field);
    const name = prefix + key;
    if (inner instanceof z.ZodObject && key !== 'rules') {
      if (description) out.push({ name, type: 'object', default: '—', description });
      out.push(...rows(inner, `${name}.`));
      continue;
    }
    out.push({ name, type: typeName(inner), default: show(def), description: description ?? '' });
  }
  return out;
}

function table(list: Row[], first: string): string {
  const lines = [`| ${first} | type | default | description |`, '| --- | --- | --- | --- |'];
  for (const r of list) lines.push(`| \`${r.name}\` | ${r.type} | ${r.default} | ${r.description.replace(/\|/g, '\\|')} |`);
  return lines.join('\n');
}

/** The README's configuration reference, generated from the schemas (`npm run docs`). */
export function configReference(): string {
  const env = rows(EnvSchema).map((r) => (r.default === '—' ? r : { ...r, default: r.default === '`""`' ? '(empty)' : r.default }));
  return [
    '### Environment variables',
    '',
    'Read from the environment, then from a `.env` file in the working directory (the environment wins).',
    '',
    table(env, 'variable'),
    '',
    '### Config file (`ytwatch.config.json`)',
    '',
    'JSON, validated strictly: an unknown or malformed key stops ytwatch with a one-line error naming it.',
    '',
    table(rows(FileConfigSchema), 'key'),
    '',
    'Rules per metric (`rules.views`, `rules.likes`, `rules.comments`); an alert fires when any of them matches:',
    '',
    table(rows((FileConfigSchema.shape.rules._def.innerType as z.AnyZodObject).shape.views._def.innerType as z.AnyZodObject, 'rules.<metric>.'), 'key'),
  ].join('\n');
}
