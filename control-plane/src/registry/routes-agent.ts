import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import type { AgentPrincipal } from '../store/credentials.ts';
import { bundleArchive, signedBundle } from './bundle-store.ts';
import type { Keyring } from './keys.ts';
import type { RegistryOptions } from './options.ts';
import { rollbackFor } from './rollback-directive.ts';
import { agentChannel, assignedBundleId } from './rollouts.ts';
import { BundleOfferSchema, BundleQuerySchema, VersionParamSchema } from './schemas.ts';

async function recordCheck(app: FastifyInstance, agentId: string, current: string | undefined, offered: string | null) {
  await app.vigil.db.query(
    `INSERT INTO agent_bundle_state (agent_id, current_version, offered_version, checked_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (agent_id) DO UPDATE SET current_version = COALESCE(EXCLUDED.current_version,
       agent_bundle_state.current_version), offered_version = EXCLUDED.offered_version, checked_at = EXCLUDED.checked_at`,
    [agentId, current ?? null, offered, app.vigil.clock()],
  );
}

/** GET /v1/agents/bundle and the archive download (docs/api.md). */
export function agentBundleRoutes(opts: RegistryOptions, keyring: () => Keyring) {
  return async (app: FastifyInstance): Promise<void> => {
    const { db, clock } = app.vigil;
    const archiveUrl = (version: string) =>
      `${opts.publicBaseUrl ?? ''}/v1/agents/bundle/archive/${encodeURIComponent(version)}`;

    app.get<{ Querystring: Static<typeof BundleQuerySchema> }>(
      '/v1/agents/bundle',
      {
        config: { auth: 'agent' },
        schema: {
          tags: ['agent'],
          summary: "The model bundle assigned to this agent's channel and rollout bucket, signed",
          querystring: BundleQuerySchema,
          response: responses({ 200: BundleOfferSchema, 204: Type.Null(), 304: Type.Null() }),
        },
      },
      async (request, reply) => {
        const agent = request.principal as AgentPrincipal;
        const channel = await agentChannel(db, agent.agentId);
        const id = await assignedBundleId(db, agent.agentId, channel);
        const bundle = id ? await signedBundle(db, id) : null;
        await recordCheck(app, agent.agentId, request.query.current, bundle?.version ?? null);
        if (!bundle) return reply.code(204).send();
        reply.header('etag', `"${bundle.version}"`);
        if (request.headers['if-none-match'] === `"${bundle.version}"`) return reply.code(304).send();
        const offer = { version: bundle.version, manifestJson: bundle.signedManifest };
        const ttlMs = opts.rollbackDirectiveTtlSeconds * 1000;
        const rollback = await rollbackFor(db, keyring(), offer, channel, request.query.current, clock(), ttlMs);
        return {
          channel,
          ...offer,
          signature: { alg: 'ed25519' as const, keyId: bundle.keyId, value: bundle.signature },
          download: { url: archiveUrl(bundle.version), sha256: bundle.archiveSha256, size: bundle.archiveSize },
          ...(rollback ? { rollback } : {}),
        };
      },
    );

    app.get<{ Params: Static<typeof VersionParamSchema> }>(
      '/v1/agents/bundle/archive/:version',
      {
        config: { auth: 'agent' },
        schema: {
          tags: ['agent'],
          summary: 'Download a bundle archive (tar.gz of manifest.json and the files it lists)',
          params: VersionParamSchema,
        },
      },
      async (request, reply) => {
        const archive = await bundleArchive(db, request.params.version);
        if (!archive) throw new ApiError(404, 'not_found', `no bundle ${request.params.version}`, 'version');
        return reply
          .type('application/gzip')
          .header('cache-control', 'private, max-age=86400, immutable')
          .send(archive);
      },
    );
  };
}
