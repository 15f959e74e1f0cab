import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { incidentsPlugin } from '../detect/incidents-plugin.ts';
import type { AlertRecord } from '../events.ts';
import { anomaly, type Harness, harness, T0 } from '../testing/harness.ts';
import type { Destination } from './destinations.ts';
import type { AlertDispatcher } from './dispatcher.ts';
import { type AlertMessage, slackBody } from './message.ts';
import { alertsOptions, alertsPlugin } from './plugin.ts';
import { alertNotice } from './sources.ts';
import { untrusted, untrustedList } from './untrusted.ts';

const backends = await dbBackends();

describe('untrusted text', () => {
  it('removes line breaks, bidi and zero-width characters, mentions, backticks and live links', () => {
    expect(untrusted('web-1\n[CRITICAL] all clear\r')).toBe('web-1 [CRITICAL] all clear');
    expect(untrusted('root\u202egnp.exe\u200b')).toBe('root gnp.exe');
    expect(untrusted('`x` @here @Channel')).toBe("'x' @\u2009here @\u2009Channel");
    expect(untrusted('see https://evil.example/login')).toBe('see hxxps://evil.example/login');
    expect(untrusted('a'.repeat(500), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(untrusted('')).toBe('?');
    expect(untrustedList(['a', 'b', 'c'], 2)).toBe('a, b (+1 more)');
  });

  it('stays linear on hostile input', () => {
    const t = performance.now();
    untrusted(`${'\u202e@'.repeat(200_000)}http://`, 200);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

/** A destination that records messages, so the test sees exactly what would be posted. */
function recorder(): Destination & { got: AlertMessage[] } {
  const got: AlertMessage[] = [];
  return { name: 'rec', got, send: async (m) => void got.push(m) };
}

describe.each(backends)('incident alerts on $name', (backend) => {
  let h: Harness;
  let dispatcher: AlertDispatcher;
  const raised: AlertRecord[] = [];
  const resolved: AlertRecord[] = [];
  let dest: ReturnType<typeof recorder>;

  beforeEach(async () => {
    raised.length = 0;
    resolved.length = 0;
    dest = recorder();
    const plugin = alertsPlugin({ groupWindowMs: 10 }, { destinations: [dest], onDispatcher: (d) => (dispatcher = d) });
    h = await harness(backend, {}, { plugins: [incidentsPlugin(), plugin] });
    h.app.vigil.events.on('alert.raised', (a) => void raised.push(a));
    h.app.vigil.events.on('alert.resolved', (a) => void resolved.push(a));
  });
  afterEach(() => h.close());

  const send = async (credential: string, items: ReturnType<typeof anomaly>[]) => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/agents/anomalies',
      token: credential,
      payload: { anomalies: items },
    });
    expect(res.statusCode).toBe(200);
    await h.app.vigil.events.drain();
  };

  it('alerts once when an incident reaches the minimum, again when it escalates, and resolves with it', async () => {
    const evil = 'root`\n[LOW] nothing to see <!channel> https://evil.example\u202e';
    const a = await h.enroll('i-0a', 'web-a');
    // medium: below the default minimum (high), so no alert
    await send(a.credential, [
      anomaly('m1', {
        severity: 'medium',
        entity: { kind: 'user', id: evil },
        evidence: { topFeatures: [], lines: [], targets: { ip: '203.0.113.7' } },
      }),
    ]);
    expect(raised).toEqual([]);
    // the same IP at high severity joins the incident and takes it to high: the first alert
    await send(a.credential, [anomaly('h1', { host: `web-a\n@here` })]);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'incident', severity: 'high' });
    const msg = `${raised[0].details.headline}\n${raised[0].message}`;
    expect(msg).not.toMatch(/\n\[LOW\]|https:\/\/|\u202e|`|@here/);
    expect(msg).toContain('web-a @\u2009here');
    // a repeat at the same severity adds nothing
    await send(a.credential, [anomaly('h2')]);
    expect(raised).toHaveLength(1);

    // the same IP on three hosts: the correlator upgrades the incident to a critical distributed brute force
    for (const [i, host] of ['web-b', 'web-c'].entries()) {
      const b = await h.enroll(`i-0b${i}`, host);
      await send(b.credential, [anomaly(`x${i}`, { host })]);
    }
    expect(raised.map((r) => r.severity)).toEqual(['high', 'critical']);
    expect(raised[1].details).toMatchObject({ escalatedFrom: 'high', incidentKind: 'distributed_brute_force' });
    expect(resolved.map((r) => r.id)).toEqual([raised[0].id]);

    await dispatcher.flush();
    const posted = JSON.stringify(dest.got.map((m) => slackBody(m)));
    expect(posted).not.toContain('<!channel>'); // Slack markup is escaped at delivery (&lt;!channel&gt;)
    // (the high anomalies themselves are forwarded too, under their own keys)
    const texts = dest.got.filter((m) => m.notice.key.startsWith('alert:incident:')).map((m) => m.notice.title);
    expect(texts).toHaveLength(2); // escalation is not folded into the first alert's group
    expect(texts[1]).toMatch(/^Incident escalated high → critical: Source IP 203\.0\.113\.7 attacking 3 hosts/);

    const incidentId = raised[0].subject;
    const closed = await h.call({
      method: 'POST',
      url: `/v1/incidents/${incidentId}/state`,
      token: await h.token('operator'),
      payload: { state: 'resolved' },
    });
    expect(closed.statusCode).toBe(200);
    await h.app.vigil.events.drain();
    expect(resolved.map((r) => r.id)).toEqual([raised[0].id, raised[1].id]);
    const open = await h.call({ method: 'GET', url: '/v1/alerts?open=true', token: await h.token('viewer') });
    expect(open.json().items.filter((x: AlertRecord) => x.kind === 'incident')).toEqual([]);
  });

  it('honours a lower configured minimum', async () => {
    await h.close();
    h = await harness(backend, {}, { plugins: [incidentsPlugin(), alertsPlugin({ minIncidentSeverity: 'medium' })] });
    h.app.vigil.events.on('alert.raised', (a) => void raised.push(a));
    const a = await h.enroll();
    await send(a.credential, [anomaly('m1', { severity: 'medium', window: { start: T0, end: T0 + 1 } })]);
    expect(raised.map((r) => r.severity)).toEqual(['medium']);
    expect(() => alertsOptions({ minIncidentSeverity: 'urgent' })).toThrow(/minIncidentSeverity/);
  });
});

describe('alertNotice', () => {
  it('keys incident alerts by severity and titles them with the headline', () => {
    const base = { id: 'alr_1', kind: 'incident', subject: 'inc_1', message: 'm', raisedAt: 0, resolvedAt: null };
    const n = alertNotice({ ...base, severity: 'critical', details: { headline: 'Incident x' } });
    expect(n).toMatchObject({ key: 'alert:incident:inc_1:critical', title: 'Incident x' });
    expect(alertNotice({ ...base, kind: 'agent_stale', severity: 'medium', details: {} }).key).toBe(
      'alert:agent_stale:inc_1',
    );
  });
});
