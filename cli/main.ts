import { UsageError } from '../models/src/util/cli.ts';

/**
 * The `vigil` command. Each group is loaded lazily so `vigil data generate` does not pay for onnxruntime or Fastify.
 * A group module exports `run(argv): Promise<number>` (the exit code).
 */
const GROUPS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  start: {
    summary: 'the main job: a live fleet (control plane, agents, replayed attacks, fixes) on this machine',
    load: () => import('../demo/cli.ts'),
  },

  data: { summary: 'generate the synthetic AWS log dataset', load: () => import('../models/src/synth/cli.ts') },
  logs: { summary: 'parse native logs to normalized events / CSV', load: () => import('../models/src/parse/cli.ts') },
  'control-plane': {
    summary: 'run the fleet service (HTTP API) and manage its tokens',
    load: () => import('../control-plane/src/cli.ts'),
  },
  report: {
    summary: 'write a stakeholder report (html, md or pdf) from the fleet store',
    load: () => import('../control-plane/src/report/cli.ts'),
  },
  package: {
    summary: 'build the agent packages (SEA binary, SSM Distributor zips) and publish them to S3/SSM',
    load: () => import('../packaging/publish/cli.ts'),
  },
  models: {
    summary: 'train, evaluate and export the detection models',
    load: () => import('../models/src/train/cli.ts'),
  },
};

const HELP = `vigil - anomaly detection and safe remediation for AWS logs

Usage: vigil <group> <command> [options]

Groups:
${Object.entries(GROUPS)
  .map(([name, g]) => `  ${name.padEnd(16)}${g.summary}`)
  .join('\n')}

Run 'vigil <group> --help' for the commands of a group.`;

export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    process.stdout.write(`${HELP}\n`);
    return group ? 0 : 2;
  }
  const entry = GROUPS[group];
  if (!entry) {
    process.stderr.write(`vigil: unknown group '${group}'\n\n${HELP}\n`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vigil ${group}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`vigil ${group}: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
