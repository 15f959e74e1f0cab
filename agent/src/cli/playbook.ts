import { parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { statusRequest } from '../status/client.ts';
import { safeJson } from '../status/escape.ts';
import { renderAction } from '../status/render.ts';
import type { ActionSummary } from '../status/report.ts';
import type { StatusRequest } from '../status/server.ts';
import { SOCKET_HELP, SOCKET_OPTIONS, socketPath } from './socket.ts';

const USAGE = `Usage: vigil-agent playbook run --approval apr_ID --name block-ip|kill-process|clean-disk
                          [--ip IP] [--pid N --start-ticks N] [--mount PATH] [--json] [--socket PATH | --config FILE]

Runs an approved action through the running daemon: the runner behind the control plane's SSM document
Vigil-RunPlaybook. The daemon acts only on a recommendation it made itself for that exact target, plans it again
from the host (the target must not have changed), and runs it under its guards; the approval id is recorded as the
approver. Exit code 0 = executed (and verified, or dry-run), 1 = refused or failed, 3 = the daemon is not running.

Options:
  --approval ID   the control plane's approval id (apr_ + 24 hex)
  --name NAME     the playbook
  --ip IP         block-ip: the address ('-' = none)
  --pid N, --start-ticks N   kill-process: the process and its start time from /proc (0 = none)
  --mount PATH    clean-disk: the mount point ('-' = none)
  --json          JSON output
${SOCKET_HELP}
  -h, --help      show this help`;

const PLAYBOOKS = ['block-ip', 'kill-process', 'clean-disk'];

/** The same patterns the SSM document enforces, checked again here: this is the host-side edge. */
export function playbookRequest(v: Record<string, string | boolean | undefined>): StatusRequest {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const approval = str('approval');
  if (!approval || !/^apr_[0-9a-f]{24}$/.test(approval)) throw new UsageError('--approval must be apr_ + 24 hex');
  const name = str('name');
  if (!name || !PLAYBOOKS.includes(name)) throw new UsageError(`--name must be one of ${PLAYBOOKS.join(', ')}`);
  const req: StatusRequest = { cmd: 'playbook.run', approvalId: approval, playbook: name };
  if (name === 'block-ip') {
    const ip = str('ip');
    if (!ip || ip === '-' || !/^[0-9a-fA-F:.]{2,45}$/.test(ip)) throw new UsageError('block-ip needs --ip');
    req.ip = ip;
  } else if (name === 'kill-process') {
    const pid = str('pid');
    const ticks = str('start-ticks');
    if (!pid || !/^[1-9][0-9]{0,6}$/.test(pid)) throw new UsageError('kill-process needs --pid (a positive integer)');
    if (!ticks || !/^[1-9][0-9]{0,14}$/.test(ticks)) throw new UsageError('kill-process needs --start-ticks');
    req.pid = pid;
    req.startTicks = ticks;
  } else {
    const mount = str('mount');
    if (!mount || mount === '-' || !/^\/[A-Za-z0-9._/-]{0,255}$/.test(mount))
      throw new UsageError('clean-disk needs --mount');
    req.mount = mount;
  }
  return req;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return sub ? 0 : 2;
  }
  if (sub !== 'run') throw new UsageError(`unknown playbook command '${sub.slice(0, 32)}' (expected: run)`);
  const parsed = parseCommand(rest, {
    usage: USAGE,
    options: {
      approval: { type: 'string' },
      name: { type: 'string' },
      ip: { type: 'string' },
      pid: { type: 'string' },
      'start-ticks': { type: 'string' },
      mount: { type: 'string' },
      json: { type: 'boolean' },
      ...SOCKET_OPTIONS,
    },
  });
  if (!parsed) return 0;
  const entry = (await statusRequest(
    socketPath(parsed.values),
    playbookRequest(parsed.values),
    120_000,
  )) as ActionSummary;
  process.stdout.write(parsed.values.json ? `${safeJson(entry, 2)}\n` : `${renderAction(entry)}\n`);
  return entry.decision === 'executed' && entry.result !== 'failure' ? 0 : 1;
}
