import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORT_BINDING_FILE, ortBindingPath } from './ort-binding.ts';

describe('ONNX Runtime binding resolver', () => {
  it('looks beside the executable for the single executable', () => {
    expect(ortBindingPath({ sea: true, execDir: '/opt/vigil' })).toBe(`/opt/vigil/${ORT_BINDING_FILE}`);
  });

  it("uses onnxruntime-node's own layout otherwise", () => {
    expect(ortBindingPath({ sea: false, execDir: '/x', packageDir: '/p', platform: 'linux', arch: 'arm64' })).toBe(
      `/p/bin/napi-v6/linux/arm64/${ORT_BINDING_FILE}`,
    );
    expect(() => ortBindingPath({ sea: false, execDir: '/x' })).toThrow(/not installed/);
  });

  it('loads the installed binding from source (in a child: a native addon registers once per process)', () => {
    const script = `import { loadOrtBinding } from ${JSON.stringify(path.join(import.meta.dirname, 'ort-binding.ts'))};
      const b = loadOrtBinding(); process.stdout.write(typeof b.InferenceSession);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(out).toBe('function');
  });

  it('names the missing file', async () => {
    const { loadOrtBinding } = await import('./ort-binding.ts');
    expect(() => loadOrtBinding({ sea: true, execDir: '/nonexistent' })).toThrow(
      `ONNX Runtime binding not found at /nonexistent/${ORT_BINDING_FILE}`,
    );
  });
});
