// The runner's page script, on every chapter page (a few KB; nothing else loads before the
// first Run): a bar with Run all, Restart and Reset, and Run and Edit on each code cell. Cells
// run in one Web Worker per page (scripts/runner/worker.ts), started on the first Run; their
// outputs replace the build's in place. Without JavaScript the page is the static book.
import type { Output } from "./runtime";
import type { FromWorker, ToWorker } from "./worker";
import type { CellEditor } from "./editor";

interface Cell {
  readonly index: number;
  readonly el: HTMLElement;
  readonly code: HTMLElement;
  /** The build's outputs, restored by Reset; null until first replaced. */
  built: HTMLElement | null;
  output: HTMLElement | null;
  status: HTMLElement;
  editor: CellEditor | null;
  /** The source that produced the shown output, null when the build's is shown. */
  ranSource: string | null;
  readonly skip: boolean;
}

const script = document.currentScript as HTMLScriptElement | null;
// The book's root: this script is at <root>/_static/runner.js.
const root = new URL("../", script?.src ?? location.href).href;
const workerUrl = new URL("runner/worker.js", script?.src ?? location.href);
const editorUrl = new URL("runner/editor.js", script?.src ?? location.href)
  .href;

function button(
  label: string,
  title: string,
  onClick: () => void,
): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "runner-button";
  b.textContent = label;
  b.title = title;
  b.addEventListener("click", onClick);
  return b;
}

function sourceOf(cell: Cell): string {
  return cell.editor ? cell.editor.value : (cell.code.textContent ?? "");
}

let worker: Worker | null = null;
let nextId = 1;
let pending = new Map<number, { cell: Cell; done: () => void }>();
/** Cells already run by the current worker, by index. */
let ran = new Set<number>();
let barStatus: HTMLElement;
let busy = false;
/** Bumped by every restart: a run of several cells stops when it changes. */
let generation = 0;

function startWorker(): Worker {
  const w = new Worker(workerUrl, { type: "module" });
  w.postMessage({ kind: "init", root } satisfies ToWorker);
  w.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    const job = pending.get(m.id);
    if (!job) return;
    if (m.kind === "output") show(job.cell, m.output);
    else {
      const error = job.cell.output?.querySelector(".runner-error");
      job.cell.status.textContent = error
        ? "error"
        : `ran in your browser (${Math.round(m.ms)} ms)`;
      job.cell.el.classList.toggle("runner-failed", !!error);
      pending.delete(m.id);
      job.done();
    }
  };
  return w;
}

/** The cell's output area, emptied: the build's is kept aside for Reset. */
function freshOutput(cell: Cell): HTMLElement {
  if (!cell.output) {
    const existing = cell.el.querySelector<HTMLElement>(
      ":scope > .cell_output",
    );
    cell.built = existing;
    cell.output = document.createElement("div");
    cell.output.className = "cell_output docutils container runner-output";
    if (existing) existing.replaceWith(cell.output);
    else cell.el.append(cell.output);
  }
  cell.output.replaceChildren();
  return cell.output;
}

function show(cell: Cell, o: Output): void {
  const out = cell.output ?? freshOutput(cell);
  if (o.output_type === "stream") {
    const last = out.lastElementChild;
    if (last?.getAttribute("data-stream") === o.name) {
      last.textContent += o.text;
      return;
    }
    const pre = document.createElement("pre");
    pre.className = `runner-stream runner-${o.name}`;
    pre.setAttribute("data-stream", o.name);
    pre.textContent = o.text;
    out.append(pre);
  } else if (o.output_type === "error") {
    const pre = document.createElement("pre");
    pre.className = "runner-error";
    const where = o.line === null ? "" : ` (line ${o.line})`;
    pre.textContent = `${o.ename}: ${o.evalue}${where}`;
    out.append(pre);
  } else {
    const div = document.createElement("div");
    div.className = "runner-display";
    const svg = o.data["image/svg+xml"];
    if (svg !== undefined) {
      const img = document.createElement("img");
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.alt = "a figure drawn in your browser";
      div.append(img);
    } else if (o.data["text/html"] !== undefined) {
      div.innerHTML = o.data["text/html"];
    } else {
      const pre = document.createElement("pre");
      pre.textContent = Object.values(o.data)[0] ?? "";
      div.append(pre);
    }
    out.append(div);
  }
}

function runOne(cell: Cell): Promise<void> {
  worker ??= startWorker();
  const id = nextId++;
  const source = sourceOf(cell);
  freshOutput(cell);
  cell.ranSource = source;
  cell.el.classList.remove("runner-stale");
  cell.status.textContent = "running…";
  ran.add(cell.index);
  return new Promise((done) => {
    pending.set(id, { cell, done });
    worker!.postMessage({ kind: "run", id, source } satisfies ToWorker);
  });
}

