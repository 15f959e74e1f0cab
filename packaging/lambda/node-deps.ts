/**
 * Copies installed packages, with the closure of their runtime dependencies, from the project's node_modules into
 * an artefact, at the same relative paths so Node resolves them exactly as it does in the project. Used for what
 * esbuild must not inline: native bindings and packages that read their own files at run time.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Decides per file (path relative to the package) whether it ships. */
export type PackageFilter = (pkg: string, relPath: string) => boolean;

/** Never read at run time. */
const NEVER = /(^|\/)node_modules(\/|$)|\.map$|\.d\.[cm]?ts$/;

/** Node's lookup for `name` from a package directory: its own node_modules, then each ancestor's, up to `root`. */
function resolvePackageDir(root: string, fromDir: string, name: string): string {
  const top = path.resolve(root);
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (path.basename(dir) !== 'node_modules' && existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === top || path.dirname(dir) === dir) break;
  }
  throw new Error(`node-deps: cannot resolve package '${name}' from ${fromDir}`);
}

/** The package directories `names` need (themselves included), relative to `root`. */
export function packageClosure(root: string, names: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean) => {
    let dir: string;
    try {
      dir = resolvePackageDir(root, fromDir, name);
    } catch (err) {
      if (optional) return; // an optional dependency not installed for this platform
      throw err;
    }
    const rel = path.relative(root, dir);
    if (seen.has(rel)) return;
    seen.add(rel);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, root, false);
  return [...seen].sort();
}

/** Copies the closure of `names` from `root` into `dest` (same relative paths); returns the packages copied. */
export function copyPackages(
  root: string,
  names: readonly string[],
  dest: string,
  filter: PackageFilter = () => true,
): string[] {
  const dirs = packageClosure(root, names);
  for (const rel of dirs) {
    const from = path.join(root, rel);
    const pkgName = rel.split(`node_modules${path.sep}`).pop() ?? rel;
    cpSync(from, path.join(dest, rel), {
      recursive: true,
      filter: (src) => {
        const inside = path.relative(from, src).split(path.sep).join('/');
        return inside === '' || (!NEVER.test(inside) && filter(pkgName, inside));
      },
    });
  }
  return dirs;
}
