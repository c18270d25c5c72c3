// The live page's widget: trains the book's default model in the reader's browser with the
// library's own training step (`trainStep` of lib/train.ts, a chunk of steps per frame), draws the
// loss as it goes, then samples. Bundled by scripts/live/build.mjs into book/_build/live/live.js for `make book`.
// It imports lib's sources module by module (not lib/index) so that the bundle stays small.
import { defaultCorpus } from "../../lib/data";
import { makeConfig, type Config } from "../../lib/config";
import {
  prepareRun,
  startTraining,
  trainStep,
  valueEngine,
  type Run,
} from "../../lib/train";
import { sampleMany } from "../../lib/sample";
import { movingAverage } from "../../helpers/smooth";

/** What a finished or running session has produced; also read by the browser tests. */
export interface LiveState {
  status: "idle" | "training" | "stopped" | "done" | "error";
  config: Config | null;
  losses: number[];
  samples: string[];
  error: string | null;
}

const SVG_NS = "http://www.w3.org/2000/svg";
// A chunk of steps runs for about this long before the page gets control back.
const CHUNK_MS = 30;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...kids);
  return node;
}

function svgEl(
  tag: string,
  attrs: Record<string, string | number>,
): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Lets the browser paint and handle input before the next chunk of training. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A loss chart: every step's loss (faint) and its running mean over 50 steps (bold). */
function createChart(host: HTMLElement): {
  reset(steps: number): void;
  draw(losses: readonly number[]): void;
} {
  const W = 640;
  const H = 260;
  const pad = { left: 44, right: 12, top: 12, bottom: 32 };
  const svg = svgEl("svg", {
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    class: "live-chart",
  });
  const title = svgEl("title", {});
  title.textContent = "Training loss at each step";
  const axes = svgEl("g", { class: "live-axes" });
  const raw = svgEl("polyline", { class: "live-raw", fill: "none" });
  const mean = svgEl("polyline", { class: "live-mean", fill: "none" });
  svg.append(title, axes, raw, mean);
  host.append(svg);
  let total = 1;
  const yMin = 1.5;
  const yMax = 4;
  const x = (step: number): number =>
    pad.left +
    ((step - 1) / Math.max(1, total - 1)) * (W - pad.left - pad.right);
  const y = (loss: number): number => {
    const c = Math.min(yMax, Math.max(yMin, loss));
    return pad.top + ((yMax - c) / (yMax - yMin)) * (H - pad.top - pad.bottom);
  };
  const drawAxes = (): void => {
    axes.replaceChildren();
    const x0 = pad.left;
    const x1 = W - pad.right;
    const yBottom = H - pad.bottom;
    axes.append(
      svgEl("line", { x1: x0, y1: pad.top, x2: x0, y2: yBottom }),
      svgEl("line", { x1: x0, y1: yBottom, x2: x1, y2: yBottom }),
    );
    for (let v = yMin; v <= yMax + 1e-9; v += 0.5) {
      axes.append(svgEl("line", { x1: x0 - 4, y1: y(v), x2: x0, y2: y(v) }));
      const t = svgEl("text", { x: x0 - 7, y: y(v) + 4, "text-anchor": "end" });
      t.textContent = v.toFixed(1);
      axes.append(t);
    }
    const ticks = 5;
    for (let i = 0; i <= ticks; i++) {
      const step = Math.max(1, Math.round(1 + ((total - 1) * i) / ticks));
      axes.append(
        svgEl("line", {
          x1: x(step),
          y1: yBottom,
          x2: x(step),
          y2: yBottom + 4,
        }),
      );
      const t = svgEl("text", {
        x: x(step),
        y: yBottom + 17,
        "text-anchor": "middle",
      });
      t.textContent = String(step);
      axes.append(t);
    }
    const label = svgEl("text", {
      x: (x0 + x1) / 2,
      y: H - 2,
      "text-anchor": "middle",
    });
    label.textContent = "step";
    const yMid = (pad.top + yBottom) / 2;
    const yLabel = svgEl("text", {
      x: 12,
      y: yMid,
      "text-anchor": "middle",
      transform: `rotate(-90 12 ${yMid})`,
    });
    yLabel.textContent = "loss";
    axes.append(label, yLabel);
  };
  drawAxes();
  return {
    reset(steps: number): void {
      total = steps;
      raw.setAttribute("points", "");
      mean.setAttribute("points", "");
      drawAxes();
    },
    draw(losses: readonly number[]): void {
      const rawPts: string[] = [];
      const meanPts: string[] = [];
      const means = movingAverage(losses, 50);
      for (let i = 0; i < losses.length; i++) {
        rawPts.push(`${x(i + 1).toFixed(1)},${y(losses[i]).toFixed(1)}`);
        meanPts.push(`${x(i + 1).toFixed(1)},${y(means[i]).toFixed(1)}`);
      }
      raw.setAttribute("points", rawPts.join(" "));
      mean.setAttribute("points", meanPts.join(" "));
    },
  };
}

function numberField(
  label: string,
  name: string,
  value: number,
  min: number,
  max: number,
): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const input = el("input", {
    type: "number",
    name,
    min: String(min),
    max: String(max),
    step: "1",
    value: String(value),
    required: true,
  });
  return {
    wrap: el("label", { className: "live-field" }, `${label} `, input),
    input,
  };
}

function readInt(input: HTMLInputElement, what: string): number {
  const v = Number(input.value);
  const min = Number(input.min);
  const max = Number(input.max);
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new Error(`${what} must be a whole number from ${min} to ${max}`);
  return v;
}

