/**
 * The schema registry as the Avro serde needs it: register a subject's schema (BACKWARD
 * compatible), and find a writer's schema by id. Two implementations: a Confluent-compatible
 * registry over HTTP (`@confluentinc/schemaregistry`, the official client), and a file in the data
 * folder for the embedded log when no registry is configured.
 */
import { YtwatchError } from '../core/errors.js';

export interface SchemaRegistry {
  /**
   * Sets the subject's compatibility to BACKWARD and registers `schema` under it (a no-op when it is
   * registered already); returns its id. Throws {@link IncompatibleSchemaError} when the registry
   * rejects it as incompatible, {@link RegistryError} when it cannot be reached.
   */
  register(subject: string, schema: string): Promise<number>;
  /** The Avro schema (JSON text) with this id; throws {@link RegistryError} (`unknownId` when the registry has none). */
  schemaById(id: number, subject: string): Promise<string>;
  /** What to call it in messages: the URL without credentials, or the file. */
  readonly where: string;
  close?(): void;
}

/** The registry refused a schema because it breaks BACKWARD compatibility with the registered one. */
export class IncompatibleSchemaError extends YtwatchError {
  override name = 'IncompatibleSchemaError';
  constructor(subject: string, detail: string) {
    super(`the record schema of ${subject} is not BACKWARD compatible with its registered version (${detail})`, {
      hint: 'give new fields a default and do not remove or retype fields without one; or register the change under a new topic',
    });
  }
}

/** A registry call failed: `retriable` when it could not be reached or answered 5xx; `unknownId` for 404 on an id. */
export class RegistryError extends YtwatchError {
  override name = 'RegistryError';
  constructor(message: string, readonly unknownId: boolean, retriable: boolean, cause?: unknown) {
    super(message, { retriable, cause, hint: 'check SCHEMA_REGISTRY_URL and that the registry is up' });
  }
}
