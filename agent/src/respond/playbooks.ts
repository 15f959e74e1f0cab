import { type BlockIpDeps, type BlockIpPlaybook, createBlockIp } from './block/block-ip.ts';
import { selectBackend } from './block/select-backend.ts';
import { type CleanDiskDeps, createCleanDisk } from './disk/clean-disk.ts';
import { type CommandRunner, execFileRunner, resolveBinary } from './exec/run.ts';
import type { Policy } from './policy.ts';
import { createKillProcess, type KillProcessDeps } from './process/kill-process.ts';
import type { AnyPlaybook } from './types.ts';

export interface PlaybookDeps {
  runner?: CommandRunner;
  kill?: KillProcessDeps;
  block?: Omit<BlockIpDeps, 'backend'>;
  disk?: CleanDiskDeps;
}

export interface PlaybookSet {
  playbooks: AnyPlaybook[];
  /** Present unless block-ip is off: the CLI's unblock/status go through it. */
  blockIp?: BlockIpPlaybook;
  /** What was chosen and why, for the agent's startup log (e.g. "dry-run backend: nft missing"). */
  notes: string[];
}

/** Builds the playbooks a validated policy turns on. Playbooks that are off are not built at all. */
export async function createPlaybooks(policy: Policy, deps: PlaybookDeps = {}): Promise<PlaybookSet> {
  const cfg = policy.playbooks;
  const set: PlaybookSet = { playbooks: [], notes: [] };
  if (cfg['kill-process'].mode !== 'off') set.playbooks.push(createKillProcess(cfg['kill-process'], deps.kill));
  if (cfg['block-ip'].mode !== 'off') {
    const base = deps.runner ?? execFileRunner();
    const netns = cfg['block-ip'].netns;
    const choice = await selectBackend(cfg['block-ip'].backend, netns ? inNetns(base, netns) : base);
    if (netns) set.notes.push(`block-ip: applied inside network namespace ${netns}`);
    set.notes.push(`block-ip: ${choice.note}`);
    set.blockIp = createBlockIp(cfg['block-ip'], { ...deps.block, backend: choice.backend });
    set.playbooks.push(set.blockIp);
  }
  if (cfg['clean-disk'].mode !== 'off') {
    set.playbooks.push(createCleanDisk(cfg['clean-disk'], deps.disk));
    if (cfg['clean-disk'].dryRun) set.notes.push('clean-disk: dry run (reports bytes, deletes nothing)');
  }
  for (const pb of set.playbooks) set.notes.push(`${pb.name}: ${cfg[pb.name].mode}`);
  return set;
}

/** Runs every firewall command inside a named network namespace (the name is schema-checked: no option or path). */
function inNetns(runner: CommandRunner, netns: string): CommandRunner {
  const ip = resolveBinary('ip');
  if (!ip) throw new Error(`block-ip.netns is set (${netns}) but the ip command (iproute2) is not installed`);
  return { run: (file, args, input) => runner.run(ip, ['netns', 'exec', netns, file, ...args], input) };
}
