import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ANOMALY_TYPES, type AnomalyType } from '../schema/anomaly.ts';
import { LOG_SOURCES, type LogSource } from '../schema/event.ts';
import { compileValidator, ValidationError } from '../schema/validate.ts';
import { DEFAULT_HOSTS, DEFAULT_MIX, DEFAULT_USERS, DEFAULTS } from './defaults.ts';
import { type HostSpec, type ScenarioFile, ScenarioSchema, type UserSpec } from './scenario-schema.ts';
import { DAY } from './time.ts';

export interface AnomalyTypeSettings {
  count: number;
  intensity: { min: number; max: number };
  lowAndSlowFraction: number;
}

/** A scenario with every default filled in and checked: what the generator runs and the manifest records. */
export interface Scenario {
  seed: number;
  start: string;
  startMs: number;
  endMs: number;
  days: number;
  samples: number;
  account: string;
  region: string;
  /** Normalised to sum 1. */
  mix: Record<LogSource, number>;
  users: UserSpec[];
  hosts: HostSpec[];
  anomalies: Record<AnomalyType, AnomalyTypeSettings>;
}

export interface ScenarioOverrides {
  seed?: number;
  samples?: number;
}

const checkScenario = compileValidator(ScenarioSchema);

/** Validate an already-decoded scenario object; `where` names its origin in error messages. */
export function validateScenario(value: unknown, where = 'scenario'): ScenarioFile {
  return checkScenario(value ?? {}, where);
}

/** Read a YAML or JSON scenario file and validate it (errors name the file and the offending key). */
export async function loadScenarioFile(path: string): Promise<ScenarioFile> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ValidationError(path, [
      { path: '', message: `not valid ${extname(path) || 'YAML'}: ${(err as Error).message}` },
    ]);
  }
  return validateScenario(value, path);
}

function fail(where: string, path: string, message: string): never {
  throw new ValidationError(where, [{ path, message }]);
}

function parseStart(start: string, where: string): number {
  const iso = start.length === 10 ? `${start}T00:00:00Z` : start.length === 17 ? `${start.slice(0, 16)}:00Z` : start;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== iso.slice(0, 19)) {
    fail(where, 'start', `'${start}' is not a valid UTC date`);
  }
  return ms;
}

function resolveMix(mix: ScenarioFile['mix'], where: string): Record<LogSource, number> {
  const raw = { ...DEFAULT_MIX, ...(mix ?? {}) } as Record<LogSource, number>;
  const total = LOG_SOURCES.reduce((sum, s) => sum + raw[s], 0);
  if (!(total > 0)) fail(where, 'mix', 'at least one source needs a weight above 0');
  return Object.fromEntries(LOG_SOURCES.map((s) => [s, raw[s] / total])) as Record<LogSource, number>;
}

function checkUnique<T>(items: T[], key: (t: T) => string | undefined, where: string, path: string, what: string) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) fail(where, `${path}.${i}.${what}`, `duplicate ${what} '${k}'`);
    seen.add(k);
  });
}

function checkPeople(users: UserSpec[], hosts: HostSpec[], where: string) {
  checkUnique(users, (u) => u.name, where, 'users', 'name');
  checkUnique(users, (u) => u.login ?? u.name.split('.')[0], where, 'users', 'login');
  checkUnique(hosts, (h) => h.name, where, 'hosts', 'name');
  checkUnique(hosts, (h) => h.privateIp, where, 'hosts', 'privateIp');
  const hostNames = new Set(hosts.map((h) => h.name));
  users.forEach((u, i) => {
    if (u.workHours && u.workHours.start === u.workHours.end) {
      fail(where, `users.${i}.workHours`, 'start and end must differ');
    }
    u.hosts?.forEach((h, j) => {
      if (!hostNames.has(h)) fail(where, `users.${i}.hosts.${j}`, `unknown host '${h}' (not in hosts[].name)`);
    });
  });
}

function resolveAnomalies(spec: ScenarioFile['anomalies'], where: string): Record<AnomalyType, AnomalyTypeSettings> {
  const out = {} as Record<AnomalyType, AnomalyTypeSettings>;
  for (const type of ANOMALY_TYPES) {
    const t = spec?.types?.[type];
    const intensity = t?.intensity ?? spec?.intensity ?? DEFAULTS.intensity;
    if (intensity.min > intensity.max) {
      fail(where, t?.intensity ? `anomalies.types.${type}.intensity` : 'anomalies.intensity', 'min must be <= max');
    }
    out[type] = {
      count: t?.count ?? spec?.count ?? DEFAULTS.anomalyCount,
      intensity: { min: intensity.min, max: intensity.max },
      lowAndSlowFraction: t?.lowAndSlowFraction ?? spec?.lowAndSlowFraction ?? DEFAULTS.lowAndSlowFraction,
    };
  }
  return out;
}

/** Fill defaults, apply command-line overrides and run the checks a schema cannot express. */
export function resolveScenario(
  file: ScenarioFile = {},
  overrides: ScenarioOverrides = {},
  where = 'scenario',
): Scenario {
  const start = file.start ?? DEFAULTS.start;
  const startMs = parseStart(start, where);
  const days = file.days ?? DEFAULTS.days;
  const users = (file.users ?? DEFAULT_USERS).map((u) => ({ ...u }));
  const hosts = (file.hosts ?? DEFAULT_HOSTS).map((h) => ({ ...h }));
  checkPeople(users, hosts, where);
  return {
    seed: overrides.seed ?? file.seed ?? DEFAULTS.seed,
    start: new Date(startMs).toISOString(),
    startMs,
    endMs: startMs + days * DAY,
    days,
    samples: overrides.samples ?? file.samples ?? DEFAULTS.samples,
    account: file.account ?? DEFAULTS.account,
    region: file.region ?? DEFAULTS.region,
    mix: resolveMix(file.mix, where),
    users,
    hosts,
    anomalies: resolveAnomalies(file.anomalies, where),
  };
}
