import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { BUILD_COMMAND, type BuildInfo, buildConsole, buildState, DIST_DIR } from '../../console/build.ts';
import { errorBody } from '../http/errors.ts';

export type BuildMode = 'auto' | 'never';

/**
 * Makes sure a current console build exists. `auto` (default) builds when dist is missing or older than the
 * sources (esbuild, ~100 ms); `never` serves what is there and, when nothing is, answers /console with 503 naming
 * the build command. Returns the build to serve, or the reason there is none.
 */
export async function ensureBuild(mode: BuildMode, log: FastifyBaseLogger): Promise<BuildInfo | string> {
  const state = await buildState();
  if (state && mode === 'auto') {
    try {
      const info = await buildConsole();
      log.info({ reason: state, js: info.js, jsGzip: info.bytes.jsGzip }, 'built the console');
      return info;
    } catch (err) {
      log.error({ err }, 'console build failed');
      return `the console build failed (${(err as Error).message}); run ${BUILD_COMMAND} to see why`;
    }
  }
  if (state === 'missing') return `the console is not built; run ${BUILD_COMMAND}`;
  if (state === 'stale') log.warn(`the console build is older than its sources; run ${BUILD_COMMAND}`);
  return JSON.parse(await readFile(path.join(DIST_DIR, 'build.json'), 'utf8')) as BuildInfo;
}

const ASSET = /^app-[A-Za-z0-9]+\.(js|css)$/;

/** GET /console/ (the page) and /console/app-<hash>.{js,css} (immutable). Public: the assets hold no data. */
export async function assetRoutes(app: FastifyInstance, build: BuildInfo | string): Promise<void> {
  await app.register(fastifyStatic, { root: DIST_DIR, serve: false });
  const hide = { hide: true };
  app.get('/console', { config: { auth: 'public' }, schema: hide }, (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console/', { config: { auth: 'public' }, schema: hide }, (_req, reply) => {
    if (typeof build === 'string') return reply.code(503).send(errorBody('console_unavailable', build));
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
  app.get<{ Params: { file: string } }>(
    '/console/:file',
    { config: { auth: 'public' }, schema: hide },
    (req, reply) => {
      const { file } = req.params;
      if (typeof build === 'string' || !ASSET.test(file)) {
        return reply.code(404).send(errorBody('not_found', `no console asset ${file.slice(0, 80)}`));
      }
      // Hashed names never change content; a name from an older or newer build is simply a 404 from disk.
      return reply.sendFile(file, { immutable: true, maxAge: '365d' });
    },
  );
}
