// Every page of the built book in Chromium: no console errors, the figures are there, the code is
// highlighted as TypeScript, formulas are typeset and fit the column (no raw TeX in the text),
// navigation follows _toc.yml, and the book reads with JavaScript off.
// Run by `make test-book` after `make book`. Set SHOTS_DIR=/tmp/shots to keep a screenshot of each page.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext } from "playwright-core";
import {
  HTML,
  launchChromium,
  serveDir,
  stubExternal,
  tocPages,
  watchErrors,
} from "./helpers";

/**
 * The least number of figures (SVG pictures in cell outputs) each page must show. Raise a number
 * when a chapter gains figures; a page missing here fails the test, so new pages get a number.
 */
const MIN_FIGURES: Record<string, number> = {
  "chapters/intro": 0,
  "chapters/map": 0,
  "chapters/live": 0,
  "chapters/01-data-and-tokenizer": 0,
  "chapters/02-randomness": 1,
  "chapters/03-value": 4,
  "chapters/04-backward": 4,
  "chapters/05-gpt": 3,
  "chapters/05a-attention": 7,
  "chapters/05b-block": 5,
  "chapters/06-training": 1,
  "chapters/07-sampling": 4,
  "chapters/08-efficiency": 3,
  "chapters/09-two-microgpts": 5,
  "chapters/10-keeping-a-model": 2,
  "chapters/11-experiments": 9,
  "chapters/glossary": 0,
  "chapters/further-reading": 0,
  "chapters/00-charts": 6,
};

/**
 * Figures in cell outputs: SVG pictures, inline or as image files (how myst-nb writes
 * image/svg+xml outputs), not the icons of buttons. Runs in the page.
 */
