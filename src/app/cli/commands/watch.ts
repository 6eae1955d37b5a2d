import { ConfigError } from '../../../engine/core/errors.js';
import type { Subscription } from '../../core/events.js';
import { names as makeNames } from '../../core/topics.js';
import { logOptions, openLog } from '../../runtime/open-log.js';
import { SubscriptionBook, operatorRecipient, operatorSubscriptions } from '../../subscriptions/book.js';
import type { Recipient } from '../../core/events.js';
import { loadContext } from '../context.js';
import { parseInterval } from '../../config/load.js';
import type { CliArgs } from '../args.js';

/**
 * `ytwatch watch add <target> [--chat ID] [--rules JSON]`, `watch list [--json]`,
 * `watch remove <id|target>`: the subscriptions on the log (a running `run` picks changes up at its
 * next poll). The flags' and config file's targets are listed as the operator's (`config`).
 */
export async function watchCommand(args: CliArgs): Promise<number> {
  const sub = args.rest[0] ?? 'list';
  const operand = args.rest[1];
  const ctx = loadContext(args);
  const recipient: Recipient = args.chat !== undefined ? { kind: 'telegram', chatId: args.chat } : operatorRecipient(ctx.env);
  let rules: unknown;
  if (args.rules !== undefined) {
    try {
      rules = JSON.parse(args.rules);
    } catch {
      throw new ConfigError('--rules is not JSON', 'e.g. --rules \'{"views":{"every":1000},"likes":{"any":true}}\'');
    }
  }
  const names = makeNames(ctx.env.YTWATCH_TOPIC_PREFIX);
  const log = await openLog(logOptions(ctx.env, ctx.config, names, ctx.logger));
  try {
    const book = new SubscriptionBook(log, names, { operator: operatorSubscriptions(ctx.targets, operatorRecipient(ctx.env)), maxPerChat: ctx.config.subscriptions.maxPerChat, quota: { interval: parseInterval(ctx.config.interval), dailyBudget: ctx.config.dailyBudget } });
    await book.refresh();
    if (sub === 'add') {
      const { subscription, created, quota } = await book.add({ recipient, target: operand!, rules });
      process.stdout.write(`${created ? 'added' : 'updated'} ${describe(subscription)}; ${quota}; a running \`ytwatch run\` polls it from its next poll\n`);
      return 0;
    }
    if (sub === 'remove') {
      const found = book.find(operand!, args.chat !== undefined ? recipient : undefined) ?? book.find(operand!, recipient);
      if (!found) throw new ConfigError(`no subscription ${JSON.stringify(operand!.slice(0, 80))}`, 'see `ytwatch watch list` for the ids');
      const removed = await book.remove(found.id);
      process.stdout.write(`removed ${describe(removed)}\n`);
      return 0;
    }
    const all = book.list();
    if (args.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else {
      for (const s of all) process.stdout.write(`${describe(s)}\n`);
      process.stdout.write(`${all.length} subscription(s), ${new Set(all.map((s) => s.target)).size} distinct target(s)\n`);
    }
    return 0;
  } finally {
    await log.close();
  }
}

function describe(s: Subscription): string {
  const who = s.recipient.kind === 'telegram' ? `chat ${s.recipient.chatId}` : s.recipient.kind;
  const muted = s.mutedUntil && s.mutedUntil > Date.now() ? ` muted until ${new Date(s.mutedUntil).toISOString()}` : '';
  return `${s.id} ${s.target} → ${who}${s.rules ? ` rules ${JSON.stringify(s.rules)}` : ''}${s.id.startsWith('config-') ? ' (config)' : ''}${muted}`;
}
