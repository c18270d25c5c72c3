// Appendix 00: each chart function builds the Vega-Lite spec its options ask for (layers, scales,
// encodings) and draws exactly that spec as a standalone SVG that carries its title; bad data
// stops with a clear RangeError instead of a chart with holes.
import { describe, expect, it } from "vitest";
import {
  barChart,
  barChartSpec,
  heatmap,
  heatmapSpec,
  histogram,
  histogramSpec,
  htmlTable,
  lineChart,
  lineChartSpec,
  movingAverage,
  renderSvg,
  scatter,
  scatterSpec,
  type ChartSpec,
  type LineChartOptions,
  type LineSeries,
} from "microgpt-helpers";

/** Anything that would make the SVG fetch or run something outside itself. */
function externalReferences(svg: string): string[] {
  return (
    svg.match(
      /(?:href|src)\s*=\s*"(?!#)[^"]*"|url\((?!#)[^)]*\)|@import|<script|<image|<foreignObject/g,
    ) ?? []
  );
}

function expectStandalone(svg: string, title: string): void {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  expect(svg).toContain(title);
  expect(externalReferences(svg)).toEqual([]);
  expect(svg).not.toContain("NaN");
}

/**
 * The SVG without its ids: vega numbers gradients with one counter per process, so drawing the
 * same heatmap twice differs in those numbers only.
 */
function withoutIds(svg: string): string {
  return svg.replace(/fig[0-9a-f]{8}-[A-Za-z_]+\d+/g, "ID");
}

