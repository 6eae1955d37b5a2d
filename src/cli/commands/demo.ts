import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConfigSchema } from '../../config/schema.js';
import { EnvSchema } from '../../config/schema.js';
import { FakeYouTube } from '../../fakes/youtube.js';
import { Pipeline } from '../../runtime/pipeline.js';
import { createLogger } from '../../runtime/logger.js';
import { ConsoleSink } from '../../sinks/console.js';
import { parsePlaylist } from '../../youtube/targets.js';
import type { CliArgs } from '../args.js';
import { shutdownSignals } from '../context.js';

/**
 * `ytwatch demo`: the real pipeline (fetch → embedded log → detect → notify) against a built-in
 * simulated YouTube on loopback whose numbers move every 2 s, with alerts on the console. Needs no
 * key, token or network; its data folder is temporary.
 */
export async function demoCommand(args: CliArgs): Promise<number> {
  const fake = await FakeYouTube.start({ apiKey: 'demo-key' });
  const { playlistId, videos } = FakeYouTube.demoData(fake);
  const stopSim = fake.simulate({ everyMs: 2000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'ytwatch-demo-'));
  const env = EnvSchema.parse({
    YOUTUBE_API_KEY: 'demo-key',
    YOUTUBE_API_ROOT: fake.url,
    YTWATCH_DATA_DIR: dataDir,
    YTWATCH_LOG_LEVEL: process.env.YTWATCH_LOG_LEVEL ?? 'warn',
  });
  const config = FileConfigSchema.parse({ interval: args.interval ?? '3s' });
  const logger = createLogger(env.YTWATCH_LOG_LEVEL);
  const pipeline = await Pipeline.open({
    env,
    config,
    targets: [parsePlaylist(playlistId)],
    sinks: [new ConsoleSink(process.stdout)],
    logger,
  });
  const signals = shutdownSignals();
  process.stdout.write(
    `ytwatch demo: watching ${videos.length} videos of a simulated YouTube (${fake.url}), polling every ${config.interval}.\n` +
      `Rules: likes changed, comments changed, views crossed a multiple of 200. Alerts appear below; Ctrl-C to stop.\n`,
  );
  try {
    await pipeline.run(signals.stop, signals.abort);
    return 0;
  } finally {
    signals.dispose();
    stopSim();
    await pipeline.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
