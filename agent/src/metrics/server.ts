import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from './registry.ts';

/** Prometheus scrape endpoint. The config only admits loopback addresses; this checks again before binding. */
export class MetricsServer {
  private server: http.Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly listen: string,
  ) {}

  async start(): Promise<{ host: string; port: number }> {
    const i = this.listen.lastIndexOf(':');
    const host = this.listen.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(this.listen.slice(i + 1));
    if (host !== '127.0.0.1' && host !== '::1') throw new Error(`metrics listen ${this.listen}: loopback only`);
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.registry.render());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return { host, port: (server.address() as AddressInfo).port };
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
