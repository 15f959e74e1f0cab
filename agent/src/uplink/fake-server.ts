import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test-only: a tiny HTTP server whose answers a test scripts, recording every request. */
export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: Buffer };

export class FakeServer {
  readonly requests: Recorded[] = [];
  handler: (r: Recorded) => Reply = () => ({
    status: 404,
    body: { error: { code: 'not_found', message: 'no handler' } },
  });
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const rec: Recorded = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        };
        this.requests.push(rec);
        const r = this.handler(rec);
        const payload = r.raw ?? (r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body)));
        res.writeHead(r.status, { ...(r.raw ? {} : { 'content-type': 'application/json' }), ...r.headers });
        res.end(payload);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
