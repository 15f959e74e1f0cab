import type { ComponentChildren } from 'preact';

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  /** Right-aligned, tabular digits. */
  numeric?: boolean;
  /** The server can order by this column. */
  sortable?: boolean;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

interface Props<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  sort?: SortState;
  onSort?: (s: SortState) => void;
  empty: ComponentChildren;
  /** Marks a row (e.g. just updated live). */
  rowClass?: (row: T) => string | undefined;
}

/**
 * A dense, accessible table: a caption for screen readers, column headers with scope, sortable headers as buttons
 * with aria-sort. Sorting is always done by the server, so it covers every page, not just the visible one.
 */
export function DataTable<T>({ caption, columns, rows, rowKey, sort, onSort, empty, rowClass }: Props<T>) {
  const toggle = (key: string) => {
    if (!onSort) return;
    const dir = sort?.key === key && sort.dir === 'desc' ? 'asc' : sort?.key === key ? 'desc' : 'asc';
    onSort({ key, dir });
  };
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} scope="col" class={c.numeric ? 'num' : undefined} aria-sort={ariaSort}>
                  {c.sortable && onSort ? (
                    <button type="button" class="sort" onClick={() => toggle(c.key)}>
                      {c.label}
                      <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} class={rowClass?.(row)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'num' : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
