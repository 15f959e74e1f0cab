import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalResponse } from './types.ts';

/** Read a whole body; past `maxBytes` the rest is drained and discarded and `tooLarge` is set. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, r: LocalResponse, head: boolean): void {
  const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  const headers: Record<string, string | number> = { ...r.headers };
  // A HEAD response advertises the length of the body it would have had (set by the handler), but sends none.
  if (!head || headers['content-length'] === undefined) headers['content-length'] = body?.length ?? 0;
  res.writeHead(r.status, headers);
  res.end(head ? undefined : body);
}
