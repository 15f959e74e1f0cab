import { parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { parseIp } from '../respond/index.ts';
import { statusRequest } from '../status/client.ts';
import { safeJson } from '../status/escape.ts';
import { renderAction } from '../status/render.ts';
import type { ActionSummary } from '../status/report.ts';
import { SOCKET_HELP, SOCKET_OPTIONS, socketPath } from './socket.ts';

const USAGE = `Usage: vigil-agent unblock IP [--json] [--socket PATH | --config FILE]

Asks the running daemon to lift a block now (it is audited with who asked). Blocks also expire by their TTL.

Options:
  --json          JSON output
${SOCKET_HELP}
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ...SOCKET_OPTIONS },
  });
  if (!parsed) return 0;
  if (parsed.positionals.length !== 1) throw new UsageError(`exactly one IP is required\n\n${USAGE}`);
  const ip = parseIp(parsed.positionals[0]);
  if (!ip.ok) throw new UsageError(`not an IP address: ${ip.reason}`);
  const actor = process.env.SUDO_USER || process.env.USER || `uid ${process.getuid?.() ?? '?'}`;
  const entry = (await statusRequest(socketPath(parsed.values), {
    cmd: 'unblock',
    ip: ip.ip.text,
    actor,
  })) as ActionSummary;
  process.stdout.write(parsed.values.json ? `${safeJson(entry, 2)}\n` : `${renderAction(entry)}\n`);
  return entry.result === 'failure' || entry.decision !== 'executed' ? 1 : 0;
}
