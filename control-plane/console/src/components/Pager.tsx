import { useState } from 'preact/hooks';

/** Keyset paging: a stack of the cursors that led to each page, so Previous needs no offset. */
export function useCursorPager(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key: resetKey, stack: [] });
  const stack = state.key === resetKey ? state.stack : [];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (c: string) => setState({ key: resetKey, stack: [...stack, c] }),
    prev: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
  };
}

interface Props {
  label: string;
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrev: () => void;
  summary?: string;
}

export function Pager({ label, page, nextCursor, onNext, onPrev, summary }: Props) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" onClick={onPrev} disabled={page <= 1}>
        ← Previous
      </button>
      <span aria-live="polite">
        Page {page}
        {summary ? ` · ${summary}` : ''}
      </span>
      <button type="button" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Next →
      </button>
    </nav>
  );
}
