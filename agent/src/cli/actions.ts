import { intFlag, parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { statusRequest } from '../status/client.ts';
import { safeJson } from '../status/escape.ts';
import { renderAction } from '../status/render.ts';
import type { ActionSummary } from '../status/report.ts';
import { SOCKET_HELP, SOCKET_OPTIONS, socketPath } from './socket.ts';

const USAGE = `Usage: vigil-agent actions list [--limit N] [--json] [--socket PATH | --config FILE]

Lists the newest action records from the agent's hash-chained audit log: what ran (or was refused, denied,
recommended), on which verified target, why, in which mode, the outcome and who approved it.

Options:
  --limit N       how many (default 50, at most 1000)
  --json          JSON output (control and bidi characters escaped)
${SOCKET_HELP}
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'list') throw new UsageError(`unknown subcommand '${sub.slice(0, 32)}'\n\n${USAGE}`);
  const parsed = parseCommand(rest, {
    usage: USAGE,
    options: { limit: { type: 'string' }, json: { type: 'boolean' }, ...SOCKET_OPTIONS },
  });
  if (!parsed) return 0;
  const limit = intFlag('limit', parsed.values.limit, 50);
  const list = (await statusRequest(socketPath(parsed.values), { cmd: 'actions', limit })) as ActionSummary[];
  if (parsed.values.json) process.stdout.write(`${safeJson(list, 2)}\n`);
  else process.stdout.write(list.length ? `${list.map(renderAction).join('\n')}\n` : 'no actions recorded\n');
  return 0;
}
