import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { safeJson } from './escape.ts';

/** A request on the status socket: one JSON object on one line. */
export interface StatusRequest {
  cmd: string;
  [key: string]: unknown;
}

export type StatusHandlers = Record<string, (req: StatusRequest) => Promise<unknown> | unknown>;

const MAX_REQUEST = 64 * 1024;
const CONN_TIMEOUT_MS = 10_000;

/**
 * The daemon's local control socket. Only the owner may connect: the socket is created under umask 0177 and then
 * chmod 0600 (root in production), and its directory is created 0700. Each connection carries one request line and
 * gets one response line, `{"ok":true,"result":...}` or `{"ok":false,"error":"..."}`.
 */
export class StatusServer {
  private server: net.Server | undefined;
  private ino: number | undefined;

  constructor(
    readonly socketPath: string,
    private readonly handlers: StatusHandlers,
    private readonly onError: (msg: string, err: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    await prepare(this.socketPath);
    const server = net.createServer((c) => this.serve(c));
    const old = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(old);
    }
    chmodSync(this.socketPath, 0o600);
    this.ino = lstatSync(this.socketPath).ino;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    try {
      if (lstatSync(this.socketPath).ino === this.ino) unlinkSync(this.socketPath);
    } catch {
      // already gone
    }
  }

  private serve(c: net.Socket): void {
    c.setTimeout(CONN_TIMEOUT_MS, () => c.destroy());
    c.on('error', () => c.destroy());
    let buf = '';
    c.setEncoding('utf8');
    c.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) return this.reply(c, { ok: false, error: 'request too large' });
      const nl = buf.indexOf('\n');
      if (nl >= 0) void this.handle(c, buf.slice(0, nl));
    });
  }

  private async handle(c: net.Socket, line: string): Promise<void> {
    c.removeAllListeners('data');
    let req: StatusRequest;
    try {
      req = JSON.parse(line) as StatusRequest;
      if (typeof req !== 'object' || req === null || typeof req.cmd !== 'string') throw new Error('cmd missing');
    } catch (err) {
      return this.reply(c, { ok: false, error: `bad request: ${(err as Error).message}` });
    }
    const handler = Object.hasOwn(this.handlers, req.cmd) ? this.handlers[req.cmd] : undefined;
    if (!handler) return this.reply(c, { ok: false, error: `unknown command ${JSON.stringify(req.cmd.slice(0, 32))}` });
    try {
      this.reply(c, { ok: true, result: await handler(req) });
    } catch (err) {
      this.onError(`status command ${req.cmd} failed`, err);
      this.reply(c, { ok: false, error: (err as Error).message });
    }
  }

  private reply(c: net.Socket, body: unknown): void {
    if (!c.writable) return;
    c.end(`${safeJson(body)}\n`);
  }
}

/** Creates the socket's directory (0700) if needed and clears a stale socket; refuses to replace anything else. */
async function prepare(socketPath: string): Promise<void> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`status socket ${socketPath} exists and is not a socket; refusing to replace it`);
  if (await answers(socketPath)) throw new Error(`another vigil-agent is already running on ${socketPath}`);
  unlinkSync(socketPath);
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socketPath);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}
