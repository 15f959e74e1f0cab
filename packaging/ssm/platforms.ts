import { type Arch, DISTRIBUTOR_ARCH } from '../sea/elf.ts';

/**
 * The Distributor platforms the agent ships for. Node 24 and ONNX Runtime 1.30 need glibc 2.28 (GLIBC_2.28 is the
 * newest symbol version either binary references), so Amazon Linux 2 (glibc 2.26), Ubuntu 18.04 (2.27) and
 * RHEL/CentOS 7 (2.17) cannot run it: Amazon Linux is listed for 2023 only, and install.sh refuses an older glibc
 * with that reason.
 */
export interface Platform {
  /** Distributor platform name, as SSM Agent reports it. */
  id: 'amazon' | 'ubuntu' | 'redhat';
  label: string;
  /** Distributor platform versions (`_any` matches every version). */
  versions: string[];
  /** The system log files rsyslog writes there (install.sh warns when none exists, e.g. journald-only hosts). */
  authLog: string;
}

export const PLATFORMS: readonly Platform[] = [
  { id: 'amazon', label: 'Amazon Linux 2023', versions: ['2023'], authLog: '/var/log/secure' },
  { id: 'ubuntu', label: 'Ubuntu 20.04+', versions: ['_any'], authLog: '/var/log/auth.log' },
  { id: 'redhat', label: 'Red Hat Enterprise Linux 8+', versions: ['_any'], authLog: '/var/log/secure' },
];

export const MIN_GLIBC = '2.28';

export function zipName(version: string, platform: Platform['id'], arch: Arch): string {
  return `vigil-agent_${version}_${platform}_${DISTRIBUTOR_ARCH[arch]}.zip`;
}
