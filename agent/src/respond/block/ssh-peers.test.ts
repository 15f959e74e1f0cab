import { describe, expect, it } from 'vitest';
import { parseProcNetTcp } from './ssh-peers.ts';

// Captured from /proc/net/tcp and tcp6 in a network namespace with an sshd-like listener on [::]:22 and three
// clients (IPv6, IPv4 arriving as v4-mapped, loopback), trailing columns trimmed.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0708090A:8345 0708090A:0016 01 00000000:00000000 00:00000000 00000000     0        0 40768 2
   1: 0100007F:C694 0100007F:0016 01 00000000:00000000 00:00000000 00000000     0        0 40769 2
   2: 0A02000A:0016 6414A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 40770 2
   3: 0A02000A:0016 6514A8C0:D432 06 00000000:00000000 00:00000000 00000000     0        0 0 2
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: B80D0120000000000000000005000000:0016 B80D0120000000000000000005000000:B203 01 00000000:00000000
   2: 0000000000000000FFFF00000708090A:0016 0000000000000000FFFF00000708090A:8345 01 00000000:00000000
   3: B80D0120000000000000000005000000:B203 B80D0120000000000000000005000000:0016 01 00000000:00000000
   4: 0000000000000000FFFF00000100007F:0016 0000000000000000FFFF00000100007F:C694 01 00000000:00000000
`;

describe('established SSH peers from /proc/net/tcp*', () => {
  it('decodes little-endian words, keeps ESTABLISHED to local port 22 only, and unmaps v4-mapped peers', () => {
    expect(parseProcNetTcp(TCP, [22])).toEqual(['192.168.20.100']); // TIME_WAIT (06) and client sides dropped
    expect(parseProcNetTcp(TCP6, [22])).toEqual(['2001:db8::5', '10.9.8.7', '127.0.0.1']);
    expect(parseProcNetTcp(TCP6, [2222])).toEqual([]);
  });

  it('ignores garbage rows', () => {
    expect(parseProcNetTcp('header\n 0: zz:0016 $(id):0016 01\n\n', [22])).toEqual([]);
  });
});
