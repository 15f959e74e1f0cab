import { intFlag, parseCommand, UsageError } from '../../models/src/util/cli.ts';
import type { Role } from './auth/tokens.ts';
import { ROLES } from './auth/tokens.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { applyMigrations } from './db/migrate.ts';
import { openStore, startServer } from './server.ts';
import { createOperatorToken } from './store/operators.ts';

const HELP = `vigil control-plane - the fleet service

Commands:
  serve [--port N] [--host H] [--data DIR] [--config FILE]
        run the HTTP API (PGlite in DIR/pglite by default; DATABASE_URL switches to PostgreSQL)
  token create --role viewer|operator|admin [--name NAME] [--data DIR] [--config FILE]
        create an operator API token and print it (shown once)
  migrate [--data DIR] [--config FILE]
        apply pending database migrations and exit

Configuration: VIGIL_* environment variables or a YAML/JSON file (--config or VIGIL_CONFIG); see docs/api.md.`;

const COMMON = {
  data: { type: 'string' },
  config: { type: 'string' },
} as const;

function configFrom(values: { data?: string; config?: string; port?: string; host?: string }): Config {
  const overrides: { path: string; flag: string; value: unknown }[] = [];
  if (values.data !== undefined) overrides.push({ path: 'dataDir', flag: '--data', value: values.data });
  if (values.host !== undefined) overrides.push({ path: 'host', flag: '--host', value: values.host });
  if (values.port !== undefined)
    overrides.push({ path: 'port', flag: '--port', value: intFlag('port', values.port, 0) });
  try {
    return loadConfig({ file: values.config, overrides });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    throw err;
  }
}

async function serve(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: 'vigil control-plane serve [--port N] [--host H] [--data DIR] [--config FILE]',
    options: { ...COMMON, port: { type: 'string' }, host: { type: 'string' } },
  });
  if (!parsed) return 0;
  const config = configFrom(parsed.values);
  const { app, url } = await startServer(config);
  app.log.info({ url, store: config.databaseUrl ? 'postgres' : 'pglite' }, 'vigil control plane listening');
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'shutting down: draining requests');
      app.close().then(
        () => resolve(0),
        (err) => {
          app.log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function token(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new UsageError(`unknown token command '${sub ?? ''}' (expected: create)`);
  const parsed = parseCommand(rest, {
    usage: 'vigil control-plane token create --role viewer|operator|admin [--name NAME] [--data DIR] [--config FILE]',
    options: { ...COMMON, role: { type: 'string' }, name: { type: 'string' } },
  });
  if (!parsed) return 0;
  const role = parsed.values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got '${role ?? ''}'`);
  }
  const name = parsed.values.name ?? `cli-${role}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(`--name must be 1-64 letters, digits, '.', '_' or '-', got '${name}'`);
  }
  const db = await openStore(configFrom(parsed.values));
  try {
    const created = await createOperatorToken(db, { name, role, createdBy: 'cli', now: Date.now() });
    process.stdout.write(`${created.token}\n`);
    process.stderr.write(`created ${role} token ${created.id} for '${name}' (the secret above is shown only once)\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function migrate(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: 'vigil control-plane migrate [--data DIR] [--config FILE]',
    options: COMMON,
  });
  if (!parsed) return 0;
  const db = await openStore(configFrom(parsed.values));
  try {
    const applied = await applyMigrations(db);
    process.stderr.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'schema is up to date\n');
    return 0;
  } finally {
    await db.close();
  }
}

/** `vigil control-plane <command>`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'token') return token(rest);
  if (command === 'migrate') return migrate(rest);
  throw new UsageError(`unknown command '${command}'\n\n${HELP}`);
}
