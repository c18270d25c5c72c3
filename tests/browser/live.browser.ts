// The live page's playground in Chromium: it trains in a Web Worker to the command line's
// numbers (losses within a relative 1e-12, the same samples), with the default settings and
// with others; Stop stops within a second; its checkpoint is one the CLI reads; a prefix's
// probabilities are the library's; bad data gets the CLI's message; it fits a phone.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import {
  decodeCheckpoint,
  emptyCache,
  gpt,
  modelFromCheckpoint,
  temperatureProbs,
} from "microgpt";
import {
  HTML,
  ROOT,
  launchChromium,
  serveDir,
  stubExternal,
  watchErrors,
} from "./helpers";

const CLI = join(ROOT, "lib", "bin", "microgpt.js");

interface Trace {
  losses: number[];
  /** Held-out losses, in step order. */
  vals: number[];
  samples: string[];
}

/** Reads the JSON Lines of `microgpt train --jsonl`: `{step, loss}` lines, then `{sample, text}` lines. */
function parseJsonl(text: string): Trace {
  const losses: number[] = [];
  const vals: number[] = [];
  const samples: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const rec = JSON.parse(line) as {
      step?: number;
      loss?: number;
      val_loss?: number;
      sample?: number;
      text?: string;
    };
    if (rec.step !== undefined && rec.loss !== undefined) {
      expect(rec.step).toBe(losses.length + 1);
      losses.push(rec.loss);
    } else if (rec.step !== undefined && rec.val_loss !== undefined) {
      vals.push(rec.val_loss);
    } else if (rec.sample !== undefined && rec.text !== undefined) {
      samples.push(rec.text);
    }
  }
  return { losses, vals, samples };
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
}

