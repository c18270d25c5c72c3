// The in-page runner (scripts/runner/) in Chromium, on the built book: Run all reproduces the
// build's outputs (numbers to 1e-9 relative: a browser's Math may differ from Node's in a last
// digit; cells tagged live-timing or live-skip masked), edit and run again, an error in a cell,
// a runaway loop stopped by Restart, and the bytes a page loads before and on the first Run.
// Set SHOTS_DIR=/tmp/shots to keep screenshots (an edited learning rate, an error).
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import {
  HTML,
  ROOT,
  launchChromium,
  serveDir,
  stubExternal,
  watchErrors,
} from "./helpers";

let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let server: Awaited<ReturnType<typeof serveDir>>;
const shots = process.env.SHOTS_DIR;

beforeAll(async () => {
  server = await serveDir(HTML);
  browser = await launchChromium();
  context = browser.context;
  await stubExternal(context);
  if (shots) mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** What each code cell shows: its output text and its number of figures. Runs in the page. */
function shownByCells(): { skip: boolean; text: string; figures: number }[] {
  return Array.from(document.querySelectorAll<HTMLElement>("div.cell")).map(
    (cell) => {
      const shown = cell.querySelector(":scope > .cell_output");
      // Without the copy buttons (sphinx-copybutton) of the build's outputs.
      const out = shown?.cloneNode(true) as HTMLElement | undefined;
      out?.querySelectorAll("button").forEach((b) => b.remove());
      return {
        skip:
          cell.classList.contains("tag_live-skip") ||
          cell.classList.contains("tag_live-timing") ||
          cell.classList.contains("tag_live-math"),
        text: (out?.textContent ?? "").replace(/\s+/g, " ").trim(),
        figures: out ? out.querySelectorAll("img, svg").length : 0,
      };
    },
  );
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

/** Equal text, numbers within 1e-9 relative (the last digits of a browser's Math). */
function sameWithin(a: string, b: string): boolean {
  if (a.replace(NUMBER, "#") !== b.replace(NUMBER, "#")) return false;
  const x = a.match(NUMBER) ?? [];
  const y = b.match(NUMBER) ?? [];
  return x.every((s, i) => {
    const u = Number(s);
    const v = Number(y[i]);
    const big = Math.max(Math.abs(u), Math.abs(v));
    // Measured round-off (chapter 6's largest difference from the reference,
    // about 5e-16) is itself round-off: both below 1e-12 count as equal.
    return u === v || Math.abs(u - v) <= 1e-9 * big || big < 1e-12;
  });
}

async function openChapter(
  name: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/chapters/${name}.html`);
  await page.waitForSelector(".runner-bar");
  return { page, errors };
}

async function idle(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    () => !document.body.classList.contains("runner-busy"),
    undefined,
    { timeout },
  );
}

async function runAll(page: Page): Promise<number> {
  const start = Date.now();
  await page.click(".runner-bar >> text=Run all");
  await idle(page);
  return Date.now() - start;
}

/** Replaces a cell's code in its editor (CodeMirror, opened by Edit) and runs it. */
async function editAndRun(
  page: Page,
  cellIndex: number,
  code: string,
): Promise<void> {
  const cell = page.locator("div.cell").nth(cellIndex);
  await cell.locator(".runner-tools >> text=Edit").click();
  const editor = cell.locator(".runner-editor .cm-content");
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(code);
  await cell.locator(".runner-tools >> text=Run").click();
}

describe("the in-page runner", () => {
  // Every chapter: the runner must run what the book shows.
  const chapters = readdirSync(join(ROOT, "chapters"))
    .filter((f) => /^\d\d.*\.ipynb$/.test(f))
    .map((f) => f.replace(/\.ipynb$/, ""))
    .sort();
  for (const chapter of chapters) {
    test(`Run all on ${chapter} shows the build's outputs`, async () => {
      const { page, errors } = await openChapter(chapter);
      const built = await page.evaluate(shownByCells);
      const ms = await runAll(page);
      const mine = await page.evaluate(shownByCells);
      console.log(`run all ${chapter}: ${(ms / 1000).toFixed(1)} s`);
      const differ = built.flatMap((b, i) =>
        b.skip ||
        (sameWithin(b.text, mine[i].text) && b.figures === mine[i].figures)
          ? []
          : [
              `code cell ${i}:\n  build:  ${b.text.slice(0, 300)}\n  runner: ${mine[i].text.slice(0, 300)}`,
            ],
      );
      expect(differ.join("\n")).toBe("");
      // A check of Node's last digits (tagged live-math) may fail in a browser.
      const failed = page.locator("div.cell:not(.tag_live-math) .runner-error");
      expect(await failed.count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  test("a changed learning rate trains to a different loss curve", async () => {
    const { page, errors } = await openChapter("06-training");
    const cells = page.locator("div.cell");
    const trainIndex = await cells.evaluateAll((els) =>
      els.findIndex((e) =>
        (e.textContent ?? "").includes("const trained = prepareRun"),
      ),
    );
    const chart = cells.nth(trainIndex + 1);
    const before = await chart
      .locator(".cell_output img")
      .first()
      .getAttribute("src");
    await editAndRun(
      page,
      trainIndex,
      [
        "const trained = prepareRun(",
        "  defaultCorpus(),",
        "  makeConfig({ learning_rate: 0.002, num_steps: 300 }),",
        ");",
        "const losses = train(trained);",
        "losses.length;",
      ].join("\n"),
    );
    await idle(page);
    await expect
      .poll(() => cells.nth(trainIndex).locator(".runner-output").textContent())
      .toContain("300");
    await chart.locator(".runner-tools >> text=Run").click();
    await idle(page);
    const failed = chart.locator(".runner-error");
    if ((await failed.count()) > 0)
      throw new Error(`${await failed.first().textContent()}`);
    const after = await chart
      .locator(".runner-output img")
      .first()
      .getAttribute("src");
    expect(after).toMatch(/^data:image\/svg\+xml/);
    expect(after).not.toBe(before);
    if (shots)
      await chart.screenshot({ path: join(shots, "runner-learning-rate.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  test("an error shows in its cell, with its line", async () => {
    const { page } = await openChapter("01-data-and-tokenizer");
    const cells = page.locator("div.cell");
    const runnable = await cells.evaluateAll((els) =>
      els.flatMap((e, i) => (e.querySelector(".runner-button") ? [i] : [])),
    );
    const cell = cells.nth(runnable[2]);
    await editAndRun(
      page,
      runnable[2],
      'const ok = 1;\nthrow new RangeError("no such name");',
    );
    await idle(page);
    await expect
      .poll(() => cell.locator(".runner-error").textContent())
      .toBe("RangeError: no such name (line 2)");
    if (shots) await cell.screenshot({ path: join(shots, "runner-error.png") });
    await page.close();
  });

  test("a runaway loop is stopped by Restart, and the page keeps working", async () => {
    const { page } = await openChapter("01-data-and-tokenizer");
    const cells = page.locator("div.cell");
    const runnable = await cells.evaluateAll((els) =>
      els.flatMap((e, i) => (e.querySelector(".runner-button") ? [i] : [])),
    );
    await editAndRun(page, runnable[0], "while (true) {}");
    await page.waitForTimeout(1000);
    expect(
      await page.evaluate(() =>
        document.body.classList.contains("runner-busy"),
      ),
    ).toBe(true);
    await page.click(".runner-bar >> text=Restart");
    await idle(page, 5000);
    await expect
      .poll(() => cells.nth(runnable[0]).locator(".runner-error").textContent())
      .toContain("Restarted");
    await editAndRun(page, runnable[0], "6 * 7");
    await idle(page);
    await expect
      .poll(() =>
        cells.nth(runnable[0]).locator(".runner-output").textContent(),
      )
      .toBe("42\n");
    await page.close();
  });

  test("nothing but a small script loads before the first Run", async () => {
    const page = await context.newPage();
    const loaded: string[] = [];
    page.on("request", (r) => loaded.push(new URL(r.url()).pathname));
    await page.goto(`${server.url}/chapters/01-data-and-tokenizer.html`);
    await page.waitForSelector(".runner-bar");
    await page.waitForLoadState("networkidle");
    const runner = loaded.filter((p) => p.includes("runner"));
    expect(runner.sort()).toEqual([
      "/_static/runner.css",
      "/_static/runner.js",
    ]);
    const gz = (p: string): number =>
      gzipSync(readFileSync(join(HTML, p))).length;
    const pageScript = statSync(join(HTML, "_static/runner.js")).size;
    expect(pageScript).toBeLessThan(8 * 1024);
    loaded.length = 0;
    await page.locator("div.cell .runner-tools >> text=Run").first().click();
    await idle(page);
    const firstRun = loaded.filter((p) => p.includes("runner"));
    expect(firstRun).toContain("/_static/runner/worker.js");
    // The chart engines and Graphviz wait for a cell that draws.
    const sizes = firstRun.map(
      (p) => `${p} ${(gz(p) / 1024).toFixed(0)} KB gzipped`,
    );
    console.log(
      `before the first Run: runner.js ${pageScript} bytes (${gz("_static/runner.js")} gzipped), runner.css ${gz("_static/runner.css")} gzipped; on the first Run: ${sizes.join(", ")}`,
    );
    expect(gz("_static/runner/worker.js")).toBeLessThan(200 * 1024);
    await page.close();
  });
});
