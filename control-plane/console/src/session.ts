import { useEffect, useState } from 'preact/hooks';
import { api, getToken, HttpError, setToken } from './api.ts';

export type Role = 'viewer' | 'operator' | 'admin';
export interface Me {
  name: string;
  role: Role;
  tokenId: string;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** The UI hides what the API would refuse; the API checks again on every call. */
export const can = (me: Me | null, needed: Role) => me !== null && RANK[me.role] >= RANK[needed];

/** The last GET /v1/me answer for the stored token, so a reload can render before asking again. */
const ME_KEY = 'vigil.me';

let current: Me | null = null;
const listeners = new Set<(me: Me | null) => void>();
const publish = (me: Me | null) => {
  current = me;
  for (const l of listeners) l(me);
};

function remember(me: Me): void {
  sessionStorage.setItem(ME_KEY, JSON.stringify(me));
  publish(me);
}

function cachedMe(): Me | null {
  try {
    const m = JSON.parse(sessionStorage.getItem(ME_KEY) ?? 'null') as Partial<Me> | null;
    const ok = m && typeof m.name === 'string' && typeof m.tokenId === 'string' && Object.hasOwn(RANK, m.role ?? '');
    return ok ? (m as Me) : null;
  } catch {
    return null;
  }
}

/** Checks a token against GET /v1/me; only a token that works is kept (sessionStorage: gone when the tab closes). */
export async function login(token: string): Promise<Me> {
  const me = await api<Me>('/v1/me', { token });
  setToken(token);
  remember(me);
  return me;
}

export function logout(): void {
  setToken(null);
  sessionStorage.removeItem(ME_KEY);
  publish(null);
}

/**
 * On load, when this tab already holds a checked session: use it at once, so the page's own requests start
 * without waiting for /v1/me, and re-check the token in the background. A revoked token then gets 401 there (or
 * on the page's first request) and the unauthorized handler logs out; other failures keep the session, since the
 * page reports its own errors. Returns null when there is no such session (then call restore()).
 */
export function restoreCached(): Me | null {
  const me = getToken() ? cachedMe() : null;
  if (!me) return null;
  publish(me);
  api<Me>('/v1/me').then(
    (fresh) => getToken() && remember(fresh),
    (err: Error) => err instanceof HttpError || console.warn('could not re-check the session:', err.message),
  );
  return me;
}

/** On load without a cached session: restore it from the stored token if that still works. */
export async function restore(): Promise<Me | null> {
  const token = getToken();
  if (!token) return null;
  try {
    return await login(token);
  } catch {
    logout();
    return null;
  }
}

export function useMe(): Me | null {
  const [me, setMe] = useState(current);
  useEffect(() => {
    listeners.add(setMe);
    setMe(current);
    return () => void listeners.delete(setMe);
  }, []);
  return me;
}