/** The member of a spec at a path of keys and indices (undefined where the path breaks). */
function at(spec: unknown, ...path: (string | number)[]): unknown {
  let node = spec;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** The layers of a layered spec. */
function layers(spec: ChartSpec): unknown[] {
  const list = at(spec, "layer");
  expect(Array.isArray(list)).toBe(true);
  return list as unknown[];
}

const bell = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

const lossSeries: LineSeries[] = [
  { name: "train", values: [3.3, 3.1, 2.9, 3.0, 2.7, 2.6] },
  { name: "test", x: [0, 2, 4], values: [3.3, 3.0, 2.8] },
];
const lossOptions: LineChartOptions = {
  title: "Loss per step",
  subtitle: "two series",
  xTitle: "step",
  yTitle: "loss",
};

describe("each chart's spec is what its options ask for", () => {
  it("lineChart: smooth adds a moving-average layer over a faint raw one", () => {
    const plain = layers(lineChartSpec(lossSeries, lossOptions));
    expect(plain).toHaveLength(1);
    expect(at(plain[0], "mark", "opacity")).toBe(1);
    const smoothed = layers(
      lineChartSpec(lossSeries, { ...lossOptions, smooth: 2 }),
    );
    expect(smoothed).toHaveLength(2);
    expect(at(smoothed[0], "mark", "opacity")).toBeLessThan(1);
    expect(at(smoothed[1], "mark", "type")).toBe("line");
    const mean = (at(smoothed[1], "data", "values") as { y: number }[])
      .slice(0, 6)
      .map((row) => row.y);
    expect(mean).toEqual(movingAverage(lossSeries[0].values, 2));
    expect(at(smoothed[1], "encoding", "color", "field")).toBe("series");
  });

  it("lineChart: logY makes every layer's y scale logarithmic", () => {
    const linear = layers(lineChartSpec(lossSeries, lossOptions));
    expect(at(linear[0], "encoding", "y", "scale", "type")).toBeUndefined();
    const log = layers(
      lineChartSpec(lossSeries, { ...lossOptions, logY: true, smooth: 2 }),
    );
    for (const layer of log)
      expect(at(layer, "encoding", "y", "scale", "type")).toBe("log");
  });

  it("lineChart: x values, titles, and one colour per series", () => {
    const spec = lineChartSpec(lossSeries, lossOptions);
    expect(at(spec, "title", "text")).toBe("Loss per step");
    expect(at(spec, "title", "subtitle")).toBe("two series");
    const [raw] = layers(spec);
    const rows = at(raw, "data", "values") as { series: string; x: number }[];
    expect(rows.filter((r) => r.series === "test").map((r) => r.x)).toEqual([
      0, 2, 4,
    ]);
    expect(at(raw, "encoding", "x", "title")).toBe("step");
    expect(at(raw, "encoding", "y", "title")).toBe("loss");
    expect(at(raw, "encoding", "color", "sort")).toEqual(["train", "test"]);
  });

  it("barChart: one bar per value, the highlighted one coloured apart", () => {
    const spec = barChartSpec(["a", "b", "b"], [0.5, 0.3, 0.2], {
      title: "Next character",
      xTitle: "character",
      yTitle: "probability",
      highlight: 1,
    });
    expect(at(spec, "mark")).toBe("bar");
    const rows = at(spec, "data", "values") as { value: number; hl: string }[];
    expect(rows.map((r) => r.value)).toEqual([0.5, 0.3, 0.2]);
    expect(rows.map((r) => r.hl)).toEqual(["no", "yes", "no"]);
    expect(at(spec, "encoding", "color", "field")).toBe("hl");
    // Bars are placed by index, so the repeated label still gets its own bar.
    expect(at(spec, "encoding", "x", "field")).toBe("i");
    expect(at(spec, "encoding", "x", "axis", "labelExpr")).toContain('"b"');
  });

  it("histogram: counts per bin over the domain, and the density curve as a layer", () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 2);
    const options = {
      title: "Spread",
      xTitle: "value",
      yTitle: "count",
      bins: 20,
      domain: [-2, 2] as const,
    };
    const bars = layers(histogramSpec(values, options));
    expect(bars).toHaveLength(1);
    const counts = at(bars[0], "data", "values") as { count: number }[];
    expect(counts).toHaveLength(20);
    expect(counts.reduce((a, b) => a + b.count, 0)).toBe(1000);
    expect(at(bars[0], "encoding", "x", "scale", "domain")).toEqual([-2, 2]);
    const withCurve = layers(
      histogramSpec(values, {
        ...options,
        curve: { name: "bell", density: bell },
      }),
    );
    expect(withCurve).toHaveLength(2);
    expect(at(withCurve[1], "mark", "type")).toBe("line");
    expect(at(withCurve[1], "encoding", "color", "datum")).toBe("bell");
  });

  it("heatmap: a sequential or diverging colour scale, values written on request, panels as facets", () => {
    const labels = { xTitle: "in", yTitle: "out", rowLabels: ["r"] };
    const positive = heatmapSpec([[0.2, 0.8]], {
      title: "P",
      ...labels,
      colLabels: ["a", "b"],
    });
    const colour = (spec: unknown) =>
      at(layers(spec as ChartSpec)[0], "encoding", "color", "scale");
    expect(colour(positive)).toEqual({ scheme: "blues", domain: [0, 0.8] });
    expect(layers(positive)).toHaveLength(1);
    const signed = heatmapSpec([[1, -0.5]], {
      title: "S",
      ...labels,
      colLabels: ["a", "b"],
      decimals: 1,
    });
    expect(colour(signed)).toEqual({ scheme: "blueorange", domain: [-1, 1] });
    expect(at(layers(signed)[1], "encoding", "text", "format")).toBe(".1f");
    const panels = heatmapSpec(
      [
        { name: "head 0", values: [[1]] },
        { name: "head 1", values: [[0.5]] },
      ],
      { title: "H", ...labels, colLabels: ["a"] },
    );
    expect(at(panels, "facet", "column", "sort")).toEqual(["head 0", "head 1"]);
    expect(colour(at(panels, "spec"))).toEqual({
      scheme: "blues",
      domain: [0, 1],
    });
  });

  it("scatter: points coloured by group, with their labels as a text layer", () => {
    const spec = scatterSpec(
      [
        { x: 0.1, y: 0.2, label: "a", group: "vowel" },
        { x: -0.3, y: 0.5, label: "b", group: "consonant" },
      ],
      { title: "E", xTitle: "1", yTitle: "2" },
    );
    expect(at(spec, "encoding", "color", "field")).toBe("group");
    const [points, text] = layers(spec);
    expect(at(points, "mark", "type")).toBe("point");
    expect(at(text, "encoding", "text", "field")).toBe("label");
  });
});

