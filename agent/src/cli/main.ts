import { UsageError } from '../../../models/src/util/cli.ts';
import { AGENT_VERSION } from '../config/host.ts';
import { DaemonNotRunningError } from '../status/client.ts';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

/** Each command is loaded lazily: `status` must not pay for onnxruntime. */
const COMMANDS: Record<string, Command> = {
  run: { summary: 'start the daemon (--config FILE)', load: () => import('./run.ts') },
  status: {
    summary: "show the running daemon's health, sources, anomalies and actions",
    load: () => import('./status.ts'),
  },
  actions: { summary: 'list recorded actions (actions list)', load: () => import('./actions.ts') },
  unblock: { summary: 'lift an IP block now (unblock IP)', load: () => import('./unblock.ts') },
  playbook: {
    summary: 'run an approved action through the daemon (the SSM Vigil-RunPlaybook runner)',
    load: () => import('./playbook.ts'),
  },
  replay: { summary: 'score log files offline and show what policy would do', load: () => import('./replay.ts') },
  config: { summary: 'validate a config file (config check FILE)', load: () => import('./config-check.ts') },
  version: { summary: 'print version, commit, Node.js and model versions', load: () => import('./version.ts') },
};

export const HELP = `vigil-agent ${AGENT_VERSION} - the Vigil host agent: tails auth/syslog, scores with the model bundle, runs pre-approved fixes

Usage: vigil-agent <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Options:
  --version     print the agent, commit, Node.js and model versions (--json, --config FILE)
  -h, --help    show this help ('vigil-agent <command> --help' for a command's options)`;

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const cmd = first === '--version' || first === '-V' ? 'version' : first;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${HELP}\n`);
    return cmd ? 0 : 2;
  }
  const entry = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!entry) {
    process.stderr.write(`vigil-agent: unknown command '${cmd.slice(0, 64)}'\n\n${HELP}\n`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vigil-agent ${cmd}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DaemonNotRunningError) {
      process.stderr.write(`vigil-agent ${cmd}: ${err.message}\n`);
      return 3;
    }
    process.stderr.write(`vigil-agent ${cmd}: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}
