import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { JobScheduler } from '../jobs.ts';
import { checkRolloutHealth } from './auto-halt.ts';
import { resignBundles } from './bundle-store.ts';
import { type Keyring, loadKeyring } from './keys.ts';
import { type RegistryOptions, registryOptions } from './options.ts';
import { agentBundleRoutes } from './routes-agent.ts';
import { registryOperatorRoutes } from './routes-operator.ts';

export interface RegistryPluginDeps {
  /** Run the automatic-halt job on a timer (default true; tests call checkRolloutHealth directly). */
  startJobs?: boolean;
  /** Use this keyring instead of loading one (tests). */
  keyring?: Keyring;
}

/**
 * The model registry area: bundle upload + signing, public keys, channels and rollouts, the agent bundle routes,
 * and the periodic automatic-halt check. Wire with `plugins: [registryPlugin(options)]`.
 */
export function registryPlugin(input: Partial<RegistryOptions> | RegistryOptions = {}, deps: RegistryPluginDeps = {}) {
  const opts = registryOptions(input);
  return async (app: FastifyInstance): Promise<void> => {
    const ctx = app.vigil;
    const keyring =
      deps.keyring ??
      loadKeyring({
        dir: opts.keyDir ?? path.join(ctx.config.dataDir, 'signing-keys'),
        privateKeyPem: opts.signingKeyPem,
        keyId: opts.signingKeyId,
        extraPublicKeys: opts.extraPublicKeys,
        now: ctx.clock(),
      });
    await app.register(registryOperatorRoutes(opts, () => keyring));
    await app.register(agentBundleRoutes(opts, () => keyring));

    const halt = opts.autoHalt;
    const jobs = new JobScheduler(
      halt.enabled
        ? [
            {
              name: 'rollout-auto-halt',
              intervalMs: halt.intervalSeconds * 1000,
              run: () => checkRolloutHealth(ctx, { ...halt, windowMs: halt.windowSeconds * 1000 }),
            },
          ]
        : [],
      (job, err) => app.log.error({ err, job }, 'job failed'),
    );
    app.addHook('onReady', async () => {
      const resigned = await resignBundles(ctx.db, keyring);
      if (resigned > 0) app.log.info({ resigned, keyId: keyring.activeKeyId }, 're-signed bundles with the active key');
      if (deps.startJobs !== false) jobs.start();
    });
    app.addHook('onClose', () => jobs.stop());
  };
}
