// Outputs as a reader sees them, from an executed notebook or from the runner, in one shape:
// consecutive writes to a stream joined (the kernel's are joined by nbclient too).
import type { Output } from "../../scripts/runner/runtime";

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: {
    output_type: string;
    name?: string;
    text?: string | string[];
    data?: Record<string, string | string[]>;
    ename?: string;
    evalue?: string;
  }[];
}

export type Shown =
  | { stream: string; text: string }
  | { display: Record<string, string> }
  | { error: string };

const joined = (s: string | string[] | undefined): string =>
  Array.isArray(s) ? s.join("") : (s ?? "");

function merge(shown: Shown[]): Shown[] {
  const out: Shown[] = [];
  for (const s of shown) {
    const last = out[out.length - 1];
    if ("stream" in s && last && "stream" in last && last.stream === s.stream)
      out[out.length - 1] = { stream: s.stream, text: last.text + s.text };
    else out.push(s);
  }
  return out;
}

export function shownByBuild(cell: NotebookCell): Shown[] {
  return merge(
    (cell.outputs ?? []).map((o): Shown => {
      if (o.output_type === "stream")
        return { stream: o.name ?? "stdout", text: joined(o.text) };
      if (o.output_type === "error")
        return { error: `${o.ename}: ${o.evalue}` };
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.data ?? {})) data[k] = joined(v);
      return { display: data };
    }),
  );
}

export function shownByRunner(outputs: readonly Output[]): Shown[] {
  return merge(
    outputs.map((o): Shown => {
      if (o.output_type === "stream") return { stream: o.name, text: o.text };
      if (o.output_type === "error")
        return { error: `${o.ename}: ${o.evalue}` };
      return { display: { ...o.data } };
    }),
  );
}

export const sourceOf = (cell: NotebookCell): string => joined(cell.source);
