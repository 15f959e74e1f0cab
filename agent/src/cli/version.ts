import { parseCommand } from '../../../models/src/util/cli.ts';
import { loadAgentConfig } from '../config/load.ts';
import { versionInfo } from '../runtime/build-info.ts';
import { shippedBundleDir } from '../runtime/locations.ts';
import { printable, safeJson } from '../status/escape.ts';

const USAGE = `Usage: vigil-agent --version [--json] [--config FILE]

Prints the agent version, the commit it was built from, the Node.js runtime and the version of the model bundle the
agent loads at startup: --config's models.bundleDir, else the bundle shipped with this build. A signed update
installed later by the control plane is shown by 'vigil-agent status'. Exit status 1 when the bundle's manifest
cannot be read.

Options:
  --json          print {version, commit, node, model} as JSON
  --config FILE   read the bundle directory from an agent config
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: { json: { type: 'boolean' }, config: { type: 'string' } },
  });
  if (!parsed) return 0;
  const bundleDir = parsed.values.config ? loadAgentConfig(parsed.values.config).models.bundleDir : shippedBundleDir();
  const info = await versionInfo(bundleDir);
  if (parsed.values.json) {
    process.stdout.write(`${safeJson(info, 2)}\n`);
    return info.model.error ? 1 : 0;
  }
  const runtime = `node ${info.node}${info.singleExecutable ? ' (single executable)' : ''}`;
  const model = info.model.version
    ? `model ${printable(info.model.version)} (${printable(info.model.dir, 300)})`
    : `model unavailable: ${printable(info.model.error, 300)}`;
  process.stdout.write(
    `vigil-agent ${info.version}\ncommit ${info.commit} (${info.commitSource})\n${runtime}\n${model}\n`,
  );
  return info.model.error ? 1 : 0;
}
