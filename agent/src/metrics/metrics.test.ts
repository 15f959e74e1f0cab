import { describe, expect, it } from 'vitest';
import { Registry } from './registry.ts';
import { MetricsServer } from './server.ts';

describe('metrics', () => {
  it('renders Prometheus text with escaped label values and a cumulative histogram', () => {
    const r = new Registry();
    const c = r.counter('vigil_agent_x_total', 'x', ['code']);
    c.inc({ code: 'bad"\n\\' });
    c.inc({ code: 'bad"\n\\' }, 2);
    const h = r.histogram('vigil_agent_s', 's', [0.01, 0.1]);
    h.observe(0.005);
    h.observe(0.05);
    h.observe(3);
    r.gauge('vigil_agent_q', 'q', () => 7);
    const text = r.render();
    expect(text).toContain('vigil_agent_x_total{code="bad\\"\\n\\\\"} 3');
    expect(text).toContain(
      'vigil_agent_s_bucket{le="0.01"} 1\nvigil_agent_s_bucket{le="0.1"} 2\nvigil_agent_s_bucket{le="+Inf"} 3',
    );
    expect(text).toContain('vigil_agent_s_count 3');
    expect(text).toContain('# TYPE vigil_agent_q gauge\nvigil_agent_q 7');
    expect(h.quantile(0.5)).toBe(0.1);
  });

  it('serves /metrics on loopback only', async () => {
    const r = new Registry();
    r.counter('vigil_agent_lines_total', 'lines').inc(undefined, 5);
    await expect(new MetricsServer(r, '0.0.0.0:0').start()).rejects.toThrow(/loopback only/);
    const s = new MetricsServer(r, '127.0.0.1:0');
    const { port } = await s.start();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain('vigil_agent_lines_total 5');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });
});
