// Chapter 05b: the model diagram drawn from a configuration. (The ablation switches it draws are
// tested in 05, both engines in 08, checkpoints in 10.)
import { describe, expect, it } from "vitest";
import { makeConfig, parameterLayout, type Config } from "microgpt";
import { modelDiagram, modelDot } from "microgpt-helpers";

/** The labels of the nodes of a DOT text, with record fields split apart. */
function labels(dot: string): string[] {
  return Array.from(dot.matchAll(/\[label="((?:[^"\\]|\\.)*)"/g), (m) =>
    m[1].replace(/[{}]/g, "").split("|"),
  )
    .flat()
    .map((l) =>
      l
        .replace(/<[^>]*>/, "")
        .replace(/\\n/g, "\n")
        .trim(),
    );
}

const count = (dot: string, text: string): number =>
  labels(dot).filter((l) => l === text).length;

describe("modelDot", () => {
  it("shows every matrix of parameterLayout with its shape (one layer in full)", () => {
    const config = makeConfig();
    const shown = labels(modelDot(config));
    for (const [name, rows, cols] of parameterLayout(config, 27)) {
      const short = name.replace(/^layer\d+\./, "");
      expect(shown, name).toContain(`${short}\n${rows} × ${cols}`);
    }
    expect(shown).toContain("27 logits");
    expect(shown.filter((l) => /^head \d$/.test(l))).toEqual([
      "head 0",
      "head 1",
      "head 2",
      "head 3",
    ]);
    expect(modelDot(config)).toMatch(
      /n_embd 16, 4 heads, 1 layer, 4,192 parameters/,
    );
  });

  it("draws the norms and the residual adds the switches leave in", () => {
    const dot = (o: Partial<Config>): string => modelDot(makeConfig(o));
    const residualEdges = (d: string): number =>
      (d.match(/label=" residual"/g) ?? []).length;
    expect([count(dot({}), "rmsnorm"), residualEdges(dot({}))]).toEqual([3, 2]);
    expect(count(dot({}), "+")).toBe(3); // the embedding's sum and two adds
    expect(count(dot({ norm: false }), "rmsnorm")).toBe(1);
    expect(count(dot({ embed_norm: false }), "rmsnorm")).toBe(2);
    const noRes = dot({ residual: false });
    expect([residualEdges(noRes), count(noRes, "+")]).toEqual([0, 1]);
  });

  it("follows the configuration: tied weights, relu², more layers, more heads, other widths", () => {
    const original = modelDot(makeConfig({}, "original"), 28);
    expect(labels(original)).toContain("wte (tied)\n28 × 16");
    expect(original).not.toMatch(/lm_head/);
    expect(labels(original)).toContain("relu(x)²");
    const deep = modelDot(makeConfig({ n_layer: 4 }));
    expect(deep).toMatch(/layers 1 to 3: the same blocks/);
    expect(labels(modelDot(makeConfig({ n_layer: 4 }), 27, 4))).toContain(
      "mlp_fc2\n16 × 64",
    );
    expect(modelDot(makeConfig({ n_layer: 4 }), 27, 4)).toMatch(/cluster_3/);
    const many = labels(modelDot(makeConfig({ n_embd: 64, n_head: 16 })));
    expect(many).toContain("16 heads");
    expect(many).toContain("attn_wq\n64 × 64");
    const none = modelDot(makeConfig({ n_layer: 0 }));
    expect(none).not.toMatch(/cluster/);
    expect(labels(none)).toContain("lm_head\n27 × 16");
  });
});

describe("modelDiagram", () => {
  it("renders SVG narrow enough to show 11-point labels unscaled in the book's column", async () => {
    for (const config of [
      makeConfig(),
      makeConfig({ n_layer: 4 }),
      makeConfig({}, "original"),
    ]) {
      const svg = await modelDiagram(config);
      expect(svg).toMatch(/^<\?xml|<svg/);
      expect(svg).toContain("attn_wo");
      // 1 pt = 4/3 px; the column is about 700 px wide at the book's desktop width.
      const width = Number(/<svg width="(\d+)pt"/.exec(svg)?.[1]);
      expect(width * (4 / 3)).toBeLessThanOrEqual(700);
      expect(svg).toMatch(/font-size="11.00"/);
    }
  });
});
