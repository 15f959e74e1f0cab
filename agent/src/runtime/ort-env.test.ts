import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { disableOrtTelemetry } from './ort-env.ts';

const TELEMETRY_DIR = '.cache/Microsoft/DeveloperTools/.onnxruntime';
const REPO = path.resolve(import.meta.dirname, '../../..');
const MODEL = path.join(REPO, 'models/bundles/default/detector.onnx');

describe('ONNX Runtime telemetry', () => {
  it('is turned off unless the operator set it', () => {
    const env: NodeJS.ProcessEnv = {};
    disableOrtTelemetry(env);
    expect(env.ORT_DISABLE_TELEMETRY).toBe('1');
    const mine: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: '0' };
    disableOrtTelemetry(mine);
    expect(mine.ORT_DISABLE_TELEMETRY).toBe('0');
  });

  it('writes nothing under $HOME once the variable is set from JavaScript before the first session', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'vigil-ort-home-'));
    try {
      // The shipped detector, loaded in a child whose HOME is empty.
      const script = `
        const { disableOrtTelemetry } = await import(${JSON.stringify(path.join(import.meta.dirname, 'ort-env.ts'))});
        disableOrtTelemetry();
        const ort = (await import('onnxruntime-node')).default;
        await ort.InferenceSession.create(${JSON.stringify(MODEL)});`;
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, HOME: home, ORT_DISABLE_TELEMETRY: undefined },
        cwd: REPO,
        stdio: 'pipe',
      });
      expect(existsSync(path.join(home, TELEMETRY_DIR))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
