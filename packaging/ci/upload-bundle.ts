/**
 * Publishes a model bundle directory to a control plane's registry (`POST /v1/bundles`, admin): a gzipped ustar of
 * `manifest.json` and exactly the files it lists (the registry refuses unlisted files, so the model card and other
 * extras are left out). Used by the release workflow and the retraining CronJob.
 *
 *   VIGIL_ADMIN_TOKEN=vgl_op_... node upload-bundle.ts --url https://cp.example.com --bundle models/bundles/default
 *
 * The token is read from the environment only, never from a flag, so it does not show in process listings.
 * Exit codes: 0 published (or already there with --allow-existing), 1 refused or unreachable, 2 usage.
 */
import { listedFiles, packBundleDir } from '../../models/src/onnx/bundle-pack.ts';
import { parseCommand, UsageError } from '../../models/src/util/cli.ts';

const USAGE = `Usage: upload-bundle --url URL --bundle DIR [--allow-existing] [--timeout-seconds N]
  (token: VIGIL_ADMIN_TOKEN environment variable, an admin operator token)`;

export { listedFiles, packBundleDir as bundleArchive };

export interface UploadResult {
  status: 'published' | 'exists';
  version: string;
  body: unknown;
}

/** POSTs the archive. A version that already exists is an error unless `allowExisting` (re-running a release). */
export async function uploadBundle(opts: {
  url: string;
  token: string;
  dir: string;
  allowExisting?: boolean;
  timeoutMs?: number;
}): Promise<UploadResult> {
  const { manifest, archive } = packBundleDir(opts.dir);
  const endpoint = new URL('/v1/bundles', opts.url);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/gzip' },
    body: new Uint8Array(archive),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  const code = (body as { error?: { code?: string } })?.error?.code;
  if (res.status === 201) return { status: 'published', version: manifest.bundleVersion, body };
  if (res.status === 409 && code === 'bundle_exists' && opts.allowExisting) {
    return { status: 'exists', version: manifest.bundleVersion, body };
  }
  throw new Error(`POST ${endpoint.href} answered ${res.status}: ${text.slice(0, 500)}`);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      url: { type: 'string' },
      bundle: { type: 'string' },
      'allow-existing': { type: 'boolean' },
      'timeout-seconds': { type: 'string' },
    },
  });
  if (!parsed) return 0;
  const { url, bundle } = parsed.values;
  if (!url || !/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL\n\n${USAGE}`);
  if (!bundle) throw new UsageError(`--bundle DIR is required\n\n${USAGE}`);
  const token = env.VIGIL_ADMIN_TOKEN ?? '';
  if (!/^vgl_op_[A-Za-z0-9_-]{43}$/.test(token)) {
    throw new UsageError('VIGIL_ADMIN_TOKEN must hold an operator token (vgl_op_ + 43 characters)');
  }
  const seconds = Number(parsed.values['timeout-seconds'] ?? 60);
  if (!(seconds > 0)) throw new UsageError('--timeout-seconds must be a positive number');
  const r = await uploadBundle({
    url,
    token,
    dir: bundle,
    allowExisting: parsed.values['allow-existing'],
    timeoutMs: seconds * 1000,
  });
  process.stderr.write(
    r.status === 'published'
      ? `published bundle ${r.version} to ${url}\n`
      : `bundle ${r.version} already exists at ${url}; left as it is\n`,
  );
  process.stdout.write(`${JSON.stringify(r.body)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`upload-bundle: ${(err as Error).message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
