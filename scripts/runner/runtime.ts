// Runs compiled cells one after another with the state a tslab notebook has: the same console
// formatting (Node's util.inspect, extracted for the Web), `tslab.display`, the last
// expression printed with console.log when it is neither null nor undefined.
import { formatWithOptions, inspect } from "node-inspect-extracted";
import { compileCell, CompileError, RUNTIME } from "./compile";
import { renderTable } from "./table";

/** A cell's output, as nbformat writes it (the page and the tests compare these). */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, string> }
  | {
      output_type: "error";
      ename: string;
      evalue: string;
      line: number | null;
    };

/** Where the runtime lives: a Web Worker, or Node in the tests. */
export interface Host {
  /** The global object that cells declare their names on. */
  readonly global: Record<string, unknown>;
  /** Evaluates a classic script in the global scope and returns its value. */
  evaluate(script: string): unknown;
  /** A module by the name a cell imports (loaded once; charts load on first use). */
  load(name: string): Promise<unknown>;
}

export interface Runtime {
  /** Runs one cell; outputs go to onOutput as they come, and are returned. */
  run(source: string, onOutput?: (o: Output) => void): Promise<Output[]>;
  /** Writes to the running cell's stdout or stderr (process.stdout.write). */
  write(name: "stdout" | "stderr", text: string): void;
}

type Sink = (o: Output) => void;

/** tslab's display: one display_data per call, under the given MIME type. */
function createDisplay(out: () => Sink) {
  const raw = (type: string, value: string | Uint8Array): void => {
    const text =
      typeof value === "string" ? value : btoa(String.fromCharCode(...value));
    out()({ output_type: "display_data", data: { [type]: text } });
  };
  return {
    raw,
    html: (s: string) => raw("text/html", s),
    svg: (s: string) => raw("image/svg+xml", s),
    markdown: (s: string) => raw("text/markdown", s),
    latex: (s: string) => raw("text/latex", s),
    javascript: (s: string) => raw("text/javascript", s),
    text: (s: string) => raw("text/plain", s),
    png: (b: Uint8Array) => raw("image/png", b),
    jpeg: (b: Uint8Array) => raw("image/jpeg", b),
    gif: (b: Uint8Array) => raw("image/gif", b),
  };
}

/** The console a cell sees: Node's formatting, written to the cell's streams. */
function createConsole(out: () => Sink) {
  const write =
    (name: "stdout" | "stderr") =>
    (...args: unknown[]): void =>
      out()({
        output_type: "stream",
        name,
        text: formatWithOptions({}, ...args) + "\n",
      });
  const log = write("stdout");
  const error = write("stderr");
  return {
    log,
    info: log,
    debug: log,
    error,
    warn: error,
    trace: error,
    dir: (value: unknown) => log(inspect(value)),
    table: (data: unknown, columns?: readonly string[]) =>
      log(renderTable(data, columns)),
  };
}

interface Thrown {
  name: string;
  message: string;
  stack?: string;
}

// Duck-typed: in the Node tests a cell's errors come from another realm.
function isThrown(e: unknown): e is Thrown {
  const t = e as Thrown | null;
  return typeof t?.name === "string" && typeof t?.message === "string";
}

/** One line for an error, and the cell line it was thrown from when known. */
function describeError(e: unknown): Output {
  if (!isThrown(e))
    return {
      output_type: "error",
      ename: "Error",
      evalue: inspect(e),
      line: null,
    };
  const at = /(?:<anonymous>|\bcell):(\d+):\d+/.exec(e.stack ?? "");
  const line =
    e instanceof CompileError
      ? compileLine(e.message)
      : at
        ? Number(at[1])
        : null;
  return { output_type: "error", ename: e.name, evalue: e.message, line };
}

function compileLine(message: string): number | null {
  const m = /\((\d+):\d+\)/.exec(message);
  return m ? Number(m[1]) : null;
}

/** An ES module's default export as TypeScript's esModuleInterop reads it. */
function importDefault(mod: unknown): unknown {
  const m = mod as { __esModule?: boolean; default?: unknown } | null;
  return m && m.__esModule ? m.default : (m?.default ?? mod);
}

export function createRuntime(host: Host): Runtime {
  const modules = new Map<string, unknown>();
  let sink: Sink = () => {};
  const current = () => sink;
  const tslab = {
    display: createDisplay(current),
    newDisplay: () => tslab.display,
  };
  modules.set("tslab", tslab);
  host.global.console = createConsole(current);
  host.global[RUNTIME] = {
    global: host.global,
    require(name: string): unknown {
      if (!modules.has(name)) throw new Error(`Cannot find module '${name}'`);
      return modules.get(name);
    },
    importDefault,
    dynamicImport: (name: string): Promise<unknown> => host.load(name),
    importNamed(mod: unknown, _from: string, name: string): unknown {
      return (mod as Record<string, unknown>)[name];
    },
  };

  async function run(source: string, onOutput?: Sink): Promise<Output[]> {
    const outputs: Output[] = [];
    sink = (o) => {
      outputs.push(o);
      onOutput?.(o);
    };
    try {
      const cell = compileCell(source);
      for (const name of cell.imports)
        if (!modules.has(name)) modules.set(name, await host.load(name));
      const value = await (host.evaluate(cell.script) as Promise<unknown>);
      if (value !== null && value !== undefined)
        (host.global.console as { log(v: unknown): void }).log(value);
    } catch (e) {
      sink(describeError(e));
    }
    return outputs;
  }
  const write = (name: "stdout" | "stderr", text: string): void =>
    sink({ output_type: "stream", name, text });
  return { run, write };
}
