import { describe, expect, it } from 'vitest';
import { ssmTarget } from './targets.ts';

const allow = ['/var/log'];
describe('ssmTarget', () => {
  it('re-serialises valid targets', () => {
    expect(ssmTarget('block-ip', '203.0.113.7', allow).params).toEqual({ ip: '203.0.113.7' });
    expect(ssmTarget('block-ip', '2001:db8::1', allow).params).toEqual({ ip: '2001:db8::1' });
    expect(ssmTarget('block-ip', '::ffff:198.51.100.4', allow).params).toEqual({ ip: '198.51.100.4' });
    expect(ssmTarget('kill-process', '4242:0017', allow).params).toEqual({ pid: '4242', startTicks: '17' });
    expect(ssmTarget('clean-disk', '/var/log', allow).params).toEqual({ mountPath: '/var/log' });
  });
  it.each([
    ['block-ip', '203.0.113.7; reboot'],
    ['block-ip', '0x7f.1'],
    ['block-ip', '127.0.0.1'],
    ['block-ip', '0.0.0.0'],
    ['block-ip', '224.0.0.1'],
    ['kill-process', '1:5'],
    ['kill-process', '4242'],
    ['kill-process', '4242:5 && id'],
    ['clean-disk', '/var/log/../../etc'],
    ['clean-disk', '/'],
    ['rm-rf', 'x'],
    ['block-ip', null],
  ])('refuses %s %j', (playbook, target) => {
    expect(() => ssmTarget(playbook, target, allow)).toThrow();
  });
});
