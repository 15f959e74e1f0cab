import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** First path segment: fleet, incidents, actions, models, kpis, login. */
  page: string;
  /** Second segment, e.g. an incident id. */
  id: string | null;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [pathPart, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', id = null] = pathPart.split('/').filter(Boolean);
  return { page: page || 'fleet', id: id ? decodeURIComponent(id) : null, params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A hash link: `href('incidents', id)` or `href('fleet', null, {q: 'web'})`. Empty params are dropped. */
export function href(page: string, id?: string | null, params?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${page}${id ? `/${encodeURIComponent(id)}` : ''}${qs ? `?${qs}` : ''}`;
}

/** Updates the query of the current page without adding a history entry per keystroke. */
export function replaceParams(page: string, params: Record<string, string | undefined>): void {
  history.replaceState(null, '', href(page, null, params));
  dispatchEvent(new HashChangeEvent('hashchange'));
}
