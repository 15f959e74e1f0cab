import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { NoContent, responses } from '../routes/common.ts';
import type { OperatorPrincipal } from '../store/operators.ts';
import { prepareBundle } from './bundle-archive.ts';
import { insertBundle, listBundles } from './bundle-store.ts';
import type { Keyring } from './keys.ts';
import type { RegistryOptions } from './options.ts';
import {
  advanceRollout,
  createRollout,
  getRollout,
  haltRollout,
  listRollouts,
  rollBackRollout,
  setAgentChannel,
} from './rollouts.ts';
import {
  AgentIdParamSchema,
  BundleViewSchema,
  ChannelBodySchema,
  PublicKeySchema,
  ReasonBodySchema,
  RolloutAdvanceSchema,
  RolloutCreateSchema,
  RolloutIdParamSchema,
  RolloutSchema,
} from './schemas.ts';

const ARCHIVE_TYPES = ['application/x-tar', 'application/gzip', 'application/octet-stream'];
const nameOf = (p: unknown) => (p as OperatorPrincipal).name;
type IdParams = { Params: Static<typeof RolloutIdParamSchema> };

/** Bundle upload and listing, the public keys, rollouts and channels (operator side). */
export function registryOperatorRoutes(opts: RegistryOptions, keyring: () => Keyring) {
  return async (app: FastifyInstance): Promise<void> => {
    const { db, clock, events } = app.vigil;
    app.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit: opts.maxBundleBytes }, (_r, body, done) =>
      done(null, body),
    );

    app.post(
      '/v1/bundles',
      {
        bodyLimit: opts.maxBundleBytes,
        config: { auth: 'admin', audit: 'bundle.upload' },
        schema: {
          tags: ['registry'],
          summary: 'Upload a bundle: a tar (optionally gzipped) of manifest.json plus the files it lists',
          description: `Content-Type one of ${ARCHIVE_TYPES.join(', ')}. Every file is checked against its sha256.`,
          response: responses({ 201: BundleViewSchema }, [409, 413, 415]),
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw new ApiError(400, 'invalid_bundle', 'send the archive as the body');
        const prepared = prepareBundle(request.body, opts.maxBundleBytes);
        const view = await insertBundle(db, prepared, keyring(), nameOf(request.principal), clock());
        request.audit = { target: view.id, detail: { version: view.version, sha256: view.archiveSha256 } };
        return reply.code(201).send(view);
      },
    );

    app.get(
      '/v1/bundles',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['registry'],
          summary: 'Stored bundles, newest first (at most 1000)',
          response: responses({ 200: Type.Object({ items: Type.Array(BundleViewSchema) }) }),
        },
      },
      async () => ({ items: await listBundles(db) }),
    );

    app.get(
      '/v1/keys',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['registry'],
          summary: 'Public ed25519 keys that sign bundle manifests (the active one and those kept for rotation)',
          response: responses({ 200: Type.Object({ items: Type.Array(PublicKeySchema) }) }),
        },
      },
      async () => ({ items: keyring().publicKeys() }),
    );

    app.get(
      '/v1/rollouts',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['registry'],
          summary: 'Rollouts, newest first',
          response: responses({ 200: Type.Object({ items: Type.Array(RolloutSchema) }) }),
        },
      },
      async () => ({ items: await listRollouts(db) }),
    );

    app.post<{ Body: Static<typeof RolloutCreateSchema> }>(
      '/v1/rollouts',
      {
        config: { auth: 'operator', audit: 'rollout.create' },
        schema: {
          tags: ['registry'],
          summary: 'Start a rollout of a bundle to a share of the hosts of a channel (100 = whole channel at once)',
          body: RolloutCreateSchema,
          response: responses({ 201: RolloutSchema }, [404, 409]),
        },
      },
      async (request, reply) => {
        const r = await createRollout(db, request.body, nameOf(request.principal), clock());
        request.audit = { target: r.id, detail: { ...request.body } };
        events.emit('rollout.changed', { id: r.id, status: r.status, by: nameOf(request.principal) });
        return reply.code(201).send(r);
      },
    );

    const transitionRoute = <B extends Record<string, unknown>>(
      name: string,
      body: TSchema,
      run: (id: string, b: B, by: string) => Promise<unknown>,
    ) =>
      app.post<IdParams & { Body: B }>(
        `/v1/rollouts/:id/${name}`,
        {
          config: { auth: 'operator', audit: `rollout.${name}` },
          schema: {
            tags: ['registry'],
            summary: `${name[0].toUpperCase()}${name.slice(1)} a rollout`,
            params: RolloutIdParamSchema,
            body,
            response: responses({ 200: RolloutSchema }, [404, 409]),
          },
        },
        async (request) => {
          const b = request.body as B;
          request.audit = { target: request.params.id, detail: { ...b } };
          await getRollout(db, request.params.id);
          const r = (await run(request.params.id, b, nameOf(request.principal))) as { id: string; status: string };
          events.emit('rollout.changed', { id: r.id, status: r.status, by: nameOf(request.principal) });
          return r;
        },
      );
    transitionRoute<Static<typeof RolloutAdvanceSchema>>('advance', RolloutAdvanceSchema, (id, b) =>
      advanceRollout(db, id, b.percent, clock()),
    );
    transitionRoute<Static<typeof ReasonBodySchema>>('halt', ReasonBodySchema, (id, b, by) =>
      haltRollout(db, id, `${by}: ${b.reason}`, null, clock()),
    );
    transitionRoute<Static<typeof ReasonBodySchema>>('rollback', ReasonBodySchema, (id, b, by) =>
      rollBackRollout(db, id, `${by}: ${b.reason}`, clock()),
    );

    app.put<{ Params: Static<typeof AgentIdParamSchema>; Body: Static<typeof ChannelBodySchema> }>(
      '/v1/agents/:id/channel',
      {
        config: { auth: 'operator', audit: 'agent.channel' },
        schema: {
          tags: ['registry'],
          summary: 'Put a host on the stable or canary channel',
          params: AgentIdParamSchema,
          body: ChannelBodySchema,
          response: responses({ 204: NoContent }, [404]),
        },
      },
      async (request, reply) => {
        request.audit = { target: request.params.id, detail: { channel: request.body.channel } };
        await setAgentChannel(db, request.params.id, request.body.channel, clock());
        return reply.code(204).send();
      },
    );
  };
}
