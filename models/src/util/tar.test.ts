import { describe, expect, it } from 'vitest';
import { readTar, writeTar } from './tar.ts';

function entry(name: string, type = '0', data = Buffer.from('x')): Buffer {
  const tar = writeTar([{ name: 'placeholder', data }]);
  tar.fill(0, 0, 100);
  tar.write(name, 0, 100, 'utf8');
  tar.write(type, 156);
  tar.write('        ', 148);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i];
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return tar;
}

describe('bundle archive reader', () => {
  it('round-trips plain files', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{}') },
      { name: 'detector.onnx', data: Buffer.alloc(1500, 7) },
    ];
    expect(readTar(writeTar(files)).map((f) => [f.name, f.data.length])).toEqual([
      ['manifest.json', 2],
      ['detector.onnx', 1500],
    ]);
  });

  it.each([
    ['../escape', '0', /not a plain file name/],
    ['/etc/passwd', '0', /not a plain file name/],
    ['sub/dir.onnx', '0', /not a plain file name/],
    ['link', '2', /type '2'/],
    ['hard', '1', /type '1'/],
    ['pax', 'x', /type 'x'/],
  ])('refuses entry %j of type %s', (name, type, why) => {
    expect(() => readTar(entry(name, type))).toThrow(why);
  });

  it('refuses a corrupted header and a truncated archive', () => {
    const t = writeTar([{ name: 'a', data: Buffer.from('hello') }]);
    const bad = Buffer.from(t);
    bad[10] ^= 1;
    expect(() => readTar(bad)).toThrow(/checksum/);
    expect(() => readTar(t.subarray(0, 512))).toThrow(/runs past the end|end-of-archive/);
    expect(() =>
      readTar(
        writeTar([
          { name: 'a', data: Buffer.from('1') },
          { name: 'a', data: Buffer.from('2') },
        ]),
      ),
    ).toThrow(/duplicate/);
  });
});
