// console.table as Node 20 prints it (the kernel's console): a box of columns "(index)", each
// key of the rows, then "Values" for rows that are plain values; cells aligned left.
import { inspect } from "node-inspect-extracted";

function cellText(v: unknown): string {
  const deep =
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length > 2;
  return inspect(v, {
    depth: deep ? -1 : 0,
    maxArrayLength: 3,
    breakLength: Infinity,
  });
}

function box(head: string[], columns: string[][]): string {
  const height = Math.max(...columns.map((c) => c.length));
  const widths = head.map((h, i) =>
    Math.max(h.length, ...columns[i].map((c) => (c ?? "").length)),
  );
  const row = (cells: string[]): string =>
    "│ " +
    cells
      .map((c, i) => {
        return c + " ".repeat(widths[i] - c.length);
      })
      .join(" │ ") +
    " │";
  const rule = (l: string, m: string, r: string): string =>
    l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const lines = [rule("┌", "┬", "┐"), row(head), rule("├", "┼", "┤")];
  for (let j = 0; j < height; j++)
    lines.push(row(columns.map((c) => c[j] ?? "")));
  lines.push(rule("└", "┴", "┘"));
  return lines.join("\n");
}

/** The table console.table(data, columns) logs (a plain value is logged as it is). */
export function renderTable(
  data: unknown,
  columns?: readonly string[],
): string {
  if (data === null || typeof data !== "object") return cellText(data);
  const rows = data as Record<string, unknown>;
  const index = Object.keys(rows);
  const byKey = new Map<string, string[]>();
  const values: string[] = [];
  let hasValues = false;
  index.forEach((k, i) => {
    const item = rows[k];
    const primitive =
      item === null || (typeof item !== "function" && typeof item !== "object");
    if (columns === undefined && primitive) {
      hasValues = true;
      values[i] = cellText(item);
      return;
    }
    const obj = item as Record<string, unknown>;
    for (const key of columns ?? Object.keys(obj)) {
      if (!byKey.has(key)) byKey.set(key, []);
      const own = !primitive && Object.prototype.hasOwnProperty.call(obj, key);
      byKey.get(key)![i] = own ? cellText(obj[key]) : "";
    }
  });
  const head = ["(index)", ...byKey.keys()];
  const cols = [index, ...byKey.values()];
  if (hasValues) {
    head.push("Values");
    cols.push(values);
  }
  return box(head, cols);
}