describe("each chart draws its spec as a standalone SVG with its title", () => {
  it("lineChart", async () => {
    const options = { ...lossOptions, smooth: 2, logY: true };
    const svg = await lineChart(lossSeries, options);
    expect(withoutIds(svg)).toBe(
      withoutIds(await renderSvg(lineChartSpec(lossSeries, options))),
    );
    expectStandalone(svg, "Loss per step");
    expect(svg).toContain("two series");
    expect(svg).toContain("train");
  });

  it("lineChart, log-log: the x ticks are the doubling sizes themselves", async () => {
    const svg = await lineChart(
      [{ name: "ms", x: [8, 16, 32, 64, 128], values: [0.1, 0.3, 1, 3, 9] }],
      { title: "Cost", xTitle: "n_embd", yTitle: "ms", logX: true, logY: true },
    );
    expectStandalone(svg, "Cost");
    const ticks = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(ticks.slice(0, 6)).toEqual(["8", "16", "32", "64", "128", "n_embd"]);
  });

  it("barChart, with repeated labels and a highlighted bar", async () => {
    const args = [
      ["a", "b", "b", "<BOS>"],
      [0.5, 0.2, 0.2, 0.1],
      {
        title: "Next character",
        xTitle: "character",
        yTitle: "probability",
        highlight: 0,
      },
    ] as const;
    const svg = await barChart(...args);
    expect(withoutIds(svg)).toBe(
      withoutIds(await renderSvg(barChartSpec(...args))),
    );
    expectStandalone(svg, "Next character");
    expect(svg).toContain("&lt;BOS&gt;"); // labels are escaped text, not markup
    expect(svg).toContain("#d95f02"); // the highlight colour
  });

  it("barChart on a given y domain, with a labelled reference line", async () => {
    const values = [0.05, 0.2, 0.1];
    const options = { title: "Shared axis", xTitle: "x", yTitle: "p" };
    const own = await barChart(["a", "b", "c"], values, options);
    const svg = await barChart(["a", "b", "c"], values, {
      ...options,
      yDomain: [0, 0.8],
      rule: { value: 1 / 3, label: "uniform 1/3" },
    });
    expectStandalone(svg, "Shared axis");
    expect(own).not.toContain(">0.8<"); // the axis fits the data...
    expect(svg).toContain(">0.8<"); // ...unless a domain is given
    expect(svg).toContain("uniform 1/3");
    expect(svg).toContain('stroke-dasharray="5,3"'); // the reference line
  });

  it("histogram, with a density curve", async () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 2);
    const options = {
      title: "Spread of values",
      xTitle: "value",
      yTitle: "count",
      bins: 20,
      label: "sines",
      curve: { name: "bell curve", density: bell },
    };
    const svg = await histogram(values, options);
    expect(withoutIds(svg)).toBe(
      withoutIds(await renderSvg(histogramSpec(values, options))),
    );
    expectStandalone(svg, "Spread of values");
    expect(svg).toContain("bell curve");
    expect(svg).toContain("sines");
  });

  it("histogram of identical values still draws", async () => {
    expectStandalone(
      await histogram([2, 2, 2], {
        title: "All the same",
        xTitle: "v",
        yTitle: "n",
      }),
      "All the same",
    );
  });

  it("heatmap, one matrix and several panels", async () => {
    const one = await heatmap(
      [
        [1, -0.5],
        [0.25, null],
      ],
      {
        title: "Signed weights",
        xTitle: "in",
        yTitle: "out",
        rowLabels: ["r0", "r1"],
        colLabels: ["c0", "c1"],
        decimals: 1,
      },
    );
    expectStandalone(one, "Signed weights");
    const panels = [
      {
        name: "head 0",
        values: [
          [1, null],
          [0.3, 0.7],
        ],
      },
      {
        name: "head 1",
        values: [
          [1, null],
          [0.9, 0.1],
        ],
      },
    ];
    const options = {
      title: "Attention per head",
      xTitle: "key",
      yTitle: "query",
      rowLabels: ["m", "m"],
      colLabels: ["m", "m"],
      colorTitle: "weight",
    };
    const heads = await heatmap(panels, options);
    expect(withoutIds(heads)).toBe(
      withoutIds(await renderSvg(heatmapSpec(panels, options))),
    );
    expectStandalone(heads, "Attention per head");
    expect(heads).toContain("head 1");
  });

  it("scatter with text labels and groups", async () => {
    const points = [
      { x: 0.1, y: 0.2, label: "a", group: "vowel" },
      { x: -0.3, y: 0.5, label: "b", group: "consonant" },
      { x: 0.4, y: -0.1, label: "e", group: "vowel" },
    ];
    const options = {
      title: "Embeddings in 2-D",
      xTitle: "component 1",
      yTitle: "component 2",
    };
    const svg = await scatter(points, options);
    expect(withoutIds(svg)).toBe(
      withoutIds(await renderSvg(scatterSpec(points, options))),
    );
    expectStandalone(svg, "Embeddings in 2-D");
    expect(svg).toContain(">e<");
  });
  it("renderSvg draws any Vega-Lite spec", async () => {
    const svg = await renderSvg({
      title: "Custom",
      data: { values: [{ a: 1 }] },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" } },
    });
    expectStandalone(svg, "Custom");
  });
});

