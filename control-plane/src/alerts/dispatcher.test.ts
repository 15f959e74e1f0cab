import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError, type Destination } from './destinations.ts';
import { AlertDispatcher, type DispatcherOptions } from './dispatcher.ts';
import { type AlertMessage, type Notice, slackBody, slackEscape } from './message.ts';

const OPTS: DispatcherOptions = {
  groupWindowMs: 20,
  dedupWindowMs: 60_000,
  perMinute: 100,
  maxAttempts: 3,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  maxKeys: 100,
};
const notice = (key: string, dedupId = `${key}-${Math.random()}`): Notice => ({
  key,
  dedupId,
  severity: 'high',
  title: `t ${key}`,
  text: 'x',
  at: 0,
});

function recorder(failFirst = 0): Destination & { got: AlertMessage[]; calls: number } {
  const d = {
    name: 'rec',
    got: [] as AlertMessage[],
    calls: 0,
    async send(m: AlertMessage) {
      d.calls++;
      if (d.calls <= failFirst) throw new DeliveryError('HTTP 500');
      d.got.push(m);
    },
  };
  return d;
}

let disp: AlertDispatcher | undefined;
afterEach(() => disp?.close());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AlertDispatcher', () => {
  it('groups repeats of a key into one message with a count, and drops duplicates', async () => {
    const d = recorder();
    disp = new AlertDispatcher([d], OPTS);
    disp.offer(notice('a', 'id1'));
    disp.offer(notice('a', 'id1'));
    disp.offer(notice('a', 'id2'));
    disp.offer(notice('a', 'id3'));
    disp.offer(notice('b', 'id4'));
    expect(d.calls).toBe(0); // nothing is sent on the caller's path
    await sleep(40);
    await disp.flush();
    expect(d.got.map((m) => [m.notice.key, m.count])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    expect(disp.deduplicated).toBe(1);
    expect(disp.grouped).toBe(2);
  });

  it('rate-limits per destination and reports the suppressed count in the next message', async () => {
    let now = 0;
    const d = recorder();
    disp = new AlertDispatcher([d], { ...OPTS, perMinute: 2 }, () => now);
    for (const k of ['a', 'b', 'c', 'd']) disp.offer(notice(k));
    await disp.flush();
    expect(d.got).toHaveLength(2);
    expect(disp.stats.get('rec')!.rateLimited).toBe(2);
    now += 30_000; // one token back
    disp.offer(notice('e'));
    await disp.flush();
    expect(d.got.at(-1)).toMatchObject({ suppressed: 2, notice: { key: 'e' } });
  });

  it('retries failures with backoff and counts what finally failed', async () => {
    const flaky = recorder(2);
    disp = new AlertDispatcher([flaky], OPTS);
    disp.offer(notice('a'));
    await disp.flush();
    await sleep(80);
    await disp.flush();
    expect(flaky.got).toHaveLength(1);
    expect(disp.stats.get('rec')).toMatchObject({ sent: 1, retried: 2, failed: 0 });

    const dead = recorder(99);
    const d2 = new AlertDispatcher([dead], OPTS);
    d2.offer(notice('z'));
    await d2.flush();
    await sleep(120);
    await d2.flush();
    expect(dead.calls).toBe(3);
    expect(d2.stats.get('rec')).toMatchObject({ sent: 0, failed: 1, retried: 2 });
    await d2.close();
  });
});

describe('Slack formatting', () => {
  it('escapes mentions and links from log-derived text', () => {
    expect(slackEscape('<!channel> <https://evil|click> & co')).toBe(
      '&lt;!channel&gt; &lt;https://evil|click&gt; &amp; co',
    );
    const body = slackBody({ notice: { ...notice('k'), text: '<!here>' }, count: 2, windowMs: 30_000, suppressed: 0 });
    expect(JSON.stringify(body)).not.toContain('<!here>');
    expect(body.text).toMatch(/^\[HIGH\] t k \(×2 in 30s\)/);
  });
});
