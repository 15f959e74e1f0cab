import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';

export interface Resource<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  /** Re-reads in the background: the old data stays on screen until the new arrives. */
  reload: () => void;
}

/** GETs `path` (null = nothing to load) and re-reads when it changes; stale responses are discarded. */
export function useResource<T>(path: string | null): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const generation = useRef(0);
  const load = useCallback(() => {
    if (path === null) return;
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    api<T>(path).then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (error: Error) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [path]);
  useEffect(load, [load]);
  return { ...state, reload: load };
}