/** Runs the cells given in order; stops at the first that fails. */
async function runCells(cells: Cell[]): Promise<void> {
  if (busy) return;
  busy = true;
  const mine = generation;
  document.body.classList.add("runner-busy");
  try {
    for (const cell of cells) {
      if (cell.skip) continue;
      await runOne(cell);
      // A check of Node's last digits may fail in a browser: the cells after it
      // still hold (its names were set before it threw).
      const failed = cell.el.classList.contains("runner-failed");
      if (
        generation !== mine ||
        (failed && !cell.el.classList.contains("tag_live-math"))
      )
        break;
    }
  } finally {
    busy = false;
    document.body.classList.remove("runner-busy");
  }
}

/** Ends the worker (a runaway loop ends with it); the next Run starts a fresh one. */
function restart(message: string): void {
  generation++;
  worker?.terminate();
  worker = null;
  for (const { cell, done } of pending.values()) {
    cell.status.textContent = "stopped";
    const out = cell.output ?? freshOutput(cell);
    const note = document.createElement("pre");
    note.className = "runner-error";
    note.textContent = message;
    out.append(note);
    done();
  }
  pending = new Map();
  ran = new Set();
  barStatus.textContent = message;
}

function reset(cells: Cell[]): void {
  restart("Reset: the build's outputs are back; Run starts afresh.");
  for (const cell of cells) {
    if (cell.output && cell.built) cell.output.replaceWith(cell.built);
    else cell.output?.remove();
    cell.output = null;
    cell.built = null;
    cell.ranSource = null;
    cell.status.textContent = "";
    cell.el.classList.remove("runner-failed", "runner-stale");
  }
}

/** An editor in place of the highlighted code: CodeMirror, loaded on the first Edit. */
async function edit(cell: Cell): Promise<void> {
  if (cell.editor) {
    cell.editor.focus();
    return;
  }
  const { createEditor } = (await import(
    editorUrl
  )) as typeof import("./editor");
  if (cell.editor) return;
  const holder = document.createElement("div");
  holder.className = "runner-editor";
  // A folded cell (hide-input) opens to show its editor.
  cell.code.closest("details")?.setAttribute("open", "");
  cell.code.closest("div.cell_input")?.append(holder);
  cell.code.closest<HTMLElement>("div.highlight")?.setAttribute("hidden", "");
  const code = (cell.code.textContent ?? "").replace(/\n$/, "");
  cell.editor = createEditor(
    holder,
    code,
    (value) =>
      cell.el.classList.toggle(
        "runner-stale",
        cell.ranSource !== null && value !== cell.ranSource,
      ),
    () => void runUpTo(cell),
  );
  cell.editor.focus();
}

let cells: Cell[] = [];

/** This cell, after any earlier cell the current worker has not run. */
function runUpTo(cell: Cell): Promise<void> {
  const before = cells.filter((c) => c.index < cell.index && !ran.has(c.index));
  return runCells([...before, cell]);
}

function setup(): void {
  const found = Array.from(document.querySelectorAll<HTMLElement>("div.cell"));
  cells = found.flatMap((el, index) => {
    const code = el.querySelector<HTMLElement>(".cell_input pre");
    if (!code) return [];
    const skip = el.classList.contains("tag_live-skip");
    const cell: Cell = {
      index,
      el,
      code,
      built: null,
      output: null,
      status: document.createElement("span"),
      editor: null,
      ranSource: null,
      skip,
    };
    const tools = document.createElement("div");
    tools.className = "runner-tools";
    cell.status.className = "runner-status";
    if (skip) {
      cell.status.textContent =
        "runs in Node only (a process, or a real file system): the output is the build's";
    } else {
      tools.append(
        button(
          "Run",
          "run this cell (and earlier cells not yet run)",
          () => void runUpTo(cell),
        ),
        button("Edit", "edit this cell, then Run (or Shift+Enter)", () =>
          edit(cell),
        ),
      );
      if (el.classList.contains("tag_live-timing"))
        cell.status.textContent = "its numbers are times: yours will differ";
      if (el.classList.contains("tag_live-math"))
        cell.status.textContent =
          "its last digits are Node's Math: your browser's may differ (see Chapter 2)";
    }
    tools.append(cell.status);
    el.prepend(tools);
    return [cell];
  });
  if (cells.length === 0) return;
  const bar = document.createElement("div");
  bar.className = "runner-bar";
  barStatus = document.createElement("span");
  barStatus.className = "runner-status";
  barStatus.textContent =
    "Every cell runs in your browser. Your browser's Math may differ from Node's in a last digit (see Chapter 2).";
  bar.append(
    button("Run all", "run every cell in order, in a fresh worker", () => {
      if (busy) return;
      restart("Running every cell in a fresh worker.");
      void runCells(cells);
    }),
    button("Restart", "stop the running cell and forget every name", () =>
      restart("Restarted: the next Run starts afresh."),
    ),
    button("Reset", "show the build's outputs again", () => reset(cells)),
    barStatus,
  );
  cells[0].el.before(bar);
  document.body.classList.add("runner-ready");
}

if (document.readyState === "loading")
  document.addEventListener("DOMContentLoaded", setup);
else setup();
