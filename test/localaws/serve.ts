import { intFlag, parseCommand, UsageError } from '../../models/src/util/cli.ts';
import { ALL_SERVICES, type ServiceName } from './core/types.ts';
import { startLocalAws } from './local-aws.ts';

const USAGE = `Usage: tsx test/localaws/serve.ts [--port 4566] [--host 127.0.0.1] [--services logs,s3,ssm,sns] [--data-dir DIR]

Serve local stand-ins for CloudWatch Logs, S3, SSM and SNS (a simulation of AWS for tests and the demo).
Prints the endpoint on the first line of stdout; stops on SIGINT/SIGTERM.`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      services: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (!parsed) return 0;
  const port = intFlag('port', parsed.values.port, 4566);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const services = (parsed.values.services ?? ALL_SERVICES.join(',')).split(',').map((s) => s.trim());
  const unknown = services.filter((s) => !(ALL_SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new UsageError(`--services: unknown service '${unknown[0]}' (known: ${ALL_SERVICES.join(', ')})`);
  const aws = await startLocalAws({
    port,
    host: parsed.values.host,
    services: services as ServiceName[],
    dataDir: parsed.values['data-dir'],
  });
  process.stdout.write(`${aws.endpoint}\n`);
  process.stderr.write(`localaws: serving ${services.join(', ')} at ${aws.endpoint} (simulated AWS; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await aws.close();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`localaws: ${(err as Error).message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
