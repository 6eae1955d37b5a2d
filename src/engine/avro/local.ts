/**
 * A schema registry kept in one JSON file (the embedded log's data folder), for Avro without a
 * registry server. Same ids and rules as a registry: ids count from 1, the same schema text keeps
 * its id, a new version must be BACKWARD compatible with the subject's latest (checked with avsc's
 * schema resolution: the new schema must read data written with the old one).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import avro from 'avsc';
import { IncompatibleSchemaError, RegistryError, type SchemaRegistry } from './registry.js';

interface Stored {
  schemas: string[];
  subjects: Record<string, number[]>;
}

export function fileRegistry(file: string): SchemaRegistry {
  const load = (): Stored => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Stored) : { schemas: [], subjects: {} });
  return {
    where: file,
    async register(subject, schema) {
      const data = load();
      const versions = (data.subjects[subject] ??= []);
      const existing = data.schemas.indexOf(schema) + 1;
      if (existing > 0 && versions.includes(existing)) return existing;
      const latest = versions.at(-1);
      if (latest !== undefined) {
        try {
          avro.Type.forSchema(JSON.parse(schema) as avro.Schema).createResolver(avro.Type.forSchema(JSON.parse(data.schemas[latest - 1]!) as avro.Schema));
        } catch (err) {
          throw new IncompatibleSchemaError(subject, (err as Error).message.split('\n')[0]!);
        }
      }
      const id = existing > 0 ? existing : data.schemas.push(schema);
      versions.push(id);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(`${file}.tmp`, JSON.stringify(data, null, 2), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return id;
    },
    async schemaById(id) {
      const schema = load().schemas[id - 1];
      if (schema === undefined) throw new RegistryError(`unknown schema id ${id} in ${file}`, true, false);
      return schema;
    },
  };
}