function mount(root: HTMLElement): void {
  const state: LiveState = {
    status: "idle",
    config: null,
    losses: [],
    samples: [],
    error: null,
  };
  (window as unknown as { microgptLive: LiveState }).microgptLive = state;
  root.dataset.status = state.status;

  const steps = numberField("Steps", "steps", 1000, 1, 10000);
  const seed = numberField("Seed", "seed", 42, 0, 2 ** 31 - 1);
  const samples = numberField("Samples", "samples", 20, 0, 100);
  const trainBtn = el(
    "button",
    { type: "submit", className: "live-train" },
    "Train",
  );
  const stopBtn = el(
    "button",
    { type: "button", className: "live-stop", disabled: true },
    "Stop",
  );
  const form = el(
    "form",
    { className: "live-form" },
    steps.wrap,
    seed.wrap,
    samples.wrap,
    trainBtn,
    stopBtn,
  );
  const status = el("p", { className: "live-status" }, "Ready: press Train.");
  status.setAttribute("aria-live", "polite");
  const chartHost = el("div", { className: "live-chart-host" });
  const chart = createChart(chartHost);
  const samplesTitle = el("p", { className: "live-samples-title" });
  const samplesList = el("ol", { className: "live-samples" });
  const log = el("pre", { className: "live-log" });
  const details = el(
    "details",
    { className: "live-details" },
    el(
      "summary",
      {},
      "Every loss at full precision (the format of microgpt train --jsonl)",
    ),
    log,
  );
  root.replaceChildren(
    form,
    status,
    chartHost,
    samplesTitle,
    samplesList,
    details,
  );

  let stopRequested = false;
  const setStatus = (s: LiveState["status"], text: string): void => {
    state.status = s;
    root.dataset.status = s;
    status.textContent = text;
  };

  stopBtn.addEventListener("click", () => {
    stopRequested = true;
  });

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    let config: Config;
    try {
      config = makeConfig({
        num_steps: readInt(steps.input, "Steps"),
        seed: readInt(seed.input, "Seed"),
        num_samples: readInt(samples.input, "Samples"),
      });
    } catch (e) {
      state.error = (e as Error).message;
      setStatus("error", state.error);
      return;
    }
    void runTraining(config);
  });

  async function runTraining(config: Config): Promise<void> {
    stopRequested = false;
    trainBtn.disabled = true;
    stopBtn.disabled = false;
    state.config = config;
    state.losses = [];
    state.samples = [];
    state.error = null;
    samplesTitle.textContent = "";
    samplesList.replaceChildren();
    chart.reset(config.num_steps);
    const lines: string[] = [];
    const t0 = performance.now();
    try {
      setStatus(
        "training",
        "Preparing the documents and the initial weights...",
      );
      await yieldToPage();
      const run: Run = prepareRun(defaultCorpus(), config);
      lines.push(
        JSON.stringify({
          docs: run.docs.length,
          vocab_size: run.tok.vocabSize,
          params: run.model.params.length,
        }),
      );
      const engine = valueEngine(run.model);
      const training = startTraining(run, engine);
      // lib/train.ts's steps, a chunk at a time so that the page stays responsive.
      let step = 0;
      while (step < config.num_steps && !stopRequested) {
        const chunkStart = performance.now();
        do {
          const loss = trainStep(training);
          step = training.step;
          state.losses.push(loss);
          lines.push(JSON.stringify({ step, loss }));
        } while (
          step < config.num_steps &&
          performance.now() - chunkStart < CHUNK_MS
        );
        chart.draw(state.losses);
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        setStatus(
          "training",
          `step ${step} / ${config.num_steps} | loss ${state.losses[step - 1].toFixed(4)} | ${secs} s`,
        );
        await yieldToPage();
      }
      if (stopRequested) {
        log.textContent = lines.join("\n");
        setStatus(
          "stopped",
          `Stopped at step ${step} of ${config.num_steps}. Press Train to start again.`,
        );
        return;
      }
      setStatus("training", `Trained ${config.num_steps} steps; sampling...`);
      await yieldToPage();
      state.samples = sampleMany(
        engine,
        run.tok,
        run.rng,
        config.num_samples,
        config.temperature,
      );
      state.samples.forEach((text, i) =>
        lines.push(JSON.stringify({ sample: i + 1, text })),
      );
      samplesTitle.textContent =
        config.num_samples > 0
          ? `${config.num_samples} names invented by the model (temperature ${config.temperature}):`
          : "";
      // A sample can be empty: the model may draw the end token first.
      samplesList.replaceChildren(
        ...state.samples.map((s) =>
          s === ""
            ? el(
                "li",
                {
                  className: "live-empty",
                  title: "the model drew the end token first",
                },
                "(empty)",
              )
            : el("li", {}, s),
        ),
      );
      log.textContent = lines.join("\n");
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      setStatus(
        "done",
        `Done: ${config.num_steps} steps in ${secs} s, final loss ${state.losses[state.losses.length - 1].toFixed(4)}.`,
      );
    } catch (e) {
      state.error = (e as Error).message;
      setStatus("error", `Error: ${state.error}`);
    } finally {
      trainBtn.disabled = false;
      stopBtn.disabled = true;
    }
  }
}

function start(): void {
  const root = document.getElementById("microgpt-live");
  if (root) mount(root);
}

if (document.readyState === "loading")
  document.addEventListener("DOMContentLoaded", start);
else start();
