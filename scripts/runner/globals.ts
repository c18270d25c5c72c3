// The Node globals the chapters use without importing them: Buffer (the `buffer` package,
// Node's API for the browser) and a small `process` whose stdout writes to the cell.
import { Buffer } from "buffer";
import { CWD } from "./shims/fs";

export function installNodeGlobals(
  global: Record<string, unknown>,
  write: (name: "stdout" | "stderr", text: string) => void,
  { keepProcess = false } = {},
): void {
  global.Buffer = Buffer;
  // Node's own, when the runtime runs on Node's global (tests/runner).
  if (keepProcess) return;
  global.process = {
    pid: 1,
    env: {},
    argv: [],
    platform: "browser",
    version: "v20.0.0",
    versions: {},
    execPath: "node",
    cwd: () => CWD,
    stdout: { write: (s: string) => (write("stdout", String(s)), true) },
    stderr: { write: (s: string) => (write("stderr", String(s)), true) },
  };
}