function countFigures(): number {
  const outputs = Array.from(document.querySelectorAll(".cell_output"));
  const inline = outputs
    .flatMap((o) => Array.from(o.querySelectorAll("svg")))
    .filter(
      (s) =>
        s.parentElement?.closest("svg, button, .copybtn") == null &&
        s.getBoundingClientRect().width > 0,
    );
  const files = outputs
    .flatMap((o) => Array.from(o.querySelectorAll("img")))
    .filter(
      (i) =>
        /\.svg($|[?#])/.test(i.getAttribute("src") ?? "") ||
        (i.getAttribute("src") ?? "").startsWith("data:image/svg"),
    );
  return inline.length + files.length;
}

/**
 * Text a reader sees outside math and code that still looks like TeX: a `$` or
 * a `\command` (MyST leaves both when a `$$` block sits mid-paragraph and it
 * pairs the dollar signs wrongly). Each hit with a little context. Runs in the
 * page.
 */
function rawTex(): string[] {
  const article = document.querySelector("article");
  if (article === null) return [];
  const copy = article.cloneNode(true) as HTMLElement;
  copy
    .querySelectorAll("script, style, pre, code, .math, mjx-container")
    .forEach((e) => e.remove());
  const text = (copy.textContent ?? "").replace(/\s+/g, " ");
  return Array.from(
    text.matchAll(/.{0,30}(?:\$|\\[A-Za-z]+).{0,30}/g),
    (m) => m[0],
  );
}

/** Formulas MathJax left untypeset, once it has finished. Runs in the page. */
async function untypesetMath(): Promise<string[]> {
  const mj = (
    window as unknown as {
      MathJax?: { startup?: { promise?: Promise<unknown> } };
    }
  ).MathJax;
  await mj?.startup?.promise;
  return Array.from(document.querySelectorAll("article .math"))
    .filter((m) => m.querySelector("mjx-container") === null)
    .map((m) => (m.textContent ?? "").slice(0, 60));
}

/** Typeset formulas wider than the text column (they would need a scroll bar). */
function wideFormulas(): string[] {
  return Array.from(
    document.querySelectorAll('article mjx-container[display="true"]'),
  )
    .filter((c) => c.scrollWidth > c.clientWidth + 1)
    .map((c) =>
      (c.getAttribute("aria-label") ?? c.textContent ?? "").slice(0, 60),
    );
}

/** The only addresses outside the book a page may ask for (MathJax, for pages with formulas). */
const ALLOWED_EXTERNAL = [/^https:\/\/cdn\.jsdelivr\.net\/npm\/mathjax@3\//];

const pages = tocPages();
const shots = process.env.SHOTS_DIR;
let server: { url: string; close(): Promise<void> };
let browser: { context: BrowserContext; close(): Promise<void> };
let external: string[];

beforeAll(async () => {
  if (!existsSync(join(HTML, "index.html")))
    throw new Error("book/_build/html is missing: run `make book` first");
  if (shots) mkdirSync(shots, { recursive: true });
  server = await serveDir(HTML);
  browser = await launchChromium();
  external = await stubExternal(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("every page of the book", () => {
  test("every page in _toc.yml has an expected figure count", () => {
    expect(pages.filter((p) => !(p in MIN_FIGURES))).toEqual([]);
  });

  test.each(pages)("%s", async (name) => {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    const start = external.length;
    const response = await page.goto(`${server.url}/${name}.html`, {
      waitUntil: "load",
    });
    expect(response?.status()).toBe(200);
    await page.waitForLoadState("networkidle");

    const figures = await page.evaluate(countFigures);
    const tex = await page.evaluate(rawTex);
    const untypeset = await page.evaluate(untypesetMath);
    const wide = await page.evaluate(wideFormulas);
    const facts = await page.evaluate(() => {
      const inputs = Array.from(document.querySelectorAll(".cell_input"));
      return {
        title: document.title,
        brokenImages: Array.from(
          document.querySelectorAll<HTMLImageElement>("article img"),
        )
          .filter((i) => !i.complete || i.naturalWidth === 0)
          .map((i) => i.src),
        codeCells: inputs.length,
        // At the desktop width of the test window (1280 px), every line of code fits.
        scrollingCells: inputs.filter((c) => {
          const pre = c.querySelector("pre");
          return pre !== null && pre.scrollWidth > pre.clientWidth + 1;
        }).length,
        typescriptCells: inputs.filter(
          (c) => c.querySelector(".highlight-typescript") !== null,
        ).length,
        errorOutputs: document.querySelectorAll(
          ".cell_output .output.traceback, .cell_output .output.error",
        ).length,
        next:
          document.querySelector<HTMLAnchorElement>("a.right-next")?.href ??
          null,
      };
    });

    expect(errors).toEqual([]);
    expect(facts.brokenImages).toEqual([]);
    expect(facts.errorOutputs).toBe(0);
    expect(facts.scrollingCells).toBe(0);
    expect(tex, "raw TeX or a stray $ in the text").toEqual([]);
    expect(untypeset, "formulas MathJax did not typeset").toEqual([]);
    expect(wide, "formulas wider than the column").toEqual([]);
    expect(figures).toBeGreaterThanOrEqual(MIN_FIGURES[name] ?? Infinity);
    if (name.match(/\/\d\d[a-z]?-/)) {
      // A chapter notebook: its code cells are shown, all highlighted as TypeScript.
      expect(facts.codeCells).toBeGreaterThan(0);
      expect(facts.typescriptCells).toBe(facts.codeCells);
    }
    const i = pages.indexOf(name);
    if (i + 1 < pages.length)
      expect(facts.next).toBe(`${server.url}/${pages[i + 1]}.html`);
    else expect(facts.next).toBeNull();
    const unexpected = external
      .slice(start)
      .filter((u) => !ALLOWED_EXTERNAL.some((re) => re.test(u)));
    expect(unexpected).toEqual([]);

    if (shots)
      await page.screenshot({
        path: join(shots, `${name.replace(/\//g, "_")}.png`),
        fullPage: true,
      });
    await page.close();
  });
});

describe("with JavaScript off", () => {
  test("every page still shows its text and figures; the live page says it needs JavaScript", async () => {
    const noJs = await launchChromium({ javaScriptEnabled: false });
    try {
      await stubExternal(noJs.context);
      const page = await noJs.context.newPage();
      for (const name of pages) {
        await page.goto(`${server.url}/${name}.html`, { waitUntil: "load" });
        const heading = await page.evaluate(
          () => document.querySelector("article h1")?.textContent ?? "",
        );
        expect(heading, name).not.toBe("");
        expect(await page.evaluate(countFigures), name).toBeGreaterThanOrEqual(
          MIN_FIGURES[name] ?? Infinity,
        );
        if (name === "chapters/live") {
          await expect(
            page.locator("#microgpt-live").innerText(),
          ).resolves.toMatch(/needs JavaScript/);
        }
      }
    } finally {
      await noJs.close();
    }
  });
});
