import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSchema, FileConfigSchema } from '../../config/schema.js';
import { loadEnv, parseInterval } from '../../config/load.js';
import { FakeYouTube } from '../../fakes/youtube.js';
import { FakeFeeds } from '../../fakes/feeds.js';
import { Pipeline } from '../../runtime/pipeline.js';
import { createLogger } from '../../runtime/logger.js';
import { ConsoleSink } from '../../sinks/console.js';
import { parsePlaylist } from '../../youtube/targets.js';
import type { CliArgs } from '../args.js';
import { shutdownSignals } from '../context.js';
import { HistoryApi } from '../history-api.js';
import { runTogether } from '../../../engine/stream/loops.js';

/**
 * `ytwatch demo`: the real pipeline (fetch → embedded log → detect → notify) against a built-in
 * simulated YouTube on loopback whose numbers move every 2 s (as often as it polls: `--interval`),
 * with alerts on the console. Needs no key, token or network; its data folder is temporary. With
 * `--port` it also serves the dashboard and prints its URL.
 */
export async function demoCommand(args: CliArgs): Promise<number> {
  const interval = args.interval ?? '2s';
  const seconds = parseInterval(interval);
  const everyMs = seconds === 'auto' ? 2000 : seconds * 1000;
  const level = loadEnv().YTWATCH_LOG_LEVEL;
  const fake = await FakeYouTube.start({ apiKey: 'demo-key' });
  const feeds = await FakeFeeds.start(fake);
  const dataDir = mkdtempSync(join(tmpdir(), 'ytwatch-demo-'));
  let stopSim = () => {};
  let pipeline: Pipeline | undefined;
  let api: HistoryApi | undefined;
  const signals = shutdownSignals();
  try {
    const { playlistId, videos } = FakeYouTube.demoData(fake);
    stopSim = fake.simulate({ everyMs });
    const env = EnvSchema.parse({ YOUTUBE_API_KEY: 'demo-key', YOUTUBE_API_ROOT: fake.url, YOUTUBE_FEEDS_ROOT: feeds.url, YTWATCH_DATA_DIR: dataDir, YTWATCH_LOG_LEVEL: level === 'info' ? 'warn' : level });
    // The simulated YouTube has no quota: no budget warning, no pause.
    const config = FileConfigSchema.parse({ interval, dailyBudget: 1_000_000_000 });
    pipeline = await Pipeline.open({
      env,
      config,
      targets: [parsePlaylist(playlistId)],
      sinks: [new ConsoleSink(process.stdout)],
      logger: createLogger(env.YTWATCH_LOG_LEVEL, args.logFormat),
    });
    if (args.port !== undefined) {
      api = await HistoryApi.start({
        log: pipeline.log,
        names: pipeline.names,
        logger: createLogger(env.YTWATCH_LOG_LEVEL, args.logFormat),
        dataDir,
        retentionDays: 0,
        host: args.host ?? '127.0.0.1',
        port: args.port,
        delivery: () => pipeline!.deliveryCounts(),
        quotaUnitsToday: () => pipeline!.quotaUnitsToday() ?? 0,
      });
    }
    process.stdout.write(
      `ytwatch demo: watching ${videos.length} videos of a simulated YouTube (${fake.url}) whose numbers move every ${everyMs / 1000} s, polled every ${everyMs / 1000} s.\n` +
        `Rules: likes changed, comments changed, views crossed a multiple of 200. Alerts appear below; Ctrl-C to stop.\n` +
        (api ? `Dashboard: ${api.url}/\n` : ''),
    );
    const p = pipeline;
    const loops = [(stop: AbortSignal, abort: AbortSignal) => p.run(stop, abort)];
    if (api) loops.push(api.run.bind(api));
    await runTogether(signals.stop, signals.abort, loops);
    return 0;
  } finally {
    signals.dispose();
    stopSim();
    await api?.close();
    await pipeline?.close();
    await feeds.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
