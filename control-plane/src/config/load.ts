import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import YAML from 'yaml';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import { type Config, ConfigSchema } from './schema.ts';

/** A configuration value is wrong; the message names the key (env var, file key or flag) and the bad value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Leaf {
  path: string[];
  schema: TSchema;
  env: string[];
  secret: boolean;
}

const SECRET_KEYS = new Set(['adminToken', 'databaseUrl']);
const ENV_OVERRIDES: Record<string, string[]> = { databaseUrl: ['DATABASE_URL', 'VIGIL_DATABASE_URL'] };
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function leaves(schema: TSchema, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, sub] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const path = [...prefix, key];
    if (sub.type === 'object' && sub.properties) {
      out.push(...leaves(sub, path));
      continue;
    }
    const dotted = path.join('.');
    const env = ENV_OVERRIDES[dotted] ?? [`VIGIL_${path.map(snake).join('_')}`];
    out.push({ path, schema: sub, env, secret: SECRET_KEYS.has(dotted) });
  }
  return out;
}

export const CONFIG_LEAVES: readonly Leaf[] = leaves(ConfigSchema);
const checkers = new Map(CONFIG_LEAVES.map((l) => [l, TypeCompiler.Compile(l.schema)]));
const validateConfig = compileValidator(ConfigSchema);

/** "must be an integer 1-65535", "must be one of a, b", ... derived from the schema so it never drifts. */
function expectation(s: TSchema): string {
  if (s.type === 'integer') return `must be an integer ${s.minimum}-${s.maximum}`;
  if (s.type === 'boolean') return 'must be true or false';
  if (Array.isArray(s.anyOf)) return `must be one of ${s.anyOf.map((x: TSchema) => x.const).join(', ')}`;
  if (s.pattern) return `must be ${s.description ?? `a string matching ${s.pattern}`}`;
  return 'must be a non-empty string';
}

function shown(leaf: Leaf, raw: unknown): string {
  if (leaf.secret) return `<redacted, ${String(raw).length} chars>`;
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}

function fromEnvString(leaf: Leaf, raw: string): unknown {
  if (leaf.schema.type === 'integer') return /^-?\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (leaf.schema.type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
  }
  return raw;
}

function checkLeaf(leaf: Leaf, value: unknown, raw: unknown, key: string): unknown {
  if (checkers.get(leaf)!.Check(value)) return value;
  throw new ConfigError(`${key} ${expectation(leaf.schema)}, got ${shown(leaf, raw)}`);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

function getPath(source: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = source;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function rejectUnknownKeys(obj: unknown, schema: TSchema, file: string, prefix = ''): void {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ConfigError(`${file}: ${prefix || '(root)'} must be a mapping`);
  }
  const props = schema.properties as Record<string, TSchema>;
  for (const [key, value] of Object.entries(obj)) {
    const sub = props[key];
    if (!sub) throw new ConfigError(`${file}: unknown key '${prefix}${key}'`);
    if (sub.type === 'object') rejectUnknownKeys(value, sub, file, `${prefix}${key}.`);
  }
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
  try {
    return (/\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text)) ?? {};
  } catch (err) {
    throw new ConfigError(
      `config file ${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** YAML or JSON file; defaults to $VIGIL_CONFIG when set. */
  file?: string;
  /** Command-line flags (highest precedence), keyed by config path, with the flag name for messages. */
  overrides?: { path: string; flag: string; value: unknown }[];
}

/**
 * Builds the configuration: schema defaults < file < environment < flags. Every value is checked where it comes
 * from, so the error names that key (`VIGIL_PORT must be an integer 1-65535, got 'abc'`).
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.VIGIL_CONFIG;
  const fileValues = file ? readFile(file) : {};
  if (file) rejectUnknownKeys(fileValues, ConfigSchema, file);
  const out: Record<string, unknown> = {};
  for (const leaf of CONFIG_LEAVES) {
    const dotted = leaf.path.join('.');
    let value = leaf.schema.default;
    const fromFile = getPath(fileValues, leaf.path);
    if (fromFile !== undefined) value = checkLeaf(leaf, fromFile, fromFile, `${dotted} (in ${file})`);
    const envName = leaf.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (envName) value = checkLeaf(leaf, fromEnvString(leaf, env[envName]!), env[envName], envName);
    const flag = opts.overrides?.find((o) => o.path === dotted);
    if (flag) value = checkLeaf(leaf, flag.value, flag.value, flag.flag);
    if (value !== undefined) setPath(out, leaf.path, value);
  }
  try {
    return validateConfig(out, 'config');
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Configuration for tests and embedding: defaults plus the given values, validated the same way. */
export function testConfig(values: Partial<Config> = {}): Config {
  const base = loadConfig({ env: {} });
  const merged = {
    ...base,
    ...values,
    rateLimit: { ...base.rateLimit, ...values.rateLimit },
    retentionDays: { ...base.retentionDays, ...values.retentionDays },
  };
  try {
    return validateConfig(merged, 'config');
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
