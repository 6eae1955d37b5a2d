import type { Writable } from 'node:stream';
import type { z } from 'zod';
import type { NotifyConfig } from './config.js';
import type { Sink } from './sink.js';

/** What a sink plugin gets to build its sink: its own environment variables, the `notify` slice, the sinks built before it. */
export interface SinkContext<E extends z.ZodRawShape> {
  env: z.infer<z.ZodObject<E>>;
  notify: NotifyConfig;
  logger: { warn(obj: object, msg: string): void };
  stdout: Writable;
  /** The sinks the plugins registered before this one built (the console sink is on when none). */
  built: readonly Sink[];
}

/**
 * A sink and its config slice, registered in `sinks/registry.ts`. Its `env` variables join the
 * environment schema (and so the README reference, `npm run docs`); `create` returns the sink, or
 * `undefined` when the configuration does not ask for it, and throws a `ConfigError` when it is half set.
 */
export interface SinkPlugin<E extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly env: E;
  create(ctx: SinkContext<E>): Sink | undefined;
}

/** Declares a plugin with its environment typed from its own slice. */
export function defineSink<E extends z.ZodRawShape>(plugin: SinkPlugin<E>): SinkPlugin<E> {
  return plugin;
}
