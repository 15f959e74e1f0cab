import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Label } from '../../models/src/schema/index.ts';
import { splitSyslogLine, withHost } from './syslog-time.ts';

/**
 * What the replayer plays on one host, in event-time offsets from the demo's start: the host's own auth.log and
 * syslog lines from the dataset (a quiet weekday morning), and injected incidents. The brute force is the dataset's
 * own attack lines re-timed onto this host; the miner and the disk fill are made real (a CPU-burning process, bytes
 * written to the sandbox's own filesystem) because the agent samples /proc and statfs, not files.
 */
export type LogFile = 'auth.log' | 'syslog';
export interface TimedLine {
  at: number;
  file: LogFile;
  /** The line after its stamp: "host program[pid]: message". */
  rest: string;
}
export type Injection = { at: number; kind: 'brute-force'; ip: string } | { at: number; kind: 'miner' | 'disk-fill' };
export interface HostScript {
  host: string;
  lines: TimedLine[];
  injections: Injection[];
}

export interface ScenarioOptions {
  dataDir: string;
  year: number;
  hosts: string[];
  /** Event time covered by one round; the script repeats with the next dataset brute force each round. */
  roundMs: number;
  rounds: number;
  /** Dataset time the background replay starts from (default: 2025-03-04 09:00 UTC, a weekday morning). */
  backgroundFrom?: number;
}

const KINDS = ['brute-force', 'miner', 'disk-fill'] as const;
/** When each injection starts within a round (event time): early, so a 30 s run at speed 60 sees all three. */
const INJECT_AT = { 'brute-force': 2 * 60_000, miner: 4 * 60_000, 'disk-fill': 6 * 60_000 };

export function buildScripts(opts: ScenarioOptions, labels: Label[]): HostScript[] {
  const attacks = labels
    .filter((l) => l.type === 'ssh_brute_force' && l.variant === 'standard' && l.targets?.ip && l.targets?.host)
    .sort((a, b) => a.start - b.start);
  if (attacks.length === 0) throw new Error('the dataset has no standard ssh_brute_force incident to replay');
  const from = opts.backgroundFrom ?? Date.UTC(opts.year, 2, 4, 9);
  return opts.hosts.map((host, h) => {
    const lines: TimedLine[] = [];
    const injections: Injection[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const base = r * opts.roundMs;
      for (const l of hostLines(opts, host, from + base, opts.roundMs)) lines.push({ ...l, at: l.at + base });
      for (const [k, kind] of KINDS.entries()) {
        if ((k + r) % opts.hosts.length !== h) continue;
        const at = base + INJECT_AT[kind];
        if (kind !== 'brute-force') {
          injections.push({ at, kind });
          continue;
        }
        const attack = attacks[(r + h) % attacks.length];
        injections.push({ at, kind, ip: attack.targets?.ip as string });
        for (const l of attackLines(opts, attack, host)) lines.push({ ...l, at: l.at + at });
      }
    }
    lines.sort((a, b) => a.at - b.at);
    injections.sort((a, b) => a.at - b.at);
    return { host, lines, injections };
  });
}

/** The dataset's own lines of `host` in [from, from + span), offsets from `from`. */
function hostLines(opts: ScenarioOptions, host: string, from: number, span: number): TimedLine[] {
  const out: TimedLine[] = [];
  for (const file of ['auth.log', 'syslog'] as const) {
    for (const s of readLines(opts, host, file)) {
      if (s.ts >= from && s.ts < from + span) out.push({ at: s.ts - from, file, rest: s.rest });
    }
  }
  return out;
}

/** The attacker's lines of a dataset brute force, offsets from its first line, re-hosted onto `host`. */
function attackLines(opts: ScenarioOptions, attack: Label, host: string): TimedLine[] {
  const ip = attack.targets?.ip as string;
  const lines = readLines(opts, attack.targets?.host as string, 'auth.log').filter(
    (s) => s.ts >= attack.start - 1000 && s.ts <= attack.end + 1000 && s.rest.includes(ip),
  );
  const t0 = lines[0]?.ts ?? attack.start;
  return lines.map((s) => ({ at: s.ts - t0, file: 'auth.log' as const, rest: withHost(s.rest, host) }));
}

const cache = new Map<string, { ts: number; rest: string }[]>();
function readLines(opts: ScenarioOptions, host: string, file: LogFile): { ts: number; rest: string }[] {
  if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new Error(`bad host name in dataset: ${JSON.stringify(host)}`);
  const p = path.join(opts.dataDir, 'ec2', host, file);
  let parsed = cache.get(p);
  if (!parsed) {
    parsed = [];
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      const s = line && splitSyslogLine(line, opts.year);
      if (s) parsed.push(s);
    }
    cache.set(p, parsed);
  }
  return parsed;
}
