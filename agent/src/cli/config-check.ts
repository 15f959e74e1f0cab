import { ValidationError } from '../../../models/src/schema/index.ts';
import { parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { loadAgentConfig } from '../config/load.ts';
import { printable, safeJson } from '../status/escape.ts';

const USAGE = `Usage: vigil-agent config check FILE [--json]

Validates an agent config: unknown keys and bad values are refused, naming the key and the reason; the responder
policy (inline or policyFile) and pinned signing keys are checked too. Exit status 0 when valid, 1 when not.

Options:
  --json          print {ok, problems:[{key, message}]} or the resolved config summary
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'check') throw new UsageError(`unknown subcommand '${sub.slice(0, 32)}'\n\n${USAGE}`);
  const parsed = parseCommand(rest, { usage: USAGE, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!parsed) return 0;
  if (parsed.positionals.length !== 1) throw new UsageError(`exactly one FILE is required\n\n${USAGE}`);
  const file = parsed.positionals[0];
  try {
    const cfg = loadAgentConfig(file);
    const summary = {
      ok: true,
      file: cfg.file,
      stateDir: cfg.state.dir,
      bundleDir: cfg.models.bundleDir,
      socket: cfg.status.socket,
      policy: cfg.policySource,
      modes: Object.fromEntries(Object.entries(cfg.policy.playbooks).map(([k, v]) => [k, v.mode])),
      controlPlane: cfg.controlPlane?.url ?? null,
      cloudwatch: cfg.shipper.cloudwatch?.logGroup ?? null,
    };
    process.stdout.write(parsed.values.json ? `${safeJson(summary, 2)}\n` : `${printable(file, 300)}: OK\n`);
    return 0;
  } catch (err) {
    const problems =
      err instanceof ValidationError
        ? err.problems.map((p) => ({ key: p.path || '(root)', message: p.message }))
        : [{ key: '(file)', message: (err as Error).message }];
    if (parsed.values.json) process.stdout.write(`${safeJson({ ok: false, file, problems }, 2)}\n`);
    else
      for (const p of problems)
        process.stderr.write(`${printable(file, 300)}: ${printable(p.key)}: ${printable(p.message, 500)}\n`);
    return 1;
  }
}
