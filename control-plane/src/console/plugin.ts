import type { FastifyInstance } from 'fastify';
import { assetRoutes, type BuildMode, ensureBuild } from './assets.ts';
import { consoleRoutes } from './routes.ts';
import { type StreamOptions, streamRoute } from './stream.ts';

export interface ConsoleOptions {
  /** `auto` (default): build the front end at start when it is missing or stale; `never`: serve dist as it is. */
  build?: BuildMode;
  stream?: Partial<StreamOptions>;
}

/**
 * The fleet console: the single-page app at /console/, its read routes under /v1/console and /v1/me, and the
 * live stream. Wire with `plugins: [consolePlugin()]` (areas.ts does).
 */
export function consolePlugin(opts: ConsoleOptions = {}) {
  return async function console(app: FastifyInstance): Promise<void> {
    const build = await ensureBuild(
      opts.build ?? (process.env.VIGIL_CONSOLE_BUILD === 'never' ? 'never' : 'auto'),
      app.log,
    );
    await app.register((scope) => assetRoutes(scope, build));
    await app.register(consoleRoutes);
    await app.register(streamRoute({ keepAliveMs: 15_000, maxStreams: 500, maxStreamsPerToken: 8, ...opts.stream }));
  };
}
