/** Real-world message texts for the syslog generators. */

export const TIMER_UNITS: [string, string][] = [
  ['apt-daily.service', 'Daily apt download activities'],
  ['apt-daily-upgrade.service', 'Daily apt upgrade and clean activities'],
  ['logrotate.service', 'Rotate log files'],
  ['man-db.service', 'Daily man-db regeneration'],
  ['sysstat-collect.service', 'system activity accounting tool'],
  ['systemd-tmpfiles-clean.service', 'Cleanup of Temporary Directories'],
  ['motd-news.service', 'Message of the Day'],
  ['fwupd-refresh.service', 'Refresh fwupd metadata and update motd'],
  ['update-notifier-download.service', 'Download data for packages that failed at package install time'],
];

export const DAEMON_LINES: [string, string][] = [
  ['amazon-ssm-agent', 'INFO [CredentialRefresher] Next credential rotation will be in 29.99 minutes'],
  ['amazon-ssm-agent', 'INFO [MessageService] [MGSInteractor] Starting receiving message from control channel'],
  ['amazon-ssm-agent', 'INFO [HealthCheck] HealthCheck reporting agent health.'],
  ['chronyd', 'Selected source 169.254.169.123'],
  ['chronyd', 'System clock wrong by 0.000412 seconds'],
  ['systemd-resolved', 'Clock change detected. Flushing caches.'],
  [
    'snapd',
    'storehelpers.go:916: cannot refresh: snap has no updates available: "amazon-ssm-agent", "core22", "snapd"',
  ],
  ['systemd-networkd', 'ens5: DHCPv4 address renewed'],
  [
    'rsyslogd',
    '[origin software="rsyslogd" swVersion="8.2312.0" x-pid="612" x-info="https://www.rsyslog.com"] rsyslogd was HUPed',
  ],
  [
    'dbus-daemon',
    "[system] Activating via systemd: service name='org.freedesktop.timedate1' unit='dbus-org.freedesktop.timedate1.service' requested by ':1.21' (uid=0 pid=688 comm=\"/usr/lib/systemd/systemd-logind\")",
  ],
];

export const BOOT_LINES = [
  'Linux version 6.8.0-1021-aws (buildd@lcy02-amd64-092) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #23-Ubuntu SMP Mon Dec  9 23:59:34 UTC 2024 (Ubuntu 6.8.0-1021.23-aws 6.8.12)',
  'Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1021-aws root=PARTUUID=0f4c7e2a-01 ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295 panic=-1',
  'DMI: Amazon EC2 t3.medium/, BIOS 1.0 10/16/2017',
  'Hypervisor detected: KVM',
  'EXT4-fs ({fs}): mounted filesystem 3c1f8e42-7c6e-4b8e-9d8c-0d4f6a1e2b3c ro with ordered data mode. Quota mode: none.',
  'EXT4-fs ({fs}): re-mounted 3c1f8e42-7c6e-4b8e-9d8c-0d4f6a1e2b3c r/w. Quota mode: none.',
  'ena 0000:00:05.0: ENA device version: 0.10',
  'ena 0000:00:05.0 ens5: renamed from eth0',
  'audit: type=1400 audit(1735790000.123:2): apparmor="STATUS" operation="profile_load" profile="unconfined" name="nvidia_modprobe" pid=512 comm="apparmor_parser"',
  'systemd[1]: Detected virtualization amazon.',
  'NET: Registered PF_INET6 protocol family',
  'random: crng init done',
];

/** Packages unattended-upgrades touches, with a version stem the month number is appended to. */
export const SECURITY_PACKAGES: [string, string][] = [
  ['openssl', '3.0.13-0ubuntu3.'],
  ['libssl3t64', '3.0.13-0ubuntu3.'],
  ['openssh-server', '1:9.6p1-3ubuntu13.'],
  ['openssh-client', '1:9.6p1-3ubuntu13.'],
  ['libc6', '2.39-0ubuntu8.'],
  ['curl', '8.5.0-2ubuntu10.'],
  ['libcurl4t64', '8.5.0-2ubuntu10.'],
  ['sudo', '1.9.15p5-3ubuntu5.'],
  ['tzdata', '2024b-0ubuntu0.24.04.'],
  ['python3.12', '3.12.3-1ubuntu0.'],
  ['linux-aws', '6.8.0-1021.'],
  ['vim-tiny', '2:9.1.0016-1ubuntu7.'],
  ['libxml2', '2.9.14+dfsg-1.3ubuntu3.'],
];

export function packageVersion(stem: string, n: number): string {
  return `${stem}${n + 1}`;
}
