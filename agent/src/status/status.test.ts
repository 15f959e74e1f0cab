import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonNotRunningError, statusRequest } from './client.ts';
import { printable, safeJson } from './escape.ts';
import { renderAction } from './render.ts';
import { StatusServer } from './server.ts';

let dir: string;
const servers: StatusServer[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-sock-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(socket: string, handlers = { status: () => ({ ok: 1 }) }) {
  const s = new StatusServer(socket, handlers);
  servers.push(s);
  await s.start();
  return s;
}

const HOSTILE = 'u\u001b[31m$(id)\n;"\'\u009b2J\u202eevil\u0007\u2028x\u007f';

describe('status socket', () => {
  it('is created mode 0600 in a 0700 directory and answers one request per connection', async () => {
    const socket = path.join(dir, 'run/vigil/agent.sock');
    await serve(socket);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(await statusRequest(socket, { cmd: 'status' })).toEqual({ ok: 1 });
    await expect(statusRequest(socket, { cmd: 'nope' })).rejects.toThrow(/unknown command "nope"/);
  });

  it('says the daemon is not running when there is no socket or nobody listens', async () => {
    const socket = path.join(dir, 'agent.sock');
    await expect(statusRequest(socket, { cmd: 'status' })).rejects.toBeInstanceOf(DaemonNotRunningError);
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(socket, r));
    await new Promise<void>((r) => stale.close(() => r()));
    writeFileSync(path.join(dir, 'x'), '');
    await expect(statusRequest(path.join(dir, 'x'), { cmd: 'status' })).rejects.toBeInstanceOf(DaemonNotRunningError);
  });

  it('replaces a stale socket, refuses to start beside a live daemon, and never replaces a regular file', async () => {
    const socket = path.join(dir, 'agent.sock');
    await serve(socket);
    await expect(new StatusServer(socket, {}).start()).rejects.toThrow(/already running/);
    const file = path.join(dir, 'not-a-socket');
    writeFileSync(file, 'precious');
    await expect(new StatusServer(file, {}).start()).rejects.toThrow(/is not a socket; refusing/);
  });

  it('answers malformed and oversized requests with an error and keeps serving', async () => {
    const socket = path.join(dir, 'agent.sock');
    await serve(socket);
    const raw = (data: string) =>
      new Promise<string>((resolve) => {
        const c = net.connect(socket, () => c.write(data));
        let buf = '';
        c.on('data', (d) => {
          buf += d;
        });
        c.on('close', () => resolve(buf));
      });
    expect(JSON.parse(await raw('{not json\n'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/bad request/),
    });
    expect(JSON.parse(await raw('x'.repeat(70_000)))).toMatchObject({ ok: false, error: 'request too large' });
    expect(await statusRequest(socket, { cmd: 'status' })).toEqual({ ok: 1 });
  });
});

describe('output escaping', () => {
  it('JSON stays valid and carries no raw control, C1 or bidi characters', () => {
    const out = safeJson({ user: HOSTILE }, 2);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(out).user).toBe(HOSTILE);
  });

  it('human text shows control characters as escapes on one line', () => {
    expect(printable(HOSTILE)).toBe('u\\e[31m$(id)\\n;"\'\\u009b2J\\u202eevil\\u0007\\u2028x\\u007f');
    expect(printable('a'.repeat(10), 4)).toBe('aaaa…');
    const line = renderAction({
      id: '1',
      at: 0,
      playbook: 'block-ip',
      mode: 'auto',
      decision: 'executed',
      result: 'none',
      dryRun: true,
      target: HOSTILE,
      why: HOSTILE,
      approvedBy: HOSTILE,
    });
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
  });
});
