/**
 * The Lambda Terraform (packaging/lambda/terraform) is formatted, initialises offline against a local provider
 * mirror, validates, and keeps its IAM least-privilege. `terraform validate` needs the AWS provider: here it comes
 * from a plugin directory (VIGIL_TF_PLUGIN_DIR, default /opt/tf-plugins); without one the validate step is skipped
 * with the reason printed, never faked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handlerOf, LAMBDA_FUNCTIONS, LAMBDA_RUNTIME } from '../../packaging/lambda/build.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TF_DIR = path.join(ROOT, 'packaging/lambda/terraform');
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const pluginDir = process.env.VIGIL_TF_PLUGIN_DIR ?? '/opt/tf-plugins';
const hasAwsProvider = existsSync(path.join(pluginDir, 'registry.terraform.io/hashicorp/aws'));
// No update checks or telemetry calls from a test.
const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
const tfText = readdirSync(TF_DIR)
  .filter((f) => f.endsWith('.tf'))
  .map((f) => readFileSync(path.join(TF_DIR, f), 'utf8'))
  .join('\n');

if (!hasTerraform) console.warn('terraform test: terraform is not installed: fmt and validate are skipped');
else if (!hasAwsProvider) {
  console.warn(
    `terraform test: no AWS provider in ${pluginDir} (set VIGIL_TF_PLUGIN_DIR): ` +
      '`terraform init` would need the registry, so validate is skipped',
  );
}

let tmp: string | undefined;
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Lambda Terraform', () => {
  it.skipIf(!hasTerraform)('is formatted (terraform fmt -check)', () => {
    const r = spawnSync('terraform', ['fmt', '-check', '-diff', '-recursive', TF_DIR], { env, encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(0);
  });

  it.skipIf(!hasTerraform || !hasAwsProvider)(
    'initialises offline and validates',
    () => {
      tmp = mkdtempSync(path.join(tmpdir(), 'vigil-tf-'));
      cpSync(TF_DIR, tmp, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
      execFileSync('terraform', ['init', '-backend=false', `-plugin-dir=${pluginDir}`, '-input=false', '-no-color'], {
        cwd: tmp,
        env,
        stdio: 'pipe',
      });
      const r = spawnSync('terraform', ['validate', '-json', '-no-color'], { cwd: tmp, env, encoding: 'utf8' });
      const out = JSON.parse(r.stdout) as { valid: boolean; diagnostics: { severity: string; summary: string }[] };
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(out.valid).toBe(true);
    },
    60_000,
  );

  it('deploys exactly the artefacts and handlers packaging/lambda/build.ts produces', () => {
    for (const spec of LAMBDA_FUNCTIONS) {
      expect(tfText).toContain(`"\${var.artefact_dir}/${spec.name}.zip"`);
      expect(tfText).toContain(`"${handlerOf(spec)}"`);
    }
    expect(tfText).toMatch(new RegExp(`default\\s*=\\s*"${LAMBDA_RUNTIME.replace('.', '\\.')}"`));
  });

  it('grants no wildcard actions and scopes log writes to the functions’ own groups', () => {
    const actions = [...tfText.matchAll(/actions\s*=\s*\[([^\]]*)\]/g)].flatMap((m) =>
      [...m[1].matchAll(/"([^"]+)"/g)].map((a) => a[1]),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(tfText).not.toMatch(/resources\s*=\s*\[\s*"\*"\s*\]/);
    expect(tfText).not.toMatch(/AWSLambdaBasicExecutionRole|AdministratorAccess|FullAccess/);
  });
});
