// The live page's playground (chapters/live.md): settings and data, training in a Web Worker
// (worker.ts) with the loss drawn as it goes, then probing the trained model: next-letter
// probabilities and every head's attention for a prefix, resampling at any temperature,
// earlier runs to compare, checkpoints to download and load. Bundled by scripts/live/build.mjs.
import { defaultConfig, type Config } from "../../lib/config";
import { createChart, SMOOTH, type Curve, type References } from "./chart";
import { SETTINGS, flagText, labelText, readSetting } from "./settings";
import type {
  HeldOut,
  DataChoice,
  EngineKind,
  FromWorker,
  ProbeResult,
  ToWorker,
} from "./protocol";

// The worker's bundled source, put here by build.mjs: a worker made from a Blob runs even
// when the book is opened from disk (file://), where a worker script file would be refused.
declare const LIVE_WORKER_SOURCE: string;

/** What the page shows; the browser tests read it. */
export interface LiveState {
  status: "idle" | "training" | "stopped" | "done" | "error";
  config: Config | null;
  engine: EngineKind;
  losses: number[];
  /** Held-out losses, at the steps they were measured. */
  vals: HeldOut[];
  previews: { step: number; samples: string[] }[];
  samples: string[];
  probe: ProbeResult | null;
  error: string | null;
  /** When the last Stop was pressed and when the run reported that it had stopped (ms). */
  stopTimes: { asked: number; stopped: number } | null;
}

interface RunRecord {
  label: string;
  losses: number[];
  vals: HeldOut[];
  color: string;
}

const RUN_COLORS = ["#d95f02", "#7570b3", "#e7298a", "#66a61e"];
const KEEP_RUNS = 4;
/** If the worker has not stopped this long after Stop, it is ended (and a fresh one started). */
const STOP_DEADLINE_MS = 900;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...kids);
  return node;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** How often to show preview samples: every few hundred steps, about five times a run. */
function previewEvery(steps: number): number {
  if (steps < 200) return 0;
  return Math.max(100, Math.round(steps / 5 / 100) * 100);
}

function createWorker(): Worker {
  const url = URL.createObjectURL(
    new Blob([LIVE_WORKER_SOURCE], { type: "text/javascript" }),
  );
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return worker;
}

/** The settings that differ from the defaults, as a short label and as command-line flags. */
function describe(
  config: Config,
  engine: EngineKind,
  data: { kind: DataChoice["kind"]; name: string },
): { label: string; command: string } {
  const changed = SETTINGS.filter(
    (s) => config[s.key] !== defaultConfig[s.key],
  );
  const label = changed.map((s) => labelText(s, config[s.key]));
  if (engine !== "fast") label.push(`${engine} engine`);
  if (data.kind !== "builtin")
    label.push(data.kind === "file" ? data.name : "pasted list");
  const flags = changed.map((s) => flagText(s, config[s.key]));
  if (data.kind === "file") flags.push(`--data ${data.name}`);
  if (data.kind === "pasted") flags.push("--data FILE");
  flags.push(`--engine ${engine}`);
  return {
    label: label.length > 0 ? label.join(", ") : "default settings",
    command: ["npx microgpt train", ...flags].join(" "),
  };
}

