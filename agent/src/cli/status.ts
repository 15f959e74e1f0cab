import { parseCommand } from '../../../models/src/util/cli.ts';
import { statusRequest } from '../status/client.ts';
import { safeJson } from '../status/escape.ts';
import { renderStatus } from '../status/render.ts';
import type { StatusReport } from '../status/report.ts';
import { SOCKET_HELP, SOCKET_OPTIONS, socketPath } from './socket.ts';

const USAGE = `Usage: vigil-agent status [--json] [--socket PATH | --config FILE]

Asks the running daemon (over its root-only Unix socket) for health, sources with offsets and lag, lines/s,
anomalies in the last hour, actions and outcomes, the model version, the control-plane link and the spool depth.
Exit status: 0 healthy, 1 degraded or failing, 3 the daemon is not running.

Options:
  --json          print the report as JSON (control and bidi characters escaped)
${SOCKET_HELP}
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { usage: USAGE, options: { json: { type: 'boolean' }, ...SOCKET_OPTIONS } });
  if (!parsed) return 0;
  const report = (await statusRequest(socketPath(parsed.values), { cmd: 'status' })) as StatusReport;
  process.stdout.write(parsed.values.json ? `${safeJson(report, 2)}\n` : renderStatus(report));
  return report.health.state === 'ok' ? 0 : 1;
}
