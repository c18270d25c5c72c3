// The live page trains the default model in Chromium and must reach the command line's numbers:
// the same loss at every step (within a relative 1e-12; in practice equal) and the same samples.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import {
  HTML,
  ROOT,
  launchChromium,
  serveDir,
  stubExternal,
  watchErrors,
} from "./helpers";

const STEPS = 30;

interface Trace {
  losses: number[];
  samples: string[];
}

/** Reads the JSON Lines of `microgpt train --jsonl`: `{step, loss}` lines, then `{sample, text}` lines. */
function parseJsonl(text: string): Trace {
  const losses: number[] = [];
  const samples: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const rec = JSON.parse(line) as {
      step?: number;
      loss?: number;
      sample?: number;
      text?: string;
    };
    if (rec.step !== undefined && rec.loss !== undefined) {
      expect(rec.step).toBe(losses.length + 1);
      losses.push(rec.loss);
    } else if (rec.sample !== undefined && rec.text !== undefined) {
      samples.push(rec.text);
    }
  }
  return { losses, samples };
}

function expectSameLosses(
  actual: readonly number[],
  expected: readonly number[],
): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  actual.forEach((loss, i) => {
    const rel = Math.abs(loss - expected[i]) / Math.abs(expected[i]);
    expect(rel, `step ${i + 1}: ${loss} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-12,
    );
    worst = Math.max(worst, rel);
  });
  const exact = actual.filter((loss, i) => loss === expected[i]).length;
  console.info(
    `live page vs CLI: ${exact} of ${actual.length} losses bit-identical, largest relative difference ${worst}`,
  );
}

let server: { url: string; close(): Promise<void> };
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await serveDir(HTML);
  browser = await launchChromium();
  await stubExternal(browser.context);
  page = await browser.context.newPage();
  errors = watchErrors(page);
  await page.goto(`${server.url}/chapters/live.html`, { waitUntil: "load" });
  await page.waitForSelector("#microgpt-live[data-status=idle]");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function setField(name: string, value: number): Promise<void> {
  await page.fill(`#microgpt-live input[name=${name}]`, String(value));
}

describe("the live page", () => {
  test("stays responsive while it trains, and Stop stops it", async () => {
    await setField("steps", 1000);
    await page.click("#microgpt-live button.live-train");
    await page.waitForFunction(() =>
      /^step \d+ \//.test(
        document.querySelector(".live-status")?.textContent ?? "",
      ),
    );
    // The page answers between chunks of steps: a round trip takes far less than a second.
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.evaluate(
        () => document.querySelector(".live-status")?.textContent,
      );
      expect(Date.now() - t0).toBeLessThan(1000);
    }
    await page.click("#microgpt-live button.live-stop");
    await page.waitForSelector("#microgpt-live[data-status=stopped]", {
      timeout: 10_000,
    });
    expect(await page.locator(".live-status").innerText()).toMatch(
      /^Stopped at step \d+ of 1000/,
    );
  });

  test(`trains ${STEPS} steps to the command line's losses and samples`, async () => {
    const cli = parseJsonl(
      execFileSync(
        process.execPath,
        [
          join(ROOT, "lib", "bin", "microgpt.js"),
          "train",
          "--steps",
          String(STEPS),
          "--jsonl",
        ],
        { encoding: "utf8" },
      ),
    );
    expect(cli.losses).toHaveLength(STEPS);

    await setField("steps", STEPS);
    await setField("seed", 42);
    await setField("samples", cli.samples.length);
    await page.click("#microgpt-live button.live-train");
    await page.waitForSelector("#microgpt-live[data-status=done]", {
      timeout: 120_000,
    });

    // What the reader sees: the JSON Lines under the chart, the list of names, the chart itself.
    const shown = parseJsonl(
      (await page.locator(".live-log").textContent()) ?? "",
    );
    expectSameLosses(shown.losses, cli.losses);
    expect(shown.samples).toEqual(cli.samples);
    expect(await page.locator(".live-samples li").allInnerTexts()).toEqual(
      cli.samples.map((s) => (s === "" ? "(empty)" : s)),
    );
    const points = await page
      .locator(".live-chart .live-raw")
      .getAttribute("points");
    expect(points?.trim().split(/\s+/)).toHaveLength(STEPS);
    expect(await page.locator(".live-status").innerText()).toMatch(
      new RegExp(`^Done: ${STEPS} steps`),
    );
    expect(errors).toEqual([]);
    if (process.env.SHOTS_DIR)
      await page.screenshot({
        path: join(process.env.SHOTS_DIR, "live-trained.png"),
        fullPage: true,
      });
  });
});
