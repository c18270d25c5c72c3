// The playground's loss chart (SVG): this run's loss at every step (faint) and its mean over
// the last 50 steps (bold), earlier runs' means to compare, and two reference lines.
import { movingAverage } from "../../helpers/smooth";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Steps in the running mean (the final loss the page reports is the last of these). */
export const SMOOTH = 50;
/** The most points a line gets: long runs are thinned so that a redraw stays cheap. */
const MAX_POINTS = 1500;

export interface Curve {
  losses: readonly number[];
  /** Losses on the held-out documents, at the steps measured. */
  vals: readonly { step: number; loss: number }[];
  /** A CSS colour (earlier runs), or null for the current run. */
  color: string | null;
}

export interface References {
  /** ln(vocabSize). */
  uniform: number;
  vocabSize: number;
  bigram: number;
}

function svgEl(
  tag: string,
  attrs: Record<string, string | number>,
): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * Round tick values over [0, max]: steps of 1, 2 or 5 times a power of ten, about `count` of
 * them, and at least `minStep` apart (1 for step numbers).
 */
export function niceTicks(max: number, count: number, minStep = 0): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const step = Math.max(nice, minStep);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max + step * 1e-9; i++)
    ticks.push(Math.round(i * step * 1e6) / 1e6);
  return ticks;
}

