import { SYSLOG_ACTIONS as S } from '../../schema/actions.ts';
import { type Classified, other } from './classified.ts';

export const PACKAGE_PROGRAMS = new Set([
  'dpkg',
  'apt',
  'apt-get',
  'yum',
  'dnf',
  'rpm',
  'zypper',
  'packagekitd',
  'unattended-upgrade',
  'unattended-upgrades',
]);

const OPS: Record<string, 'install' | 'upgrade' | 'remove'> = {
  install: 'install',
  installed: 'install',
  reinstalled: 'install',
  upgrade: 'upgrade',
  upgraded: 'upgrade',
  updated: 'upgrade',
  downgraded: 'upgrade',
  remove: 'remove',
  removed: 'remove',
  purge: 'remove',
  erased: 'remove',
};

/**
 * Package manager lines: dpkg style `install|upgrade|remove <pkg>[:arch] <old> [<new>]` (`<none>` = no version) and
 * yum/dnf style `Installed: <name>-<version>-<release>.<arch>` / `Updated:` / `Erased:`. resource = package name,
 * attrs.op in install/upgrade/remove, attrs.version (the version installed, or removed), attrs.arch when given.
 */
export function classifyPackage(msg: string): Classified {
  const colon = msg.indexOf(': ');
  if (colon > 0 && colon < 14) {
    const op = OPS[msg.slice(0, colon).toLowerCase()];
    if (op) return nevra(op, msg.slice(colon + 2).trim());
  }
  const parts = msg.trim().split(/\s+/);
  const op = OPS[parts[0]?.toLowerCase() ?? ''];
  if (op === undefined || parts.length < 2 || parts.length > 4) return other();
  const { name, arch } = splitArch(parts[1]);
  const versions = parts.slice(2).filter((v) => v !== '<none>');
  const version = op === 'remove' ? versions[0] : versions[versions.length - 1];
  return change(op, name, version, arch, versions.length === 2 ? versions[0] : undefined);
}

function change(op: string, name: string, version?: string, arch?: string, fromVersion?: string): Classified {
  const c: Classified = { action: S.packageChange, outcome: 'success', attrs: { op } };
  if (name !== '') c.resource = name;
  if (version) c.attrs!.version = version;
  if (arch) c.attrs!.arch = arch;
  if (fromVersion && op === 'upgrade') c.attrs!.fromVersion = fromVersion;
  return c;
}

function splitArch(pkg: string): { name: string; arch?: string } {
  const colon = pkg.indexOf(':');
  return colon > 0 ? { name: pkg.slice(0, colon), arch: pkg.slice(colon + 1) } : { name: pkg };
}

const RPM_ARCHES = new Set(['x86_64', 'noarch', 'i686', 'i386', 'aarch64', 'armv7hl', 'ppc64le', 's390x', 'src']);

/** `[epoch:]name-version-release.arch` (or just a name for `Erased: nginx`). */
function nevra(op: string, text: string): Classified {
  let s = text.split(' ')[0];
  let arch: string | undefined;
  const dot = s.lastIndexOf('.');
  if (dot > 0 && RPM_ARCHES.has(s.slice(dot + 1))) {
    arch = s.slice(dot + 1);
    s = s.slice(0, dot);
  }
  const rel = s.lastIndexOf('-');
  const ver = rel > 0 ? s.lastIndexOf('-', rel - 1) : -1;
  if (ver <= 0 || !/\d/.test(s.charAt(ver + 1))) return change(op, stripEpoch(s), undefined, arch);
  return change(op, stripEpoch(s.slice(0, ver)), s.slice(ver + 1), arch);
}

function stripEpoch(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 && /^\d+$/.test(name.slice(0, colon)) ? name.slice(colon + 1) : name;
}
