/**
 * The image's command: the `vigil` groups a control-plane container runs (`control-plane`: serve, migrate, token,
 * keys; `models`: train, evaluate for the retraining job), and nothing else, so the image carries neither the demo
 * nor the local AWS stand-ins that the full `vigil` CLI (cli/main.ts) can load.
 *
 *   node /app/packaging/container/entry.js control-plane serve
 */
import { UsageError } from '../../models/src/util/cli.ts';

type Group = { run(argv: string[]): Promise<number> };
const GROUPS: Record<string, () => Promise<Group>> = {
  'control-plane': () => import('../../control-plane/src/cli.ts'),
  models: () => import('../../models/src/train/cli.ts'),
};

export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  const load = group ? GROUPS[group] : undefined;
  if (!load) {
    process.stderr.write(`usage: <image> ${Object.keys(GROUPS).join('|')} <command> [options]\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    process.stderr.write(
      `vigil ${group}: ${err instanceof UsageError ? err.message : ((err as Error).stack ?? err)}\n`,
    );
    return err instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
