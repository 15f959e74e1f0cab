import { describe, expect, it } from 'vitest';
import { splitSyslogLine, syslogStamp, withHost } from './syslog-time.ts';

describe('syslog stamps', () => {
  it('round-trips a stamp in UTC and rewrites the host', () => {
    const s = splitSyslogLine(
      'Feb 27 03:00:06 ip-10-0-1-23 sshd[811]: Failed password for root from 24.0.130.31',
      2025,
    );
    expect(s?.ts).toBe(Date.UTC(2025, 1, 27, 3, 0, 6));
    expect(syslogStamp(s!.ts)).toBe('Feb 27 03:00:06');
    expect(syslogStamp(Date.UTC(2026, 10, 5, 9, 4, 1))).toBe('Nov  5 09:04:01');
    expect(withHost(s!.rest, 'web-1')).toBe('web-1 sshd[811]: Failed password for root from 24.0.130.31');
  });

  it('refuses a line without a stamp', () => {
    expect(splitSyslogLine('garbage', 2025)).toBeNull();
    expect(splitSyslogLine('Foo  1 00:00:00 h x', 2025)).toBeNull();
  });
});
