// JupyterLab as a reader uses it (`make lab`): open chapter 1 in Chromium, Run > Run All Cells,
// and check that every code cell ran on the TypeScript kernel without an error and produced the
// outputs the book's own execution produced. The notebook is a copy in a scratch folder: nothing
// is ever saved into chapters/.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ROOT, launchChromium, stubExternal, watchErrors } from "./helpers";

const NOTEBOOK = "01-data-and-tokenizer.ipynb";
const SOURCE = join(ROOT, "chapters", NOTEBOOK);
// The book build's executed copy (nbclient, the same kernel): the outputs to expect.
const EXECUTED = join(
  ROOT,
  "book",
  "_build",
  "jupyter_execute",
  "chapters",
  NOTEBOOK,
);
const VENV = join(ROOT, ".venv");

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

const sha = (file: string): string =>
  createHash("sha256").update(readFileSync(file)).digest("hex");

let lab: ChildProcess | undefined;
let labLog = "";
let scratch = "";
let base = "";
const token = randomBytes(16).toString("hex");
const sourceHash = sha(SOURCE);

beforeAll(async () => {
  if (!existsSync(EXECUTED))
    throw new Error(`${EXECUTED} is missing: run \`make book\` first`);
  // Beside chapters/ (same depth, inside the repository) so that `microgpt` resolves from node_modules.
  mkdirSync(join(ROOT, ".make"), { recursive: true });
  scratch = mkdtempSync(join(ROOT, ".make", "lab-test-"));
  const notebooks = join(scratch, "chapters");
  const settings = join(
    scratch,
    "user-settings",
    "@jupyterlab",
    "notebook-extension",
  );
  mkdirSync(notebooks, { recursive: true });
  mkdirSync(settings, { recursive: true });
  copyFileSync(SOURCE, join(notebooks, NOTEBOOK));
  // Render every cell (no virtual scrolling), so the page holds every output to inspect.
  writeFileSync(
    join(settings, "tracker.jupyterlab-settings"),
    JSON.stringify({ windowingMode: "none" }),
  );

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // As the Makefile runs it: Jupyter's folders inside .venv, so the tslab kernel there is used.
  const env = {
    ...process.env,
    JUPYTER_PLATFORM_DIRS: "1",
    JUPYTER_CONFIG_DIR: join(VENV, "etc", "jupyter"),
    JUPYTER_DATA_DIR: join(VENV, "share", "jupyter"),
    IPYTHONDIR: join(VENV, "etc", "ipython"),
  };
  lab = spawn(
    join(VENV, "bin", "jupyter"),
    [
      "lab",
      "--no-browser",
      `--notebook-dir=${notebooks}`,
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--LabApp.user_settings_dir=${join(scratch, "user-settings")}`,
      `--LabApp.workspaces_dir=${join(scratch, "workspaces")}`,
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      // CI containers run as root, which Jupyter refuses without this.
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  lab.stdout?.on("data", (d: Buffer) => (labLog += d.toString()));
  lab.stderr?.on("data", (d: Buffer) => (labLog += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (lab.exitCode !== null)
      throw new Error(`JupyterLab exited (${lab.exitCode}):\n${labLog}`);
    try {
      const res = await fetch(`${base}/api/status?token=${token}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`JupyterLab did not start in 60 s:\n${labLog}`);
    await new Promise((r) => setTimeout(r, 300));
  }
});

afterAll(async () => {
  if (lab && lab.exitCode === null) {
    const exited = new Promise<void>((ok) => lab?.once("exit", () => ok()));
    // Shuts the kernels down too.
    await fetch(`${base}/api/shutdown?token=${token}`, {
      method: "POST",
    }).catch(() => undefined);
    const timer = setTimeout(() => lab?.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface CellReport {
  prompt: string;
  outputs: number;
  errors: string[];
}

test(`Run All Cells in JupyterLab runs ${NOTEBOOK} on the TypeScript kernel without errors`, async () => {
  const expected = (
    JSON.parse(readFileSync(EXECUTED, "utf8")) as {
      cells: { cell_type: string; outputs?: unknown[] }[];
    }
  ).cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (c.outputs ?? []).length > 0);

  const browser = await launchChromium();
  try {
    await stubExternal(browser.context);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/lab/tree/${NOTEBOOK}?token=${token}`, {
      waitUntil: "load",
    });
    // The notebook is open, its kernel is TypeScript and has started.
    await page.waitForSelector(".jp-NotebookPanel .jp-Notebook .jp-Cell", {
      timeout: 120_000,
    });
    const kernelName = page.locator(
      ".jp-NotebookPanel-toolbar [data-jp-item-name=kernelName]",
    );
    await expect
      .poll(() => kernelName.innerText(), { timeout: 60_000 })
      .toBe("TypeScript");
    await page.waitForSelector(
      ".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status=idle]",
      { timeout: 120_000 },
    );

    // Run > Run All Cells, through the menu bar as a reader would.
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page
      .locator(".lm-Menu-content .lm-Menu-itemLabel", {
        hasText: /^Run All Cells$/,
      })
      .click();

    // Done when every code cell shows an execution number and the kernel is idle again.
    await page.waitForFunction(
      (n) => {
        const prompts = Array.from(
          document.querySelectorAll(
            ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt",
          ),
        ).map((p) => (p.textContent ?? "").trim());
        const idle =
          document
            .querySelector(
              ".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator",
            )
            ?.getAttribute("data-status") === "idle";
        return (
          idle &&
          prompts.length === n &&
          prompts.every((p) => /^\[\d+\]:$/.test(p))
        );
      },
      expected.length,
      { timeout: 240_000, polling: 500 },
    );

    const cells: CellReport[] = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll(".jp-NotebookPanel .jp-CodeCell"),
      ).map((cell) => ({
        prompt: (
          cell.querySelector(".jp-InputPrompt")?.textContent ?? ""
        ).trim(),
        outputs: cell.querySelectorAll(".jp-OutputArea-output").length,
        errors: Array.from(
          cell.querySelectorAll(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
          ),
        ).map((e) => (e.textContent ?? "").slice(0, 500)),
      })),
    );
    expect(cells).toHaveLength(expected.length);
    // Each cell ran once, in order: [1], [2], ...
    expect(cells.map((c) => c.prompt)).toEqual(
      cells.map((_, i) => `[${i + 1}]:`),
    );
    expect(
      cells.flatMap((c, i) => c.errors.map((e) => `cell ${i + 1}: ${e}`)),
    ).toEqual([]);
    expect(cells.map((c) => c.outputs > 0)).toEqual(expected);
    expect(
      errors.filter(
        (e) => !/favicon|api\/(news|update)|lab\/api\/plugins/.test(e),
      ),
    ).toEqual([]);
    if (process.env.SHOTS_DIR)
      await page.screenshot({
        path: join(process.env.SHOTS_DIR, "jupyterlab.png"),
      });
  } finally {
    await browser.close();
  }
  // The chapter itself was never touched.
  expect(sha(SOURCE)).toBe(sourceHash);
});
