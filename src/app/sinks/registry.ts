/**
 * Every sink ytwatch can deliver to, in the order they are built (the console last: it is the
 * default when no other is configured). A new sink is one file exporting a `defineSink(…)` and one
 * entry here; its environment variables join the schema and the README reference by themselves.
 */
import { consoleSink } from './console.js';
import type { SinkPlugin } from './plugin.js';
import { telegramSink } from './telegram.js';
import { webhookSink } from './webhook.js';

export const SINKS = [telegramSink, webhookSink, consoleSink] as const;

type EnvOf<T> = T extends SinkPlugin<infer E> ? E : never;
type Intersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** The environment variables of every registered sink, for the environment schema. */
export const SINK_ENV = Object.assign({}, ...SINKS.map((s) => s.env)) as Intersection<EnvOf<(typeof SINKS)[number]>>;
