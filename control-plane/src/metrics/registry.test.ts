import { describe, expect, it } from 'vitest';
import { Registry } from './registry.ts';

describe('metrics registry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', async () => {
    const r = new Registry();
    const c = r.counter('vigil_test_total', 'A counter\nwith "newline"', ['route']);
    c.inc({ route: '/a' });
    c.inc({ route: '/a' }, 2);
    c.inc({ route: 'x"y\\z\n' });
    const g = r.gauge('vigil_gauge', 'g', ['status'], () => g.set({ status: 'active' }, 7));
    const h = r.histogram('vigil_seconds', 'h', ['route'], [0.1, 1]);
    h.observe({ route: '/a' }, 0.05);
    h.observe({ route: '/a' }, 0.5);
    h.observe({ route: '/a' }, 5);
    const text = await r.render();
    expect(text).toBe(
      [
        '# HELP vigil_test_total A counter\\nwith "newline"',
        '# TYPE vigil_test_total counter',
        'vigil_test_total{route="/a"} 3',
        'vigil_test_total{route="x\\"y\\\\z\\n"} 1',
        '# HELP vigil_gauge g',
        '# TYPE vigil_gauge gauge',
        'vigil_gauge{status="active"} 7',
        '# HELP vigil_seconds h',
        '# TYPE vigil_seconds histogram',
        'vigil_seconds_bucket{route="/a",le="0.1"} 1',
        'vigil_seconds_bucket{route="/a",le="1"} 2',
        'vigil_seconds_bucket{route="/a",le="+Inf"} 3',
        'vigil_seconds_sum{route="/a"} 5.55',
        'vigil_seconds_count{route="/a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('rejects bad names, decreasing counters and duplicate registration', () => {
    const r = new Registry();
    expect(() => r.counter('bad-name', 'x')).toThrow("invalid metric name 'bad-name'");
    expect(() => r.counter('ok', 'x', ['le'])).toThrow("invalid label name 'le'");
    const c = r.counter('ok_total', 'x');
    expect(() => c.inc({}, -1)).toThrow('can only increase');
    expect(() => r.counter('ok_total', 'x')).toThrow('registered twice');
    expect(() => r.histogram('h', 'x', [], [1, 1])).toThrow('strictly increasing');
  });

  it('keeps serving when a collector fails', async () => {
    const r = new Registry();
    r.gauge('vigil_broken', 'b', [], () => {
      throw new Error('db down');
    });
    r.counter('vigil_ok_total', 'ok').inc();
    expect(await r.render()).toContain('vigil_ok_total 1');
  });
});
