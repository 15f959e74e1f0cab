/** Test data for the cloud detection tests: the cloud records of a small generated dataset, cached per process. */
import { iterateDataset, type SynthRecord } from '../../../models/src/synth/index.ts';

let cached: SynthRecord[] | undefined;

export function cloudRecords(): SynthRecord[] {
  cached ??= [...iterateDataset({ samples: 5000 })].filter((r) => !r.source.startsWith('ec2.'));
  return cached;
}

/** Every record of the first injected incident of `type` (labels look like `port_scan-001:vpc`). */
export function incidentRecords(type: string, n = 1): SynthRecord[] {
  const label = `${type}-${String(n).padStart(3, '0')}`;
  return cloudRecords().filter((r) => r.label?.startsWith(label));
}

/** A dense injected port scan in VPC flow log v2 format: one source probing `ports` ports on one host, rejected. */
export function vpcPortScan(
  startMs: number,
  ports = 300,
  src = '198.51.100.77',
  eni = 'eni-0de93a910d93ab4be',
): string[] {
  const lines: string[] = [];
  for (let p = 0; p < ports; p++) {
    const t = Math.floor((startMs + p * 200) / 1000);
    lines.push(`2 318574629104 ${eni} ${src} 10.0.1.23 ${40_000 + p} ${p + 1} 6 1 44 ${t} ${t + 1} REJECT OK`);
  }
  return lines;
}