describe("figures can share one page", () => {
  it("ids get a per-figure prefix, and every url(#id) points inside the figure", async () => {
    const opts = {
      title: "Two heatmaps",
      xTitle: "x",
      yTitle: "y",
      rowLabels: ["a"],
      colLabels: ["b", "c"],
    };
    const a = await heatmap([[0, 1]], opts);
    const b = await heatmap([[0, -1]], opts);
    const ids = (svg: string) =>
      [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    for (const svg of [a, b]) {
      for (const [, ref] of svg.matchAll(/url\(#([^)]+)\)/g))
        expect(ids(svg)).toContain(ref);
    }
  });

  it("the same chart renders to the same SVG", async () => {
    const draw = () =>
      barChart(["x", "y"], [1, 2], {
        title: "Stable",
        xTitle: "k",
        yTitle: "v",
      });
    expect(await draw()).toBe(await draw());
  });
});

describe("bad data is refused with a clear message", () => {
  const axes = { xTitle: "x", yTitle: "y" };
  it("lineChart", () => {
    expect(() => lineChart([], { title: "t", ...axes })).toThrow(
      /nothing to draw/,
    );
    expect(() =>
      lineChart([{ name: "s", values: [1, NaN] }], { title: "t", ...axes }),
    ).toThrow(/value 1 is NaN/);
    expect(() =>
      lineChart([{ name: "s", values: [1, 2], x: [0] }], {
        title: "t",
        ...axes,
      }),
    ).toThrow(/1 x values for 2 y values/);
    expect(() =>
      lineChart([{ name: "s", values: [1] }], { title: "", ...axes }),
    ).toThrow(/title/);
    expect(() =>
      lineChart([{ name: "s", values: [1] }], {
        title: "t",
        ...axes,
        smooth: 0,
      }),
    ).toThrow(/window/);
    // Default x values start at 0, which a logarithmic axis cannot show.
    expect(() =>
      lineChart([{ name: "s", values: [1, 2] }], {
        title: "t",
        ...axes,
        logX: true,
      }),
    ).toThrow(/value 0 is 0, which a logarithmic axis cannot show/);
    expect(() =>
      lineChart([{ name: "s", values: [1, -2] }], {
        title: "t",
        ...axes,
        logY: true,
      }),
    ).toThrow(/value 1 is -2/);
  });
  it("barChart", () => {
    expect(() => barChart(["a"], [1, 2], { title: "t", ...axes })).toThrow(
      /1 labels for 2 values/,
    );
    expect(() => barChart(["a"], [Infinity], { title: "t", ...axes })).toThrow(
      RangeError,
    );
    expect(() =>
      barChart(["a"], [0.9], { title: "t", ...axes, yDomain: [0, 0.5] }),
    ).toThrow(/value 0 is 0.9/);
    expect(() =>
      barChart(["a"], [0.1], { title: "t", ...axes, yDomain: [1, 0] }),
    ).toThrow(/increasing/);
  });
  it("histogram", () => {
    expect(() => histogram([], { title: "t", ...axes })).toThrow(
      /nothing to draw/,
    );
    expect(() => histogram([1, 2], { title: "t", ...axes, bins: 0 })).toThrow(
      /bins/,
    );
    expect(() =>
      histogram([1, 2], { title: "t", ...axes, domain: [3, 3] }),
    ).toThrow(/domain/);
    expect(() =>
      histogram([1, 2], {
        title: "t",
        ...axes,
        curve: { name: "bad", density: () => NaN },
      }),
    ).toThrow(/bad/);
  });
  it("heatmap", () => {
    const labels = { rowLabels: ["a"], colLabels: ["b", "c"] };
    expect(() => heatmap([[1]], { title: "t", ...axes, ...labels })).toThrow(
      /row 0 has 1 values for 2 column labels/,
    );
    expect(() =>
      heatmap(
        [
          [1, 2],
          [3, 4],
        ],
        { title: "t", ...axes, ...labels },
      ),
    ).toThrow(/2 rows for 1 row labels/);
    expect(() =>
      heatmap([[1, NaN]], { title: "t", ...axes, ...labels }),
    ).toThrow(/use null/);
    expect(() =>
      heatmap([[null, null]], { title: "t", ...axes, ...labels }),
    ).toThrow(/nothing to draw/);
  });
  it("scatter", () => {
    expect(() => scatter([], { title: "t", ...axes })).toThrow(
      /nothing to draw/,
    );
    expect(() => scatter([{ x: 1, y: NaN }], { title: "t", ...axes })).toThrow(
      /scatter y/,
    );
  });
});

describe("movingAverage", () => {
  it("averages the last window values, fewer at the start", () => {
    expect(movingAverage([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 1.5, 2, 3, 4, 5]);
    expect(movingAverage([4, 8], 1)).toEqual([4, 8]);
    expect(movingAverage([], 5)).toEqual([]);
  });
});

describe("htmlTable", () => {
  it("has a header from the first row's keys, escapes text, aligns numbers", () => {
    const html = htmlTable([
      { name: "<BOS>", count: 3 },
      { name: "a & b", count: 12 },
    ]);
    expect(html).toBe(
      "<table><tr><th>name</th><th>count</th></tr>" +
        '<tr><td>&#60;BOS&#62;</td><td style="text-align: right">3</td></tr>' +
        '<tr><td>a &#38; b</td><td style="text-align: right">12</td></tr>' +
        "</table>",
    );
  });

  it("refuses an empty table", () => {
    expect(() => htmlTable([])).toThrow(/htmlTable: nothing to draw/);
  });
});