function namesList(list: HTMLOListElement, names: readonly string[]): void {
  // A sample can be empty: the model may draw the end token first.
  list.replaceChildren(
    ...names.map((s) =>
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
}

function mount(root: HTMLElement): void {
  const state: LiveState = {
    status: "idle",
    config: null,
    engine: "fast",
    losses: [],
    vals: [],
    previews: [],
    samples: [],
    probe: null,
    error: null,
    stopTimes: null,
  };
  (window as unknown as { microgptLive: LiveState }).microgptLive = state;

  // ---- the form: one field per setting, the engine, the data
  const inputs = new Map<keyof Config, HTMLInputElement>();
  const fields = SETTINGS.map((s) => {
    const start = defaultConfig[s.key];
    const input =
      s.kind === "switch"
        ? el("input", {
            type: "checkbox",
            name: s.key,
            checked: start === true,
          })
        : el("input", {
            type: "text",
            inputMode: s.kind === "int" ? "numeric" : "decimal",
            name: s.key,
            value: String(start),
            autocomplete: "off",
          });
    input.title = s.help;
    inputs.set(s.key, input);
    return s.kind === "switch"
      ? el(
          "label",
          { className: "live-field live-switch" },
          input,
          el("span", {}, s.label),
        )
      : el(
          "label",
          { className: "live-field" },
          el("span", {}, s.label),
          input,
        );
  });
  const engineSelect = el(
    "select",
    { name: "engine" },
    el("option", { value: "fast", selected: true }, "fast (flat arrays)"),
    el("option", { value: "value" }, "Value (the graph)"),
  );
  const dataSelect = el(
    "select",
    { name: "data" },
    el("option", { value: "builtin", selected: true }, "the built-in names"),
    el("option", { value: "pasted" }, "a list I paste"),
    el("option", { value: "file" }, "a file I open"),
  );
  const pasteArea = el("textarea", {
    name: "pasted",
    rows: 5,
    placeholder: "one document per line, e.g.\nanna\nbob",
    hidden: true,
  });
  pasteArea.setAttribute("aria-label", "documents, one per line");
  const dataFile = el("input", {
    type: "file",
    name: "datafile",
    accept: ".txt,text/plain",
    hidden: true,
  });
  dataFile.setAttribute("aria-label", "data file, one document per line");
  dataSelect.addEventListener("change", () => {
    pasteArea.hidden = dataSelect.value !== "pasted";
    dataFile.hidden = dataSelect.value !== "file";
  });
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
    { className: "live-form", noValidate: true },
    el(
      "div",
      { className: "live-fields" },
      ...fields,
      el(
        "label",
        { className: "live-field" },
        el("span", {}, "Engine"),
        engineSelect,
      ),
      el(
        "label",
        { className: "live-field" },
        el("span", {}, "Data"),
        dataSelect,
      ),
    ),
    pasteArea,
    dataFile,
    el("div", { className: "live-buttons" }, trainBtn, stopBtn),
  );
  const command = el("p", { className: "live-command" });
  const status = el("p", { className: "live-status" }, "Ready: press Train.");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("role", "status");
  status.tabIndex = -1; // takes the focus when the button that had it disappears

  // ---- while it trains
  const chartHost = el("div", { className: "live-chart-host" });
  const chart = createChart(chartHost);
  const legend = el("ul", { className: "live-legend" });
  const forgetBtn = el(
    "button",
    { type: "button", className: "live-forget", hidden: true },
    "Forget earlier runs",
  );
  const previewsBox = el("div", { className: "live-previews" });
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

  // ---- after it trains
  const prefixInput = el("input", {
    type: "text",
    name: "prefix",
    placeholder: "type letters, e.g. ma",
    autocomplete: "off",
    spellcheck: false,
  });
  const tempSlider = el("input", {
    type: "range",
    name: "temperature-slider",
    min: "0.1",
    max: "2",
    step: "0.05",
  });
  const tempValue = el("output", { className: "live-temp-value" });
  const probeError = el("p", { className: "live-probe-error" });
  probeError.setAttribute("aria-live", "polite");
  const probsBox = el("div", { className: "live-probs" });
  const attnBox = el("div", { className: "live-attn" });
  const saveBtn = el(
    "button",
    { type: "button", className: "live-save" },
    "Download checkpoint",
  );
  const loadInput = el("input", {
    type: "file",
    name: "checkpoint",
    accept: ".safetensors",
  });
  const probe = el(
    "section",
    { className: "live-probe", hidden: true },
    el("h3", {}, "Ask the model"),
    el(
      "label",
      { className: "live-field live-prefix" },
      el("span", {}, "Prefix"),
      prefixInput,
    ),
    probeError,
    el(
      "div",
      { className: "live-probe-grid" },
      el(
        "div",
        {},
        el("h4", {}, "What comes next"),
        el(
          "p",
          { className: "live-hint" },
          "The ten likeliest tokens after the prefix (temperature 1). " +
            "An empty prefix asks for a first letter.",
        ),
        probsBox,
      ),
      el(
        "div",
        {},
        el("h4", {}, "Where each head looks"),
        el(
          "p",
          { className: "live-hint" },
          "Row by row, each position reading the prefix; a darker cell, " +
            "more attention to that earlier position (· is the start token).",
        ),
        attnBox,
      ),
    ),
    el("h3", {}, "Sample again"),
    el(
      "p",
      { className: "live-hint" },
      "Low temperatures pick the likeliest letters; high ones, rarer ones.",
    ),
    el(
      "label",
      { className: "live-field" },
      el("span", {}, "Temperature ", tempValue),
      tempSlider,
    ),
  );
  const files = el(
    "div",
    { className: "live-files" },
    saveBtn,
    el(
      "label",
      { className: "live-field" },
      el("span", {}, "Load a checkpoint"),
      loadInput,
    ),
  );
  saveBtn.disabled = true;

  root.replaceChildren(
    form,
    command,
    status,
    chartHost,
    legend,
    forgetBtn,
    previewsBox,
    samplesTitle,
    samplesList,
    probe,
    files,
    details,
  );
  root.dataset.status = state.status;

  const setStatus = (s: LiveState["status"], text: string): void => {
    state.status = s;
    root.dataset.status = s;
    status.textContent = text;
  };

  // ---- runs and the chart
  const runs: RunRecord[] = [];
  let refs: References | null = null;
  let steps = defaultConfig.num_steps;
  let currentLabel = "";
  const redraw = (): void => {
    chart.draw(
      steps,
      state.status === "idle"
        ? null
        : { losses: state.losses, vals: state.vals, color: null },
      runs.map(
        (r) =>
          ({ losses: r.losses, vals: r.vals, color: r.color }) satisfies Curve,
      ),
      refs,
    );
    const item = (color: string | null, text: string): HTMLLIElement => {
      const swatch = el("span", {
        className: "live-swatch" + (color ? "" : " live-swatch-current"),
      });
      if (color) swatch.style.background = color;
      return el("li", {}, swatch, text);
    };
    const finalMean = (
      l: readonly number[],
      v: readonly HeldOut[] = [],
    ): string =>
      (l.length > 0 ? `: loss ${mean(l.slice(-SMOOTH)).toFixed(3)}` : "") +
      (v.length > 0 ? `, held-out ${v[v.length - 1].loss.toFixed(3)}` : "");
    forgetBtn.hidden = runs.length === 0;
    legend.replaceChildren(
      ...(state.losses.length > 0
        ? [
            item(
              null,
              `this run: ${currentLabel}${finalMean(state.losses, state.vals)}`,
            ),
          ]
        : []),
      ...runs.map((r) =>
        item(r.color, `${r.label}${finalMean(r.losses, r.vals)}`),
      ),
      ...(refs
        ? [
            el(
              "li",
              { className: "live-ref-key" },
              `dashed: uniform guess, ln ${refs.vocabSize} = ${refs.uniform.toFixed(3)}; ` +
                `dotted: letter pairs (a bigram table), ${refs.bigram.toFixed(3)}` +
                (state.vals.length > 0
                  ? "; dark dashes with dots: the loss on the held-out documents"
                  : ""),
            ),
          ]
        : []),
    );
  };
  redraw();
  window.addEventListener("resize", redraw);
  forgetBtn.addEventListener("click", () => {
    runs.splice(0);
    redraw();
    status.focus();
  });

  // ---- the worker
  let worker = createWorker();
  let stopTimer: number | undefined;
  let jsonl: string[] = [];
  let lastData: DataChoice = { kind: "builtin" };
  const send = (msg: ToWorker, transfer: Transferable[] = []): void =>
    worker.postMessage(msg, transfer);
  const showError = (message: string): void => {
    state.error = message;
    setStatus("error", message);
  };
  const heldOutText = (): string =>
    state.vals.length > 0
      ? ` | held-out ${state.vals[state.vals.length - 1].loss.toFixed(4)}`
      : "";
  // A disabled button loses the focus: keyboard users get it back on the next useful control.
  const idleButtons = (): void => {
    const hadFocus =
      document.activeElement === stopBtn || document.activeElement === status;
    trainBtn.disabled = false;
    stopBtn.disabled = true;
    loadInput.disabled = false;
    if (hadFocus) trainBtn.focus();
  };
  const keepRun = (): void => {
    if (state.losses.length === 0) return;
    runs.unshift({
      label: currentLabel,
      losses: state.losses,
      vals: state.vals,
      color: "",
    });
    runs.splice(KEEP_RUNS - 1);
    runs.forEach((r, i) => (r.color = RUN_COLORS[i % RUN_COLORS.length]));
  };
  const probeNow = (): void =>
    send({ type: "probe", prefix: prefixInput.value });
  const modelReady = (temperature: number): void => {
    probe.hidden = false;
    tempSlider.value = String(temperature);
    tempValue.textContent = String(temperature);
    probeNow();
  };

  const onMessage = (ev: MessageEvent<FromWorker>): void => {
    const msg = ev.data;
    switch (msg.type) {
      case "started": {
        state.config = msg.config;
        refs = {
          uniform: msg.uniform,
          bigram: msg.bigram,
          vocabSize: msg.vocabSize,
        };
        jsonl.push(
          JSON.stringify({
            docs: msg.docs,
            ...(msg.valDocs > 0 && { val_docs: msg.valDocs }),
            vocab_size: msg.vocabSize,
            params: msg.params,
          }),
        );
        setStatus(
          "training",
          `Training on ${msg.docs.toLocaleString("en")} documents, ${msg.vocabSize} tokens, ${msg.params.toLocaleString("en")} parameters...`,
        );
        break;
      }
      case "progress": {
        // In the command line's order: a step's loss, then its held-out loss if measured.
        const vals = new Map(msg.vals.map((v) => [v.step, v.loss]));
        for (const loss of msg.losses) {
          state.losses.push(loss);
          const step = state.losses.length;
          jsonl.push(JSON.stringify({ step, loss }));
          const val = vals.get(step);
          if (val !== undefined) {
            state.vals.push({ step, loss: val });
            jsonl.push(JSON.stringify({ step, val_loss: val }));
          }
        }
        const total = state.config?.num_steps ?? 0;
        const recent = mean(state.losses.slice(-SMOOTH));
        if (state.status === "training")
          status.textContent = `step ${msg.step} / ${total} | loss ${recent.toFixed(4)} (mean of the last ${Math.min(SMOOTH, state.losses.length)})${heldOutText()} | ${msg.seconds.toFixed(1)} s`;
        redraw();
        break;
      }
      case "preview": {
        state.previews.push({ step: msg.step, samples: msg.samples });
        previewsBox.append(
          el(
            "p",
            { className: "live-preview" },
            el("strong", {}, `after step ${msg.step}: `),
            msg.samples.map((s) => s || "(empty)").join(", "),
          ),
        );
        break;
      }
      case "finished": {
        window.clearTimeout(stopTimer);
        const config = state.config as Config;
        const lossText =
          state.losses.length > 0
            ? `, final loss ${mean(state.losses.slice(-SMOOTH)).toFixed(4)} (mean of the last ${Math.min(SMOOTH, state.losses.length)} steps; the last step's alone: ${state.losses[state.losses.length - 1].toFixed(4)})` +
              (state.vals.length > 0
                ? `, held-out loss ${state.vals[state.vals.length - 1].loss.toFixed(4)}`
                : "")
            : "";
        if (msg.status === "stopped") {
          if (state.stopTimes) state.stopTimes.stopped = performance.now();
          setStatus(
            "stopped",
            `Stopped at step ${msg.step} of ${config.num_steps}${lossText}. Press Train to start again.`,
          );
        } else {
          state.samples = msg.samples;
          msg.samples.forEach((text, i) =>
            jsonl.push(JSON.stringify({ sample: i + 1, text })),
          );
          samplesTitle.textContent =
            config.num_samples > 0
              ? `${config.num_samples} names invented by the model (temperature ${config.temperature}):`
              : "";
          namesList(samplesList, msg.samples);
          setStatus(
            "done",
            `Done: ${config.num_steps} steps in ${msg.seconds.toFixed(1)} s${lossText}.`,
          );
        }
        log.textContent = jsonl.join("\n");
        idleButtons();
        saveBtn.disabled = false;
        redraw();
        modelReady(config.temperature);
        break;
      }
      case "loaded": {
        state.config = msg.config;
        state.samples = msg.samples;
        saveBtn.disabled = true;
        samplesTitle.textContent = `${msg.samples.length} names from ${msg.name} (step ${msg.step}, temperature ${msg.config.temperature}):`;
        namesList(samplesList, msg.samples);
        setStatus(
          "done",
          `Loaded ${msg.name}: trained ${msg.step} of ${msg.config.num_steps} steps, ${msg.vocabSize} tokens.`,
        );
        modelReady(msg.config.temperature);
        break;
      }
      case "probe": {
        state.probe = msg.result;
        probeError.textContent = "";
        showProbe(msg.result);
        break;
      }
      case "samples": {
        state.samples = msg.samples;
        samplesTitle.textContent = `${msg.samples.length} names at temperature ${msg.temperature} (the generator as training left it):`;
        namesList(samplesList, msg.samples);
        break;
      }
      case "checkpoint": {
        const url = URL.createObjectURL(
          new Blob([new Uint8Array(msg.bytes)], {
            type: "application/octet-stream",
          }),
        );
        const a = el("a", { href: url, download: msg.name });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        break;
      }
      case "error": {
        if (msg.about === "probe") {
          state.probe = null;
          probeError.textContent = msg.message;
          probsBox.replaceChildren();
          attnBox.replaceChildren();
        } else if (msg.about === "train") {
          window.clearTimeout(stopTimer);
          idleButtons();
          showError(msg.message);
        } else showError(msg.message);
        break;
      }
    }
  };
  // The worker itself failed (out of memory on a huge model, say): say so, and start afresh.
  const onWorkerError = (ev: ErrorEvent): void => {
    ev.preventDefault();
    window.clearTimeout(stopTimer);
    worker.terminate();
    worker = createWorker();
    worker.onmessage = onMessage;
    worker.onerror = onWorkerError;
    idleButtons();
    showError(`the training worker failed: ${ev.message || "out of memory?"}`);
  };
  worker.onmessage = onMessage;
  worker.onerror = onWorkerError;

  function showProbe(r: ProbeResult): void {
    // Bars relative to the likeliest token, which fills its track.
    const order = r.probs
      .map((p, id) => ({ p, id }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 10);
    const top = order[0]?.p || 1;
    probsBox.replaceChildren(
      el(
        "ol",
        { className: "live-bars" },
        ...order.map(({ p, id }) => {
          const bar = el("span", { className: "live-bar" });
          bar.style.width = `${((p / top) * 100).toFixed(1)}%`;
          return el(
            "li",
            {},
            el("span", { className: "live-bar-label" }, r.labels[id]),
            el("span", { className: "live-bar-track" }, bar),
            el("span", { className: "live-bar-value" }, p.toFixed(3)),
          );
        }),
      ),
    );
    const cell = (w: number | null): HTMLTableCellElement => {
      const td = el("td", {});
      if (w !== null) {
        td.style.background = `rgba(10, 125, 145, ${w.toFixed(3)})`;
        td.title = w.toFixed(3);
      }
      return td;
    };
    attnBox.replaceChildren(
      ...r.attention.map((h) => {
        const head = el(
          "tr",
          {},
          el("th", {}),
          ...r.tokens.map((t) =>
            el("th", { scope: "col" }, t === "start" ? "·" : t),
          ),
        );
        const rows = h.weights.map((row, q) =>
          el(
            "tr",
            {},
            el(
              "th",
              { scope: "row" },
              r.tokens[q] === "start" ? "·" : r.tokens[q],
            ),
            ...r.tokens.map((_, k) => cell(k < row.length ? row[k] : null)),
          ),
        );
        return el(
          "figure",
          { className: "live-head" },
          el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)),
          el("figcaption", {}, `layer ${h.layer + 1}, head ${h.head + 1}`),
        );
      }),
    );
    if (r.attention.length === 0)
      attnBox.append(el("p", {}, "No layers, so no attention."));
  }

  // ---- the controls
  prefixInput.addEventListener("input", probeNow);
  tempSlider.addEventListener("input", () => {
    tempValue.textContent = tempSlider.value;
    send({ type: "sample", temperature: Number(tempSlider.value) });
  });
  saveBtn.addEventListener("click", () => send({ type: "checkpoint" }));
  loadInput.addEventListener("change", () => {
    const file = loadInput.files?.[0];
    if (!file) return;
    void file.arrayBuffer().then((buf) => {
      keepRun();
      state.losses = [];
      state.vals = [];
      refs = null;
      redraw();
      const bytes = new Uint8Array(buf);
      send({ type: "load", name: file.name, bytes }, [bytes.buffer]);
      loadInput.value = "";
    });
  });
  stopBtn.addEventListener("click", () => {
    state.stopTimes = { asked: performance.now(), stopped: 0 };
    send({ type: "stop" });
    if (document.activeElement === stopBtn) status.focus();
    stopBtn.disabled = true;
    // A worker busy beyond a chunk (a huge model) is ended: Stop always works.
    stopTimer = window.setTimeout(() => {
      worker.terminate();
      worker = createWorker();
      worker.onmessage = onMessage;
      worker.onerror = onWorkerError;
      if (state.stopTimes) state.stopTimes.stopped = performance.now();
      setStatus(
        "stopped",
        `Stopped at step ${state.losses.length}. Press Train to start again.`,
      );
      idleButtons();
      redraw();
    }, STOP_DEADLINE_MS);
  });

  async function readData(): Promise<DataChoice> {
    if (dataSelect.value === "pasted")
      return { kind: "pasted", text: pasteArea.value };
    if (dataSelect.value === "file") {
      const file = dataFile.files?.[0];
      if (!file)
        throw new RangeError(
          "choose a data file first (one document per line)",
        );
      return {
        kind: "file",
        name: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      };
    }
    return { kind: "builtin" };
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!trainBtn.disabled) void startRun();
  });

  const readOverrides = (): Partial<Config> =>
    Object.fromEntries(
      SETTINGS.map((s) => [
        s.key,
        readSetting(s, inputs.get(s.key) as HTMLInputElement),
      ]),
    );
  const engineOf = (): EngineKind =>
    engineSelect.value === "value" ? "value" : "fast";
  const dataOf = (): { kind: DataChoice["kind"]; name: string } => {
    const kind =
      dataSelect.value === "pasted" || dataSelect.value === "file"
        ? dataSelect.value
        : "builtin";
    return { kind, name: dataFile.files?.[0]?.name ?? "FILE" };
  };
  // The command line of the run the form describes, kept up to date as the reader edits it.
  const updateCommand = (): void => {
    let overrides: Partial<Config>;
    try {
      overrides = readOverrides();
    } catch {
      command.textContent = "";
      return;
    }
    const config = { ...defaultConfig, ...overrides } as Config;
    const { command: cmd } = describe(config, engineOf(), dataOf());
    command.textContent = `The same run in a terminal: ${cmd}`;
  };
  form.addEventListener("input", updateCommand);
  form.addEventListener("change", updateCommand);
  updateCommand();

  async function startRun(): Promise<void> {
    let overrides: Partial<Config>;
    let data: DataChoice;
    // Reading a file takes a moment: the old status must not stand for the new run meanwhile.
    setStatus("training", "Reading the settings and the data...");
    try {
      overrides = readOverrides();
      data = await readData();
    } catch (e) {
      showError((e as Error).message);
      return;
    }
    keepRun();
    const engine = engineOf();
    const config = { ...defaultConfig, ...overrides } as Config;
    currentLabel = describe(config, engine, dataOf()).label;
    lastData = data;
    state.config = null;
    state.engine = engine;
    state.losses = [];
    state.vals = [];
    state.previews = [];
    state.samples = [];
    state.probe = null;
    state.error = null;
    steps = config.num_steps;
    refs = null;
    jsonl = [];
    log.textContent = "";
    previewsBox.replaceChildren();
    samplesTitle.textContent = "";
    samplesList.replaceChildren();
    probe.hidden = true;
    saveBtn.disabled = true;
    const hadFocus = document.activeElement === trainBtn;
    trainBtn.disabled = true;
    stopBtn.disabled = false;
    loadInput.disabled = true;
    if (hadFocus) stopBtn.focus();
    setStatus("training", "Preparing the documents and the initial weights...");
    redraw();
    const transfer = lastData.kind === "file" ? [lastData.bytes.buffer] : [];
    send(
      {
        type: "train",
        overrides,
        engine,
        data: lastData,
        previewEvery: previewEvery(config.num_steps),
      },
      transfer,
    );
  }
}

function start(): void {
  const root = document.getElementById("microgpt-live");
  if (root) mount(root);
}

if (document.readyState === "loading")
  document.addEventListener("DOMContentLoaded", start);
else start();