export function createChart(host: HTMLElement): {
  draw(
    steps: number,
    current: Curve | null,
    earlier: readonly Curve[],
    refs: References | null,
  ): void;
} {
  const pad = { left: 44, right: 64, top: 12, bottom: 34 };
  const svg = svgEl("svg", { role: "img", class: "live-chart" });
  const title = svgEl("title", {});
  title.textContent = "Training loss at each step";
  const layer = svgEl("g", {});
  const cursor = svgEl("line", { class: "live-cursor", visibility: "hidden" });
  svg.append(title, layer, cursor);
  const readout = document.createElement("p");
  readout.className = "live-readout";
  host.append(svg, readout);
  // What the pointer reads: the step under it, from the last drawing's scale.
  let hover: {
    W: number;
    x0: number;
    x1: number;
    xMax: number;
    yTop: number;
    yBottom: number;
    losses: readonly number[];
  } | null = null;
  const showStep = (clientX: number): void => {
    const h = hover;
    if (h === null || h.losses.length === 0) return;
    const box = svg.getBoundingClientRect();
    const at = ((clientX - box.left) / box.width) * h.W;
    const step = Math.round(((at - h.x0) / (h.x1 - h.x0)) * h.xMax);
    if (step < 1 || step > h.losses.length) {
      cursor.setAttribute("visibility", "hidden");
      readout.textContent = "";
      return;
    }
    const cx = h.x0 + (step / h.xMax) * (h.x1 - h.x0);
    for (const [k, v] of Object.entries({
      x1: cx,
      x2: cx,
      y1: h.yTop,
      y2: h.yBottom,
    }))
      cursor.setAttribute(k, String(v));
    cursor.setAttribute("visibility", "visible");
    const from = Math.max(0, step - SMOOTH);
    const recent = h.losses.slice(from, step);
    const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
    readout.textContent = `step ${step}: loss ${h.losses[step - 1].toFixed(4)}, mean of the last ${recent.length} ${avg.toFixed(4)}`;
  };
  svg.addEventListener("pointermove", (ev) => showStep(ev.clientX));
  svg.addEventListener("pointerleave", () => {
    cursor.setAttribute("visibility", "hidden");
    readout.textContent = "";
  });

  return {
    draw(steps, current, earlier, refs) {
      // As wide as its box (at most 720): the labels keep their size on a phone.
      const W = Math.max(300, Math.min(720, host.clientWidth || 640));
      const H = W < 500 ? 240 : 280;
      svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      const curves = current ? [...earlier, current] : [...earlier];
      const xMax = Math.max(steps, ...curves.map((c) => c.losses.length), 1);
      // The y range holds the uniform line and every running mean, in half units.
      let top = refs ? refs.uniform : 3.5;
      let bottom = refs ? refs.bigram : 2;
      for (const c of curves) {
        const means = movingAverage(c.losses, SMOOTH);
        for (const m of [...means, ...c.vals.map((v) => v.loss)]) {
          if (m > top) top = m;
          if (m < bottom) bottom = m;
        }
      }
      const yMax = Math.ceil(top * 2 + 1) / 2;
      const yMin = Math.max(0, Math.floor(bottom * 2 - 1) / 2);
      const x0 = pad.left;
      const x1 = W - pad.right;
      const yTop = pad.top;
      const yBottom = H - pad.bottom;
      const x = (step: number): number => x0 + (step / xMax) * (x1 - x0);
      hover = { W, x0, x1, xMax, yTop, yBottom, losses: current?.losses ?? [] };
      const y = (loss: number): number => {
        const c = Math.min(yMax, Math.max(yMin, loss));
        return yTop + ((yMax - c) / (yMax - yMin)) * (yBottom - yTop);
      };
      const text = (
        content: string,
        attrs: Record<string, string | number>,
      ): SVGElement => {
        const t = svgEl("text", attrs);
        t.textContent = content;
        return t;
      };
      const axes = svgEl("g", { class: "live-axes" });
      axes.append(
        svgEl("line", { x1: x0, y1: yTop, x2: x0, y2: yBottom }),
        svgEl("line", { x1: x0, y1: yBottom, x2: x1, y2: yBottom }),
      );
      for (const v of niceTicks(yMax - yMin, 5).map((d) => yMin + d)) {
        axes.append(svgEl("line", { x1: x0 - 4, y1: y(v), x2: x0, y2: y(v) }));
        axes.append(
          text(v.toFixed(1), { x: x0 - 7, y: y(v) + 4, "text-anchor": "end" }),
        );
      }
      for (const s of niceTicks(xMax, 5, 1)) {
        axes.append(
          svgEl("line", { x1: x(s), y1: yBottom, x2: x(s), y2: yBottom + 4 }),
        );
        axes.append(
          text(String(s), {
            x: x(s),
            y: yBottom + 17,
            "text-anchor": "middle",
          }),
        );
      }
      axes.append(
        text("step", { x: (x0 + x1) / 2, y: H - 2, "text-anchor": "middle" }),
      );
      const yMid = (yTop + yBottom) / 2;
      axes.append(
        text("loss", {
          x: 12,
          y: yMid,
          "text-anchor": "middle",
          transform: `rotate(-90 12 ${yMid})`,
        }),
      );
      const parts: SVGElement[] = [axes];
      if (refs) {
        const ref = (value: number, label: string, cls: string): void => {
          parts.push(
            svgEl("line", {
              class: `live-ref ${cls}`,
              x1: x0,
              y1: y(value),
              x2: x1,
              y2: y(value),
            }),
          );
          parts.push(
            text(label, {
              class: `live-ref-label ${cls}`,
              x: x1 + 4,
              y: y(value) + 4,
            }),
          );
        };
        ref(refs.uniform, "uniform", "live-ref-uniform");
        ref(refs.bigram, "bigram", "live-ref-bigram");
      }
      const line = (
        values: readonly number[],
        cls: string,
        color: string | null,
      ): SVGElement => {
        const stride = Math.max(1, Math.ceil(values.length / MAX_POINTS));
        const pts: string[] = [];
        for (let i = 0; i < values.length; i += stride)
          pts.push(`${x(i + 1).toFixed(1)},${y(values[i]).toFixed(1)}`);
        if ((values.length - 1) % stride !== 0) {
          const i = values.length - 1;
          pts.push(`${x(i + 1).toFixed(1)},${y(values[i]).toFixed(1)}`);
        }
        const attrs: Record<string, string> = {
          class: cls,
          fill: "none",
          points: pts.join(" "),
        };
        if (color) attrs.style = `stroke: ${color}`;
        return svgEl("polyline", attrs);
      };
      // This run's steps underneath, earlier runs' means over them, this run's mean on top.
      if (current) parts.push(line(current.losses, "live-raw", null));
      for (const c of earlier)
        parts.push(
          line(movingAverage(c.losses, SMOOTH), "live-earlier", c.color),
        );
      if (current) {
        // A halo in the page's colour keeps the mean readable over a dense band of steps.
        const means = movingAverage(current.losses, SMOOTH);
        parts.push(line(means, "live-mean-halo", null));
        parts.push(line(means, "live-mean", null));
      }
      // Held-out losses: a line through the measured points, dots on this run's.
      const heldOut = (c: Curve): void => {
        if (c.vals.length === 0) return;
        const pts = c.vals.map(
          (v) => `${x(v.step).toFixed(1)},${y(v.loss).toFixed(1)}`,
        );
        const attrs: Record<string, string> = {
          class: "live-val",
          fill: "none",
          points: pts.join(" "),
        };
        if (c.color) attrs.style = `stroke: ${c.color}`;
        parts.push(svgEl("polyline", attrs));
        if (c.color === null)
          for (const v of c.vals)
            parts.push(
              svgEl("circle", {
                class: "live-val-dot",
                cx: x(v.step),
                cy: y(v.loss),
                r: 3,
              }),
            );
      };
      earlier.forEach(heldOut);
      if (current) heldOut(current);
      // What a screen reader says about the chart.
      title.textContent =
        current && current.losses.length > 0
          ? `Training loss over ${current.losses.length} steps: ` +
            `the mean of the last ${SMOOTH} is ` +
            `${movingAverage(current.losses, SMOOTH).at(-1)?.toFixed(3)}`
          : "Training loss at each step (no run yet)";
      layer.replaceChildren(...parts);
    },
  };
}
