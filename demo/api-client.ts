/** The few control-plane calls the demo makes, as an operator would with curl: bearer token, JSON, errors named. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async get<T>(route: string): Promise<T> {
    return this.call<T>('GET', route);
  }

  async post<T>(route: string, body: unknown, contentType = 'application/json'): Promise<T> {
    return this.call<T>('POST', route, body, contentType);
  }

  async put<T>(route: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', route, body, 'application/json');
  }

  private async call<T>(method: string, route: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': contentType as string }),
      },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
