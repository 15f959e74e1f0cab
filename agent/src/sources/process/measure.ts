// Measures what sampling costs on this host, to justify /proc and statfs over systeminformation where it is slow:
//   npx node --import tsx agent/src/sources/process/measure.ts
import { pathToFileURL } from 'node:url';
import si from 'systeminformation';
import { DISK_SOURCE_DEFAULTS } from '../disk/config.ts';
import { DiskSampler } from '../disk/disk-sampler.ts';
import { PROCESS_SOURCE_DEFAULTS } from './config.ts';
import { ProcFs } from './proc.ts';
import { ProcessSampler } from './process-sampler.ts';

async function median(runs: number, f: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
    // si caches some results for a moment; wait it out so every run does the work.
    await new Promise((r) => setTimeout(r, 1100));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function measureSamplingCosts(runs = 3): Promise<Record<string, number>> {
  const proc = new ProcFs();
  const sampler = new ProcessSampler({ ...PROCESS_SOURCE_DEFAULTS });
  await sampler.sample(); // first sample reads cmdline/status/exe for every process
  const disk = new DiskSampler({ ...DISK_SOURCE_DEFAULTS });
  return {
    processes: proc.pids().length,
    'si.processes() ms': await median(runs, () => si.processes()),
    'read every /proc/<pid>/stat ms': await median(runs, () => proc.pids().map((p) => proc.stat(p))),
    'ProcessSampler.sample() steady ms': await median(runs, () => sampler.sample()),
    'si.mem() ms': await median(runs, () => si.mem()),
    'si.fsSize() ms': await median(runs, () => si.fsSize()),
    'DiskSampler.sample() ms': await median(runs, () => disk.sample()),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of Object.entries(await measureSamplingCosts()))
    console.log(`${k}: ${v.toFixed(k === 'processes' ? 0 : 2)}`);
}
