import { useEffect, useRef, useState } from 'preact/hooks';
import { getToken } from './api.ts';

/**
 * Live notices from GET /v1/console/stream (Server-Sent Events). EventSource cannot send an Authorization header,
 * so the stream is read with fetch() and a body reader; the token never appears in a URL. Reconnects with backoff.
 */
export type LiveStatus = 'connecting' | 'live' | 'offline';
type Listener = (event: string, data: Record<string, unknown>) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let status: LiveStatus = 'offline';
let controller: AbortController | null = null;

const setStatus = (s: LiveStatus) => {
  status = s;
  for (const l of statusListeners) l(s);
};

function dispatch(frame: string): void {
  let event = 'message';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!data) return;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  if (event === 'hello') setStatus('live');
  for (const l of listeners) l(event, parsed);
}

async function readStream(signal: AbortSignal): Promise<void> {
  const token = getToken();
  if (!token) return;
  const res = await fetch('/v1/console/stream', {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal,
    cache: 'no-store',
  });
  if (!res.ok || !res.body) throw new Error(`stream HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      dispatch(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
    }
  }
}

export function startLive(): void {
  stopLive();
  const c = new AbortController();
  controller = c;
  void (async () => {
    let attempt = 0;
    while (!c.signal.aborted && getToken()) {
      setStatus('connecting');
      try {
        await readStream(c.signal);
        attempt = 0;
      } catch {
        attempt++;
      }
      if (c.signal.aborted) break;
      setStatus('offline');
      const wait = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, wait));
    }
  })();
}

export function stopLive(): void {
  controller?.abort();
  controller = null;
  setStatus('offline');
}

export function useLiveStatus(): LiveStatus {
  const [s, set] = useState(status);
  useEffect(() => {
    statusListeners.add(set);
    set(status);
    return () => void statusListeners.delete(set);
  }, []);
  return s;
}

/** Calls `onChange` (debounced) whenever one of `events` arrives; pages use it to refetch. */
export function useLive(events: readonly string[], onChange: () => void, delayMs = 250): void {
  const cb = useRef(onChange);
  cb.current = onChange;
  const key = events.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const l: Listener = (event) => {
      if (!wanted.has(event)) return;
      clearTimeout(timer);
      timer = setTimeout(() => cb.current(), delayMs);
    };
    listeners.add(l);
    return () => {
      clearTimeout(timer);
      listeners.delete(l);
    };
  }, [key, delayMs]);
}
