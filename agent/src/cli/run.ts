import { parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { loadAgentConfig } from '../config/load.ts';
import { Daemon } from '../daemon.ts';

const USAGE = `Usage: vigil-agent run --config FILE

Starts the daemon in the foreground (systemd runs it as root with Type=simple). Logs are JSON lines on stdout.
SIGTERM or SIGINT stops it cleanly: reading stops, what was read is decided and acknowledged, the responder
finishes, and the status socket is removed. A second signal exits at once (checkpoints stay crash-safe).

Options:
  --config FILE   agent config (YAML); check it first with 'vigil-agent config check FILE'
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { usage: USAGE, options: { config: { type: 'string' } } });
  if (!parsed) return 0;
  if (!parsed.values.config) throw new UsageError(`--config FILE is required\n\n${USAGE}`);
  const cfg = loadAgentConfig(parsed.values.config);
  const daemon = await Daemon.start(cfg);
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (++signals > 1) process.exit(130);
      daemon.log.info('stopping', { signal: sig });
      // A handle left open by a dependency must not keep a stopped daemon alive.
      const exitSoon = (code: number) => setTimeout(() => process.exit(code), 3000).unref();
      daemon.stop().then(
        () => {
          exitSoon(0);
          resolve(0);
        },
        (err) => {
          daemon.log.error('clean stop failed', { error: String(err) });
          exitSoon(1);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', () => daemon.log.warn('SIGHUP ignored: restart the agent to apply a new config'));
  });
}
