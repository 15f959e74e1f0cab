/** A row-major float matrix: `rows` × `cols` values in `data` (NaN = missing). */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export function checkMatrix(m: Matrix, where: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 1) {
    throw new RangeError(`${where}: bad shape [${m.rows}, ${m.cols}]`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`${where}: ${m.data.length} values for [${m.rows}, ${m.cols}]`);
  }
}

/** The listed rows, in the given order (e.g. the normal rows of the training period). */
export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= m.rows)
      throw new RangeError(`selectRows: row ${r} outside 0..${m.rows - 1}`);
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  }
  return { data: out, rows: rows.length, cols: m.cols };
}
