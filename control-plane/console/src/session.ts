import { useEffect, useState } from 'preact/hooks';
import { api, getToken, setToken } from './api.ts';

export type Role = 'viewer' | 'operator' | 'admin';
export interface Me {
  name: string;
  role: Role;
  tokenId: string;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** The UI hides what the API would refuse; the API checks again on every call. */
export const can = (me: Me | null, needed: Role) => me !== null && RANK[me.role] >= RANK[needed];

let current: Me | null = null;
const listeners = new Set<(me: Me | null) => void>();
const publish = (me: Me | null) => {
  current = me;
  for (const l of listeners) l(me);
};

/** Checks a token against GET /v1/me; only a token that works is kept (sessionStorage: gone when the tab closes). */
export async function login(token: string): Promise<Me> {
  const me = await api<Me>('/v1/me', { token });
  setToken(token);
  publish(me);
  return me;
}

export function logout(): void {
  setToken(null);
  publish(null);
}

/** On load: restore the session from sessionStorage if its token still works. */
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
