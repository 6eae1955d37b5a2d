import { version } from '../core/version.js';
import { YtwatchError } from '../../engine/core/errors.js';
import { helpFor, parseCli } from './args.js';
import { runCommand } from './commands/run.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { dlqCommand } from './commands/dlq.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { watchCommand } from './commands/watch.js';


/** The CLI entry point: runs a command and sets the exit code; known errors become one line. */
export async function main(argv: string[]): Promise<void> {
  try {
    const args = parseCli(argv);
    if (args.help || args.command === 'help') {
      process.stdout.write(`${helpFor(args)}\n`);
      return;
    }
    if (args.command === 'version') {
      process.stdout.write(`${version()}\n`);
      return;
    }
    let code: number;
    switch (args.command) {
      case 'run':
        code = await runCommand(args, ['fetch', 'detect', 'notify']);
        break;
      case 'fetch':
      case 'detect':
      case 'notify':
        code = await runCommand(args, [args.command]);
        break;
      case 'demo':
        code = await demoCommand(args);
        break;
      case 'doctor':
        code = await doctorCommand();
        break;
      case 'status':
        code = await statusCommand(args);
        break;
      case 'dlq':
        code = await dlqCommand(args);
        break;
      case 'watch':
        code = await watchCommand(args);
        break;
      case 'serve':
        code = await serveCommand(args);
        break;
      default:
        throw new YtwatchError(`unknown command "${args.command}"`, { hint: 'see `ytwatch --help`' });
    }
    process.exitCode = code;
  } catch (err) {
    process.exitCode = reportFatal(err);
  }
}

/** Prints a known error as one line naming the fix (exit 1); anything else is a bug (stack, exit 70). */
export function reportFatal(err: unknown): number {
  if (err instanceof YtwatchError) {
    process.stderr.write(`ytwatch: ${err.message}${err.hint ? ` — ${err.hint}` : ''}\n`);
    return 1;
  }
  process.stderr.write(`ytwatch: internal error (please report it): ${err instanceof Error ? err.stack : String(err)}\n`);
  return 70;
}
