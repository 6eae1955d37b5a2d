import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSchema, FileConfigSchema } from '../../config/schema.js';
import { loadEnv, parseInterval } from '../../config/load.js';
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
  const interval = args.interval ?? '3s';
  parseInterval(interval);
  const level = loadEnv().YTWATCH_LOG_LEVEL;
  const fake = await FakeYouTube.start({ apiKey: 'demo-key' });
  const dataDir = mkdtempSync(join(tmpdir(), 'ytwatch-demo-'));
  let stopSim = () => {};
  let pipeline: Pipeline | undefined;
  const signals = shutdownSignals();
  try {
    const { playlistId, videos } = FakeYouTube.demoData(fake);
    stopSim = fake.simulate({ everyMs: 2000 });
    const env = EnvSchema.parse({ YOUTUBE_API_KEY: 'demo-key', YOUTUBE_API_ROOT: fake.url, YTWATCH_DATA_DIR: dataDir, YTWATCH_LOG_LEVEL: level === 'info' ? 'warn' : level });
    const config = FileConfigSchema.parse({ interval });
    pipeline = await Pipeline.open({
      env,
      config,
      targets: [parsePlaylist(playlistId)],
      sinks: [new ConsoleSink(process.stdout)],
      logger: createLogger(env.YTWATCH_LOG_LEVEL),
    });
    process.stdout.write(
      `ytwatch demo: watching ${videos.length} videos of a simulated YouTube (${fake.url}), polling every ${interval}.\n` +
        `Rules: likes changed, comments changed, views crossed a multiple of 200. Alerts appear below; Ctrl-C to stop.\n`,
    );
    await pipeline.run(signals.stop, signals.abort);
    return 0;
  } finally {
    signals.dispose();
    stopSim();
    await pipeline?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
