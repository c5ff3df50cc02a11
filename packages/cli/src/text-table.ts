/**
 * Rows as aligned columns for a terminal: a header line, then one line per row, columns
 * separated by two spaces, each as wide as its widest cell (the last one unpadded). Cells of
 * `alignRight` columns (sizes, counts) are right-aligned.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], alignRight: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        if (alignRight.has(column)) return cell.padStart(widths[column]!);
        return column === cells.length - 1 ? cell : cell.padEnd(widths[column]!);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
