import { useState } from "react";

/**
 * Cursor paging: the API gives the next page's opaque cursor; going back
 * replays the cursors seen so far. `reset` starts again (after a filter changes).
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: resetKey, cursors: [undefined] });
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const next = (nextCursor: string) => setState({ key: resetKey, cursors: [...cursors, nextCursor] });
  const previous = () => setState({ key: resetKey, cursors: cursors.slice(0, -1) });
  return { cursor, page: cursors.length, next, previous, hasPrevious: cursors.length > 1 };
}

export function Pager({
  page,
  hasPrevious,
  nextCursor,
  onNext,
  onPrevious,
  busy,
}: {
  page: number;
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  busy?: boolean;
}) {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button small" disabled={!hasPrevious || busy} onClick={onPrevious}>
        Previous page
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" className="button small" disabled={!nextCursor || busy} onClick={() => nextCursor && onNext(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}
