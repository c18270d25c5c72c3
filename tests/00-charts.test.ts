// Appendix 00: every chart function resolves to a standalone SVG that carries its title,
// and bad data stops with a clear RangeError instead of a chart with holes.
import { describe, expect, it } from "vitest";
import {
  barChart,
  heatmap,
  histogram,
  htmlTable,
  lineChart,
  movingAverage,
  renderSvg,
  scatter,
} from "microgpt";

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

const bell = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

describe("each chart is a standalone SVG with its title", () => {
  it("lineChart, several series, smoothed, log scale", async () => {
    const svg = await lineChart(
      [
        { name: "train", values: [3.3, 3.1, 2.9, 3.0, 2.7, 2.6] },
        { name: "test", x: [0, 2, 4], values: [3.3, 3.0, 2.8] },
      ],
      {
        title: "Loss per step",
        subtitle: "two series",
        xTitle: "step",
        yTitle: "loss",
        smooth: 2,
        logY: true,
      },
    );
    expectStandalone(svg, "Loss per step");
    expect(svg).toContain("two series");
    expect(svg).toContain("step");
    expect(svg).toContain("train");
  });

  it("barChart, with repeated labels and a highlighted bar", async () => {
    const svg = await barChart(["a", "b", "b", "<BOS>"], [0.5, 0.2, 0.2, 0.1], {
      title: "Next character",
      xTitle: "character",
      yTitle: "probability",
      highlight: 0,
    });
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
    const svg = await histogram(values, {
      title: "Spread of values",
      xTitle: "value",
      yTitle: "count",
      bins: 20,
      label: "sines",
      curve: { name: "bell curve", density: bell },
    });
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
    const heads = await heatmap(
      [
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
      ],
      {
        title: "Attention per head",
        xTitle: "key",
        yTitle: "query",
        rowLabels: ["m", "m"],
        colLabels: ["m", "m"],
        colorTitle: "weight",
      },
    );
    expectStandalone(heads, "Attention per head");
    expect(heads).toContain("head 1");
  });

  it("scatter with text labels and groups", async () => {
    const svg = await scatter(
      [
        { x: 0.1, y: 0.2, label: "a", group: "vowel" },
        { x: -0.3, y: 0.5, label: "b", group: "consonant" },
        { x: 0.4, y: -0.1, label: "e", group: "vowel" },
      ],
      {
        title: "Embeddings in 2-D",
        xTitle: "component 1",
        yTitle: "component 2",
      },
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