function expectClose(
  what: string,
  actual: readonly number[],
  expected: readonly number[],
): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  actual.forEach((x, i) => {
    const rel = Math.abs(x - expected[i]) / Math.abs(expected[i]);
    expect(rel, `${what} ${i + 1}: ${x} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-12,
    );
    worst = Math.max(worst, rel);
  });
  const exact = actual.filter((x, i) => x === expected[i]).length;
  console.info(
    `live page vs library, ${what}: ${exact} of ${actual.length} bit-identical, largest relative difference ${worst}`,
  );
}

let server: { url: string; close(): Promise<void> };
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let errors: string[];
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "microgpt-live-"));
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
  rmSync(scratch, { recursive: true, force: true });
});

const live = "#microgpt-live";

async function settings(
  values: Record<string, string | number | boolean>,
): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const sel = `${live} [name=${name}]`;
    if (typeof value === "boolean") await page.setChecked(sel, value);
    else if ((await page.locator(sel).evaluate((e) => e.tagName)) === "SELECT")
      await page.selectOption(sel, String(value));
    else await page.fill(sel, String(value));
  }
}

async function trainToEnd(): Promise<void> {
  await page.click(`${live} button.live-train`);
  await page.waitForSelector(
    `${live}[data-status=done], ${live}[data-status=error]`,
    { timeout: 120_000 },
  );
  const status = await page.locator(".live-status").innerText();
  expect(status).toMatch(/^Done/);
}

async function shot(name: string): Promise<void> {
  if (process.env.SHOTS_DIR)
    await page.screenshot({
      path: join(process.env.SHOTS_DIR, name),
      fullPage: true,
    });
}

describe("the live page", () => {
  test("trains in a worker: the page answers at once, and Stop stops within a second", async () => {
    await settings({ num_steps: 100_000, engine: "fast" });
    await page.click(`${live} button.live-train`);
    await page.waitForFunction(() =>
      /^step \d+ \//.test(
        document.querySelector(".live-status")?.textContent ?? "",
      ),
    );
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.evaluate(
        () => document.querySelector(".live-status")?.textContent,
      );
      expect(Date.now() - t0).toBeLessThan(500);
    }
    await shot("live-training.png");
    await page.click(`${live} button.live-stop`);
    await page.waitForSelector(`${live}[data-status=stopped]`, {
      timeout: 5_000,
    });
    const times = await page.evaluate(
      () =>
        (
          window as unknown as {
            microgptLive: { stopTimes: { asked: number; stopped: number } };
          }
        ).microgptLive.stopTimes,
    );
    expect(times.stopped - times.asked).toBeLessThan(1000);
    expect(await page.locator(".live-status").innerText()).toMatch(
      /^Stopped at step \d+ of 100000, final loss \d\.\d{4} \(mean of the last \d+ steps/,
    );
  });

  test("the default settings on the Value engine give the command line's 30 losses and samples", async () => {
    const expected = parseJsonl(cli(["train", "--steps", "30", "--jsonl"]));
    await settings({ num_steps: 30, engine: "value" });
    await trainToEnd();
    // What the reader sees: the JSON Lines under the chart, the list of names, the chart itself.
    const shown = parseJsonl(
      (await page.locator(".live-log").textContent()) ?? "",
    );
    expectClose("loss", shown.losses, expected.losses);
    expect(shown.samples).toEqual(expected.samples);
    expect(await page.locator(".live-samples li").allInnerTexts()).toEqual(
      expected.samples.map((s) => (s === "" ? "(empty)" : s)),
    );
    const points = await page
      .locator(".live-chart .live-raw")
      .getAttribute("points");
    expect(points?.trim().split(/\s+/)).toHaveLength(30);
    // The pointer reads the step under it.
    // Over the 15th point of the line (the axis may be longer: earlier runs stay on it).
    const chartBox = page.locator(".live-chart");
    const viewWidth = Number(
      (await chartBox.getAttribute("viewBox"))?.split(" ")[2],
    );
    const px = Number(points?.trim().split(/\s+/)[14].split(",")[0]);
    const box = await chartBox.boundingBox();
    if (box === null) throw new Error("the chart is not shown");
    await chartBox.hover({
      position: { x: (px / viewWidth) * box.width, y: box.height / 2 },
    });
    const readout = await page.locator(".live-readout").innerText();
    const m = /^step (\d+): loss (\d\.\d{4}),/.exec(readout);
    expect(m, readout).not.toBeNull();
    const step = Number(m?.[1]);
    expect(m?.[2]).toBe(expected.losses[step - 1].toFixed(4));
  });

  // Every setting off its default, on the fast engine.
  const OTHER = {
    num_steps: 300,
    seed: 7,
    learning_rate: 0.02,
    n_embd: 24,
    n_head: 3,
    n_layer: 2,
    block_size: 12,
    norm: false,
    warmup_steps: 20,
    weight_decay: 0.1,
    val_docs: 300,
    eval_every: 100,
    temperature: 0.7,
    num_samples: 8,
  };
  const ckFile = (): string => join(scratch, "run.safetensors");

  test("other settings, on the fast engine: the CLI's losses, held-out losses and samples; a checkpoint the CLI reads", async () => {
    await settings({ ...OTHER, engine: "fast" });
    // The command the page prints for this run is the one we check against.
    const command = (await page.locator(".live-command").innerText()).replace(
      /^The same run in a terminal: npx microgpt /,
      "",
    );
    for (const [key, value] of Object.entries(OTHER)) {
      const flag = `--${key.replace(/_/g, "-")}`;
      expect(command).toContain(
        value === false ? flag.replace("--", "--no-") : `${flag} ${value}`,
      );
    }
    const expected = parseJsonl(cli([...command.split(" "), "--jsonl"]));
    await trainToEnd();
    const shown = parseJsonl(
      (await page.locator(".live-log").textContent()) ?? "",
    );
    expectClose("loss", shown.losses, expected.losses);
    expect(expected.vals).toHaveLength(3);
    expectClose("held-out loss", shown.vals, expected.vals);
    expect(shown.samples).toEqual(expected.samples);
    // Previews every 100 steps (from their own generator, so the numbers above stay the CLI's).
    expect(await page.locator(".live-preview").count()).toBe(2);
    // The earlier runs stay on the chart to compare.
    expect(await page.locator(".live-chart .live-earlier").count()).toBe(2);

    const download = page.waitForEvent("download");
    await page.click(`${live} button.live-save`);
    await (await download).saveAs(ckFile());
    const sampled = parseJsonl(cli(["sample", "--load", ckFile(), "--jsonl"]));
    expect(sampled.samples).toEqual(expected.samples);
    await shot("live-trained.png");
  });

  test("a prefix's next-letter probabilities are the library's; the slider resamples as `microgpt sample` does", async () => {
    await page.fill(`${live} [name=prefix]`, "ka");
    await page.waitForFunction(
      () =>
        (
          window as unknown as {
            microgptLive: { probe: { prefix: string } | null };
          }
        ).microgptLive.probe?.prefix === "ka",
    );
    const probe = await page.evaluate(
      () =>
        (
          window as unknown as {
            microgptLive: { probe: { probs: number[]; attention: unknown[] } };
          }
        ).microgptLive.probe,
    );
    const { model, tok } = modelFromCheckpoint(
      decodeCheckpoint(readFileSync(ckFile())),
    );
    const { keys, values } = emptyCache(model.config);
    let logits: number[] = [];
    [tok.bos, ...tok.encode("ka")].forEach((id, pos) => {
      logits = gpt(model, id, pos, keys, values).map((v) => v.data);
    });
    expectClose("probability", probe.probs, temperatureProbs(logits, 1));
    expect(probe.attention).toHaveLength(2 * 3); // every head of every layer
    expect(await page.locator(".live-head").count()).toBe(6);
    expect(await page.locator(".live-bars li").count()).toBe(10);

    await page.fill(`${live} [name=temperature-slider]`, "1.2");
    await page.waitForFunction(() =>
      (
        document.querySelector(".live-samples-title")?.textContent ?? ""
      ).includes("temperature 1.2"),
    );
    const resampled = parseJsonl(
      cli(["sample", "--load", ckFile(), "--temperature", "1.2", "--jsonl"]),
    );
    expect(await page.locator(".live-samples li").allInnerTexts()).toEqual(
      resampled.samples.map((s) => (s === "" ? "(empty)" : s)),
    );
    // A character outside the vocabulary gets the tokenizer's message.
    await page.fill(`${live} [name=prefix]`, "k!");
    await expect
      .poll(() => page.locator(".live-probe-error").innerText())
      .toMatch(/^unknown character "!" \(U\+0021\) in "k!"/);
  });

  test("a checkpoint file loads, and samples as the CLI does", async () => {
    await page.setInputFiles(`${live} [name=checkpoint]`, ckFile());
    await page.waitForFunction(() =>
      (document.querySelector(".live-status")?.textContent ?? "").startsWith(
        "Loaded",
      ),
    );
    const expected = parseJsonl(cli(["sample", "--load", ckFile(), "--jsonl"]));
    expect(await page.locator(".live-samples li").allInnerTexts()).toEqual(
      expected.samples.map((s) => (s === "" ? "(empty)" : s)),
    );
  });

  test("a pasted list with a control character gets the command line's message", async () => {
    const text = "anna\nbo\u001bb\n";
    const file = join(scratch, "bad.txt");
    writeFileSync(file, text);
    const run = spawnSync(process.execPath, [CLI, "train", "--data", file], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    const cliMessage = run.stderr
      .trim()
      .replace(`microgpt: data file ${file}: `, "");
    expect(cliMessage).toMatch(/^line 2 holds the control character U\+001B/);
    await settings({
      num_steps: 10,
      val_docs: 0,
      eval_every: 0,
      data: "pasted",
    });
    await page.fill(`${live} [name=pasted]`, text);
    await page.click(`${live} button.live-train`);
    await page.waitForSelector(`${live}[data-status=error]`);
    expect(await page.locator(".live-status").innerText()).toBe(
      `the pasted list: ${cliMessage}`,
    );
    // An opened file that is not UTF-8: the message names it as the command line does.
    writeFileSync(
      join(scratch, "latin1.txt"),
      Buffer.from("anna\nb\xe9a\n", "latin1"),
    );
    const bad = spawnSync(
      process.execPath,
      [CLI, "train", "--data", "latin1.txt"],
      {
        encoding: "utf8",
        cwd: scratch,
      },
    );
    expect(bad.status).toBe(2);
    await settings({ data: "file" });
    await page.setInputFiles(
      `${live} [name=datafile]`,
      join(scratch, "latin1.txt"),
    );
    await page.click(`${live} button.live-train`);
    await expect
      .poll(() => page.locator(".live-status").innerText())
      .toBe(bad.stderr.trim().replace(/^microgpt: /, ""));
    // A good list trains.
    await settings({ data: "pasted" });
    await page.fill(`${live} [name=pasted]`, "anna\nbob\neve\n");
    await trainToEnd();
    expect(errors).toEqual([]);
  });

  test("a data file opened in the page trains as the printed command trains on it", async () => {
    // Names with letters beyond a-z, and a blank line and spaces the reader drops.
    const names =
      "zoë\n  amélie \n\nbjörn\nanna\nbob\nçelik\neve\nmaría\nnoël\nolaf\n";
    writeFileSync(join(scratch, "accents.txt"), names);
    await settings({
      num_steps: 40,
      seed: 3,
      num_samples: 6,
      val_docs: 2,
      eval_every: 10,
      data: "file",
    });
    await page.setInputFiles(
      `${live} [name=datafile]`,
      join(scratch, "accents.txt"),
    );
    const command = (await page.locator(".live-command").innerText()).replace(
      /^The same run in a terminal: npx microgpt /,
      "",
    );
    expect(command).toContain("--data accents.txt");
    const expected = parseJsonl(
      execFileSync(process.execPath, [CLI, ...command.split(" "), "--jsonl"], {
        encoding: "utf8",
        cwd: scratch,
      }),
    );
    await trainToEnd();
    const shown = parseJsonl(
      (await page.locator(".live-log").textContent()) ?? "",
    );
    expectClose("loss", shown.losses, expected.losses);
    expectClose("held-out loss", shown.vals, expected.vals);
    expect(shown.samples).toEqual(expected.samples);
    expect(errors).toEqual([]);
  });

  test("works from the keyboard, and fits a phone's width", async () => {
    const phone = await browser.context.newPage();
    const phoneErrors = watchErrors(phone);
    await phone.setViewportSize({ width: 375, height: 800 });
    await phone.goto(`${server.url}/chapters/live.html`, { waitUntil: "load" });
    await phone.waitForSelector(`${live}[data-status=idle]`);
    await phone.focus(`${live} [name=num_steps]`);
    await phone.keyboard.press("Control+A");
    await phone.keyboard.type("200");
    await phone.keyboard.press("Enter"); // submits the form
    await phone.waitForSelector(`${live}[data-status=done]`, {
      timeout: 60_000,
    });
    await phone.focus(`${live} [name=prefix]`);
    await phone.keyboard.type("em");
    await phone.waitForFunction(
      () =>
        (
          window as unknown as {
            microgptLive: { probe: { prefix: string } | null };
          }
        ).microgptLive.probe?.prefix === "em",
    );
    const overflow = await phone.evaluate(() => {
      const root = document.getElementById("microgpt-live") as HTMLElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    if (process.env.SHOTS_DIR)
      await phone.screenshot({
        path: join(process.env.SHOTS_DIR, "live-phone.png"),
        fullPage: true,
      });
    expect(phoneErrors).toEqual([]);
    await phone.close();
  });
});
