/** One row of a chart's table: its heading cell (the day, the time) and the values beside it. */
export type ChartTableRow = { key: string; heading: string; cells: string[] };

/**
 * The table a chart can be opened as (folded under it): the same numbers for screen readers, for copying, and for
 * anyone who would rather read than compare bars.
 */
export function ChartTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: ChartTableRow[] }) {
  return (
    <details className="fold usage-chart-table">
      <summary className="fold-summary">Show as a table</summary>
      <table className="table table-compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.heading}</th>
              {row.cells.map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a row's cells are fixed columns, in order
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
