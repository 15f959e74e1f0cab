import type { SSMClient } from '@aws-sdk/client-ssm';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import type { VigilContext } from '../context.ts';
import { JobScheduler } from '../jobs.ts';
import { actionRoutes } from './routes.ts';
import { PLAYBOOK_DOCUMENT_NAME } from './ssm-document.ts';
import { createSsmRunner, type SsmRunner } from './ssm-runner.ts';
import { openSsmCommands, recordOutcome } from './store.ts';

export const ActionsOptionsSchema = Type.Object(
  {
    approvalTtlSeconds: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
    nextPollSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 15 }),
    ssmDocumentName: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,128}$', default: PLAYBOOK_DOCUMENT_NAME }),
    /** Mount paths clean-disk may be run on through SSM (exact match). */
    mountAllowlist: Type.Array(Type.String({ pattern: '^/[A-Za-z0-9._/-]{0,255}$' }), {
      default: ['/var/log', '/tmp'],
    }),
    outcomePollSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 15 }),
  },
  { additionalProperties: false },
);
export type ActionsOptions = Static<typeof ActionsOptionsSchema>;
const check = compileValidator(ActionsOptionsSchema);

export interface ActionsPluginDeps {
  /** Configured SSM client; without it, approvals can only go to the agent (via: ssm gets 409). */
  ssm?: SSMClient;
  startJobs?: boolean;
}

/** One pass of the outcome job: asks SSM about every approval still running; returns how many finished. */
export async function pollSsmOutcomes(ctx: VigilContext, runner: SsmRunner): Promise<number> {
  let finished = 0;
  for (const c of await openSsmCommands(ctx.db)) {
    const o = await runner.outcome(c.ssm_command_id, c.ssm_instance_id);
    if (o.state === 'done') finished++;
    await recordOutcome(
      ctx.db,
      c.id,
      o.status,
      o.state === 'done' ? o.ok : null,
      o.state === 'done' ? o.detail : '',
      ctx.clock(),
    );
  }
  return finished;
}

/** Approvals, agent pickup, SSM delivery and outcome tracking. Wire with `plugins: [actionsPlugin(opts, {ssm})]`. */
export function actionsPlugin(input: Partial<ActionsOptions> = {}, deps: ActionsPluginDeps = {}) {
  const opts = check(Value.Default(ActionsOptionsSchema, structuredClone(input)), 'actions options');
  const runner = deps.ssm ? createSsmRunner(deps.ssm, opts.ssmDocumentName) : null;
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(actionRoutes(opts, runner));
    const jobs = new JobScheduler(
      runner
        ? [
            {
              name: 'ssm-outcomes',
              intervalMs: opts.outcomePollSeconds * 1000,
              run: () => pollSsmOutcomes(app.vigil, runner),
            },
          ]
        : [],
      (job, err) => app.log.error({ err, job }, 'job failed'),
    );
    app.addHook('onReady', async () => {
      if (deps.startJobs !== false) jobs.start();
    });
    app.addHook('onClose', () => jobs.stop());
  };
}
