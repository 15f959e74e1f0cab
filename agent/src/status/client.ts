import net from 'node:net';
import type { StatusRequest } from './server.ts';

/** The daemon is not running (no socket, or nobody listening on it). */
export class DaemonNotRunningError extends Error {
  override name = 'DaemonNotRunningError';
}

/** Sends one request to the daemon's status socket and returns its result (throws its error). */
export function statusRequest(socketPath: string, req: StatusRequest, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = net.connect(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no answer from the daemon on ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    c.setEncoding('utf8');
    c.once('connect', () => c.write(`${JSON.stringify(req)}\n`));
    c.on('data', (d: string) => {
      buf += d;
    });
    c.once('end', () => {
      clearTimeout(timer);
      try {
        const res = JSON.parse(buf) as { ok: boolean; result?: unknown; error?: string };
        if (res.ok) resolve(res.result);
        else reject(new Error(res.error ?? 'the daemon reported an error'));
      } catch {
        reject(new Error(`the daemon sent an unreadable answer on ${socketPath}`));
      }
    });
    c.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new DaemonNotRunningError(`vigil-agent is not running (no daemon listening on ${socketPath})`));
      } else if (err.code === 'EACCES' || err.code === 'EPERM') {
        reject(
          new Error(
            `permission denied on ${socketPath}: the status socket is readable by its owner only (run as root)`,
          ),
        );
      } else reject(err);
    });
  });
}
