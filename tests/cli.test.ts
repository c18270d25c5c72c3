// The command line: output formats, checkpoints, and one clear line for every kind of bad input.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
// The CLI is compiled with lib but not part of the package's index.
import { run, stepLine, sampleLine, type Io } from "../lib/cli/main";
import { flagFor, helpText, parseArgs } from "../lib/cli/args";
import {
  configChoices,
  defaultConfig,
  loadCheckpoint,
  modelFromCheckpoint,
  type Config,
} from "microgpt";

interface Captured {
  code: number;
  out: string;
  err: string;
}

function cli(argv: string[], isTTY = false): Captured {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY,
  };
  const code = run(argv, io);
  return { code, out, err };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-cli-"));
function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

/** Every failure is exactly one line on stderr, starting with "microgpt: ". */
function expectOneLine(r: Captured, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.out).toBe("");
  expect(r.err).toMatch(/^microgpt: [^\n]+\n$/);
  expect(r.err).toMatch(pattern);
}

describe("human output", () => {
  it("prints the reference's lines", () => {
    expect(stepLine(1, 1000, 3.365966947585)).toBe(
      "step    1 / 1000 | loss 3.3660",
    );
    expect(stepLine(1000, 1000, 2.649694469741)).toBe(
      "step 1000 / 1000 | loss 2.6497",
    );
    expect(sampleLine(1, "kamon")).toBe("sample  1: kamon");
    expect(sampleLine(20, "ann")).toBe("sample 20: ann");
  });

  it("has the header, one line per step, then the samples", () => {
    const r = cli(["train", "--steps", "3", "--samples", "2"]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "num docs: 8403",
      "vocab size: 27",
      "num params: 4192",
    ]);
    expect(lines[3]).toBe("step    1 /    3 | loss 2.9465");
    expect(lines[6]).toBe("");
    expect(lines[7]).toBe("--- inference (new, hallucinated names) ---");
    expect(lines[8]).toMatch(/^sample {2}1: /);
    expect(r.err).toBe("");
  });

  it("redraws one progress line with an ETA on a terminal", () => {
    const r = cli(["train", "--steps", "3", "--samples", "0"], true);
    expect(r.out).toContain("\rstep    3 /    3 | loss");
    expect(r.out).toMatch(/done in \d+s/);
  });
});

describe("--jsonl", () => {
  it("prints the header, every step, every sample and the training time", () => {
    const r = cli(["train", "--jsonl", "--steps", "4", "--samples", "3"]);
    const objs = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs[0]).toEqual({ docs: 8403, vocab_size: 27, params: 4192 });
    expect(objs[1]).toEqual({ step: 1, loss: 2.9465215684489294 });
    expect(objs.slice(1, 5).map((o) => o.step)).toEqual([1, 2, 3, 4]);
    expect(objs.slice(5, 8).map((o) => Object.keys(o))).toEqual([
      ["sample", "text"],
      ["sample", "text"],
      ["sample", "text"],
    ]);
    expect(Object.keys(objs[8])).toEqual(["train_seconds"]);
    expect(objs).toHaveLength(9);
  });
});

describe("degenerate but valid configurations", () => {
  // Expected values: an independent Python run of the reference semantics.
  it("--steps 0 samples from the initial weights", () => {
    const r = cli(["train", "--jsonl", "--steps", "0", "--samples", "3"]);
    const texts = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { step?: number; text?: string })
      .filter((o) => o.text !== undefined)
      .map((o) => o.text);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/"step"/);
    expect(texts).toEqual(["foiramkietqdcpxl", "kygcajvurcwxhabl", "jjqy"]);
  });

  for (const engine of ["value", "fast"]) {
    it(`--n-layer 0 trains embeddings straight into lm_head (${engine})`, () => {
      const argv = ["train", "--jsonl", "--n-layer", "0", "--steps", "3"];
      const r = cli([...argv, "--samples", "1", "--engine", engine]);
      const objs = r.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(objs[0]).toEqual({ docs: 8403, vocab_size: 27, params: 1120 });
      const losses = objs.slice(1, 4).map((o) => o.loss as number);
      const expected = [
        2.909892957547474, 3.263044183094449, 3.6545367174257644,
      ];
      losses.forEach((l, i) => expect(l).toBeCloseTo(expected[i], 12));
      expect(objs[4]).toEqual({ sample: 1, text: "ubnmsyolfmgiqawq" });
    });
  }
});

describe("flags", () => {
  it("--help documents every flag with its default", () => {
    const r = cli(["train", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--data",
      "--steps",
      "--seed",
      "--n-embd",
      "--n-head",
      "--n-layer",
      "--block-size",
      "--lr",
      "--beta1",
      "--beta2",
      "--eps-adam",
      "--init-std",
      "--temperature",
      "--samples",
      "--preset",
      "--save",
      "--jsonl",
      "--special-tokens",
      "--crop-to-block",
      "--zero-init-out",
      "--tie-weights",
      "--no-embed-norm",
      "--activation",
      "--backward",
    ]) {
      expect(r.out).toContain(flag);
    }
    expect(r.out).toContain("[1000]");
    expect(cli(["--help"]).out).toContain("microgpt sample --load FILE");
    expect(cli([]).code).toBe(0);
  });

  it("a preset applies first, explicit flags override it", () => {
    const r = cli([
      "train",
      "--jsonl",
      "--preset",
      "original",
      "--steps",
      "2",
      "--samples",
      "0",
      "--n-embd",
      "8",
      "--n-head",
      "2",
    ]);
    expect(r.code).toBe(0);
    const head = JSON.parse(r.out.split("\n")[0]) as {
      vocab_size: number;
      params: number;
    };
    // vocab 28 (BOS, EOS, 26 letters); tied weights: wte 28x8, wpe 8x8, one layer 4*64 + 2*256.
    expect(head).toEqual({
      docs: 8403,
      vocab_size: 28,
      params: 28 * 8 + 8 * 8 + 4 * 64 + 2 * 256,
    });
  });

  it("accepts --flag=value and boolean negations", () => {
    expect(
      cli([
        "train",
        "--steps=2",
        "--samples=0",
        "--no-embed-norm",
        "--tie-weights",
        "--activation=relu2",
        "--backward",
        "per-position",
      ]).code,
    ).toBe(0);
  });

  const bad: [string[], RegExp][] = [
    [["train", "--bogus"], /unknown flag --bogus/],
    [
      ["train", "--n-head", "3"],
      /divisible by n_head \(3\) \(flags --n-embd, --n-head\)/,
    ],
    [
      ["train", "--engine", "turbo"],
      /--engine must be one of value, fast; got "turbo"/,
    ],
    [
      ["train", "--engine", "fast", "--preset", "original"],
      /fast engine only implements backward_mode "mean"; "per-position".*--engine value/,
    ],
    [["train", "--steps", "abc"], /--steps needs a number, got "abc"/],
    [
      ["train", "--steps", "1.5"],
      /num_steps must be a whole number, got 1.5 \(flag --steps\)$/m,
    ],
    [["train", "--steps", "-1"], /num_steps must be at least 0.*--steps/],
    [["train", "--n-head", "3"], /must be divisible by n_head/],
    [["train", "--temperature", "0"], /temperature must be at least 1e-100/],
    [["train", "--lr", "NaN"], /--lr needs a number/],
    [["train", "--steps"], /--steps needs a value/],
    [
      ["train", "--preset", "newest"],
      /--preset must be one of final, original/,
    ],
    [["train", "--no-embed-norm=1"], /--no-embed-norm takes no value/],
    [["train", "--no-steps"], /unknown flag --no-steps/],
    [
      ["sample", "--load", "x.json", "--temperature", "0"],
      /temperature must be at least 1e-100, so that 1 \/ temperature is finite, got 0 \(flag --temperature\)/,
    ],
    [
      ["train", "--activation", "gelu"],
      /--activation must be one of relu, relu2/,
    ],
    [["train", "extra"], /unexpected argument "extra"/],
    [["fly"], /unknown command "fly"/],
    [["sample"], /needs --load FILE/],
  ];
  for (const [argv, pattern] of bad) {
    it(`refuses ${argv.join(" ")} with one line and exit code 2`, () =>
      expectOneLine(cli(argv), 2, pattern));
  }
});

describe("flags derived from the configuration", () => {
  const fields = Object.keys(defaultConfig) as (keyof Config)[];
  const overrides = (...argv: string[]): Partial<Config> => {
    const args = parseArgs(["train", ...argv]);
    if (args.command !== "train") throw new Error("not a train command");
    return args.overrides;
  };

  it("--no-embed-norm gives embed_norm: false", () => {
    expect(overrides("--no-embed-norm")).toEqual({ embed_norm: false });
  });

  it("--no-residual --no-norm switch off both ablation switches (chapter 5b)", () => {
    expect(overrides("--no-residual", "--no-norm")).toEqual({
      residual: false,
      norm: false,
    });
  });

  for (const field of fields.filter(
    (f) => typeof defaultConfig[f] === "boolean",
  )) {
    const flag = flagFor(field);
    const no = `--no-${flag.slice(2)}`;
    it(`${flag} and ${no} set ${field} both ways`, () => {
      expect(overrides(flag)).toEqual({ [field]: true });
      expect(overrides(no)).toEqual({ [field]: false });
      expect(overrides(`${flag}=false`)).toEqual({ [field]: false });
      expect(overrides(no, flag)).toEqual({ [field]: true }); // the last wins
    });
  }

  it("every field has a flag with a help line, and the flag sets the field", () => {
    const help = helpText("train").split("\n");
    for (const field of fields) {
      const flag = flagFor(field);
      expect(
        help.some(
          (l) => l.startsWith(`  ${flag} `) || l.startsWith(`  ${flag},`),
        ),
        `help line of ${flag}`,
      ).toBe(true);
      const value = defaultConfig[field];
      const other =
        typeof value === "number"
          ? value + 1
          : typeof value === "boolean"
            ? !value
            : configChoices[field as keyof typeof configChoices].find(
                (c) => c !== value,
              );
      const argv =
        typeof other === "boolean"
          ? [other ? flag : `--no-${flag.slice(2)}`]
          : [flag, String(other)];
      expect(overrides(...argv), flag).toEqual({ [field]: other });
      // The field's own name works too (--num-steps as well as --steps).
      argv[0] = argv[0].replace(flag.slice(2), field.replace(/_/g, "-"));
      expect(overrides(...argv), argv[0]).toEqual({ [field]: other });
    }
  });
});

describe("sampling flags reach the samples", () => {
  const samples = (argv: string[]): string[] => {
    const r = cli(argv);
    expect(r.code).toBe(0);
    return r.out.split("\n").filter((l) => l.startsWith("sample"));
  };
  const train = ["train", "--steps", "20", "--samples", "8"];
  const ckpt = path.join(dir, "sampling.json");

  it("train: --temperature 0.2 and 2 give different samples", () => {
    const cold = samples([...train, "--temperature", "0.2"]);
    expect(cold).toHaveLength(8);
    expect(cold).not.toEqual(samples([...train, "--temperature", "2"]));
  });

  it("train: --seed 1 and --seed 2 give different samples", () => {
    const one = samples([...train, "--seed", "1"]);
    expect(one).toHaveLength(8);
    expect(one).not.toEqual(samples([...train, "--seed", "2"]));
  });

  it("sample: --temperature and --seed change the samples", () => {
    expect(cli([...train, "--samples", "0", "--save", ckpt]).code).toBe(0);
    const load = ["sample", "--load", ckpt, "--samples", "8"];
    const base = samples([...load, "--seed", "1", "--temperature", "0.2"]);
    expect(base).toHaveLength(8);
    expect(base).not.toEqual(
      samples([...load, "--seed", "1", "--temperature", "2"]),
    );
    expect(base).not.toEqual(
      samples([...load, "--seed", "2", "--temperature", "0.2"]),
    );
  });
});

describe("--engine", () => {
  const parse = (out: string) =>
    out
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            step?: number;
            loss?: number;
            sample?: number;
            text?: string;
            params?: number;
          },
      );

  it("fast gives the Value engine's losses (within 1e-9) and samples, in the same format", () => {
    const v = cli(["train", "--jsonl", "--steps", "40", "--samples", "5"]);
    const f = cli([
      "train",
      "--jsonl",
      "--steps",
      "40",
      "--samples",
      "5",
      "--engine",
      "fast",
    ]);
    expect([v.code, f.code]).toEqual([0, 0]);
    const [a, b] = [parse(v.out), parse(f.out)];
    expect(b.length).toBe(a.length);
    expect(b[0]).toEqual(a[0]);
    for (let i = 1; i < a.length - 1; i++) {
      if (a[i].loss !== undefined)
        expect(
          Math.abs((b[i].loss ?? NaN) - a[i].loss!) / a[i].loss!,
        ).toBeLessThan(1e-9);
      else expect(b[i]).toEqual(a[i]);
    }
  });

  it("writes checkpoints the Value engine samples from, and the other way round", () => {
    const fromFast = path.join(dir, "fast.safetensors");
    const fromValue = path.join(dir, "value.safetensors");
    expect(
      cli(["train", "--steps", "10", "--engine", "fast", "--save", fromFast])
        .code,
    ).toBe(0);
    expect(cli(["train", "--steps", "10", "--save", fromValue]).code).toBe(0);
    const a = cli(["sample", "--load", fromFast, "--seed", "1"]);
    const b = cli(["sample", "--load", fromValue, "--seed", "1"]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  });
});

describe("data files", () => {
  it("refuses a missing file and an empty one", () => {
    expectOneLine(
      cli(["train", "--data", path.join(dir, "none.txt")]),
      2,
      /data file not found/,
    );
    expectOneLine(
      cli(["train", "--data", file("empty.txt", "\n  \n")]),
      2,
      /no documents/,
    );
  });

  it("trains on multi-byte and astral characters", () => {
    const r = cli([
      "train",
      "--jsonl",
      "--data",
      file("odd.txt", "zoë\r\n😀ab\n東京\n"),
      "--steps",
      "3",
      "--samples",
      "2",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.split("\n")[0])).toEqual({
      docs: 3,
      vocab_size: 9,
      params: expect.any(Number) as number,
    });
  });
});

describe("training that diverges", () => {
  it("stops with one line and exit code 1", () => {
    const r = cli([
      "train",
      "--lr",
      "1e300",
      "--steps",
      "30",
      "--samples",
      "0",
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^microgpt: training diverged at step 1: wte\[\d+\]\[\d+\] is -?\d[^ ]*e\+\d+ after the update, too large to square: try a smaller learning_rate \(flag --lr\)\n$/,
    );
  });
});

describe("checkpoints", () => {
  const ckpt = path.join(dir, "model.safetensors");
  const trained = cli([
    "train",
    "--jsonl",
    "--steps",
    "20",
    "--samples",
    "5",
    "--save",
    ckpt,
  ]);

  it("sample --load repeats the samples printed after training", () => {
    expect(trained.code).toBe(0);
    const want = trained.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { sample?: number; text?: string })
      .filter((o) => o.sample !== undefined);
    const r = cli(["sample", "--load", ckpt, "--jsonl"]);
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(want);
  });

  it("sample takes its own seed, count and temperature", () => {
    const argv = ["sample", "--load", ckpt, "--seed", "3", "--samples", "4"];
    const a = cli([...argv, "--temperature", "0.8"]);
    const b = cli([...argv, "--temperature", "0.8"]); // the same again
    expect(a.code).toBe(0);
    expect(
      a.out.split("\n").filter((l) => l.startsWith("sample")),
    ).toHaveLength(4);
    expect(a.out).toBe(b.out);
  });

  it("keeps the original preset's vocabulary and settings", () => {
    const f = path.join(dir, "orig.safetensors");
    expect(
      cli(["train", "--preset", "original", "--steps", "3", "--save", f]).code,
    ).toBe(0);
    const r = cli(["sample", "--load", f]);
    expect(r.code).toBe(0);
    expect(
      r.out.split("\n").filter((l) => l.startsWith("sample")),
    ).toHaveLength(5);
  });

  it("refuses a missing, truncated, corrupt or foreign checkpoint with one line", () => {
    const bytes = fs.readFileSync(ckpt);
    expectOneLine(
      cli(["sample", "--load", path.join(dir, "nope.safetensors")]),
      2,
      /checkpoint not found/,
    );
    expectOneLine(cli(["sample", "--load", dir]), 2, /is a directory/);
    const cut = path.join(dir, "cut.safetensors");
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 8));
    expectOneLine(
      cli(["sample", "--load", cut]),
      2,
      /cut.safetensors is corrupt: .*truncated/,
    );
    expectOneLine(
      cli(["sample", "--load", file("foreign.json", '{"hello": 1}')]),
      2,
      /not a microgpt checkpoint/,
    );
    expectOneLine(
      cli(["sample", "--load", file("text.txt", "emma\nolivia\n")]),
      2,
      /not a microgpt checkpoint/,
    );
  });

  /** The JSON checkpoint earlier releases wrote (version 1), of a saved model. */
  function version1(from: string): Record<string, unknown> & {
    params: Record<string, number[][]>;
    config: Record<string, unknown>;
  } {
    const ck = loadCheckpoint(from);
    const { model, tok } = modelFromCheckpoint(ck);
    return {
      format: "microgpt-checkpoint",
      version: 1,
      config: { ...ck.config },
      vocab: { special_tokens: ck.config.special_tokens, chars: tok.chars },
      docs: ck.docs?.count,
      params: Object.fromEntries(
        Object.entries(model.stateDict).map(([name, m]) => [
          name,
          m.map((row) => row.map((w) => w.data)),
        ]),
      ),
    };
  }

  it("still reads the JSON checkpoints of version 1, and samples the same", () => {
    const v1 = file("v1.json", JSON.stringify(version1(ckpt)));
    const a = cli(["sample", "--load", v1]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(cli(["sample", "--load", ckpt]).out);
    expectOneLine(
      cli(["train", "--resume", v1]),
      2,
      /no optimizer state .*not resumed/,
    );
  });

  it("refuses a damaged JSON checkpoint of version 1 with one line", () => {
    const text = JSON.stringify(version1(ckpt));
    expectOneLine(
      cli([
        "sample",
        "--load",
        file("trunc.json", text.slice(0, text.length / 2)),
      ]),
      2,
      /corrupt.*truncated/,
    );
    const body = JSON.parse(text) as ReturnType<typeof version1>;
    body.params.wte[0].pop();
    expectOneLine(
      cli(["sample", "--load", file("shape.json", JSON.stringify(body))]),
      2,
      /corrupt: matrix wte should have 16 columns/,
    );
    const b2 = JSON.parse(text) as typeof body;
    b2.config.n_head = 5;
    expectOneLine(
      cli(["sample", "--load", file("cfg.json", JSON.stringify(b2))]),
      2,
      /corrupt: invalid configuration/,
    );
    const b3 = JSON.parse(text) as typeof body;
    b3.version = 99;
    expectOneLine(
      cli(["sample", "--load", file("ver.json", JSON.stringify(b3))]),
      2,
      /format version 99/,
    );
  });

  it("refuses to save where it cannot write", () => {
    const r = cli([
      "train",
      "--steps",
      "1",
      "--samples",
      "0",
      "--save",
      path.join(dir, "no", "such", "m.safetensors"),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^microgpt: cannot save to [^\n]+: the folder [^\n]+ does not exist\n$/,
    );
  });
});

describe("the installed command", () => {
  const bin = path.join(__dirname, "..", "lib", "bin", "microgpt.js");

  it("Ctrl-C during training with --save: saved, exit 130, and the run resumes", async () => {
    const f = path.join(dir, "sigint.safetensors");
    const child = spawn(process.execPath, [
      bin,
      "train",
      "--jsonl",
      "--save",
      f,
    ]);
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (!child.killed && out.includes('"step"')) child.kill("SIGINT");
      });
      child.on("close", (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(err).toMatch(
      /^microgpt: interrupted after step \d+ of 1000; saved to /,
    );
    const lines = out.trim().split("\n");
    const last = JSON.parse(lines[lines.length - 1]) as { step: number };
    expect(last.step).toBeLessThan(1000);
    expect(loadCheckpoint(f).step).toBe(last.step);
  });

  it("exits 2 with one line on stderr, no stack trace", () => {
    const r = spawnSync(process.execPath, [bin, "train", "--steps", "x"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('microgpt: --steps needs a number, got "x"\n');
  });

  it("trains and samples", () => {
    const r = spawnSync(
      process.execPath,
      [bin, "train", "--steps", "2", "--samples", "1"],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("step    2 /    2 | loss ");
  });
});

describe("stop and resume", () => {
  /** The step and sample records of --jsonl output (timings and the header left out). */
  function records(out: string): unknown[] {
    return out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((o) => "step" in o || "sample" in o);
  }
  const run40 = ["train", "--jsonl", "--steps", "40", "--samples", "4"];

  for (const engine of ["value", "fast"]) {
    const straight = cli([...run40, "--engine", engine]);
    for (const k of [1, 17, 39]) {
      it(`stopped after step ${k} of 40 and resumed: the same records, bit for bit (${engine})`, () => {
        const f = path.join(dir, `stop-${engine}-${k}.safetensors`);
        const first = cli([
          ...run40,
          "--engine",
          engine,
          "--stop-after",
          String(k),
          "--save",
          f,
        ]);
        expect(first.code).toBe(0);
        expect(first.err).toBe(
          `microgpt: stopped after step ${k} of 40; saved to ${f} (continue with: microgpt train --resume ${f})\n`,
        );
        expect(records(first.out)).toHaveLength(k);
        const second = cli([
          "train",
          "--jsonl",
          "--resume",
          f,
          "--engine",
          engine,
        ]);
        expect(second.code).toBe(0);
        expect([...records(first.out), ...records(second.out)]).toStrictEqual(
          records(straight.out),
        );
      });
    }
  }

  it("a run stopped twice, and resumed on --data given again, still matches", () => {
    const docs = file("docs.txt", "anna\nbob\ncarla\ndan\nemil\nfay\n");
    const argv = ["train", "--jsonl", "--data", docs, "--steps", "12"];
    const straight = cli(argv);
    const f = path.join(dir, "twice.safetensors");
    const a = cli([...argv, "--stop-after", "4", "--save", f]);
    const b = cli([
      "train",
      "--jsonl",
      "--resume",
      f,
      "--stop-after",
      "9",
      "--save",
      f,
    ]);
    const c = cli(["train", "--jsonl", "--resume", f, "--data", docs]);
    expect([a, b, c].map((r) => r.code)).toEqual([0, 0, 0]);
    expect([
      ...records(a.out),
      ...records(b.out),
      ...records(c.out),
    ]).toStrictEqual(records(straight.out));
  });

  it("Ctrl-C (stopRequested) saves the last completed step and exits 130", () => {
    const f = path.join(dir, "ctrl-c.safetensors");
    let out = "";
    let err = "";
    let asked = 0;
    const io: Io = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      isTTY: false,
      stopRequested: () => ++asked >= 5, // asked after every step
    };
    expect(run([...run40, "--save", f], io)).toBe(130);
    expect(err).toBe(
      `microgpt: interrupted after step 5 of 40; saved to ${f} (continue with: microgpt train --resume ${f})\n`,
    );
    expect(records(out)).toHaveLength(5);
    expect(loadCheckpoint(f).step).toBe(5);
    const rest = cli(["train", "--jsonl", "--resume", f]);
    expect([...records(out), ...records(rest.out)]).toStrictEqual(
      records(cli(run40).out),
    );
  });

  it("refuses what cannot be stopped or resumed, with one line", () => {
    const f = path.join(dir, "refuse.safetensors");
    expectOneLine(cli(["train", "--stop-after", "3"]), 2, /needs --save/);
    expectOneLine(
      cli(["train", "--steps", "5", "--stop-after", "6", "--save", f]),
      2,
      /--stop-after must be a step from 1 to 5, got 6/,
    );
    expectOneLine(
      cli(["train", "--stop-after", "0", "--save", f]),
      2,
      /--stop-after must be a step from 1 to 1000, got 0/,
    );
    expect(fs.existsSync(f)).toBe(false);
    expect(cli([...run40, "--stop-after", "10", "--save", f]).code).toBe(0);
    expectOneLine(
      cli(["train", "--resume", f, "--stop-after", "10", "--save", f]),
      2,
      /from 11 to 40, got 10/,
    );
    expectOneLine(
      cli(["train", "--resume", f, "--lr", "0.1", "--preset", "original"]),
      2,
      /own settings; --preset, --lr cannot change them/,
    );
    expectOneLine(
      cli(["train", "--resume", f, "--data", file("other.txt", "x\ny\n")]),
      2,
      /these 2 documents are not the 8403/,
    );
    expectOneLine(
      cli(["train", "--resume", path.join(dir, "none.safetensors")]),
      2,
      /checkpoint not found/,
    );
  });
});

describe("held-out loss, warm-up and weight decay", () => {
  const argv = [
    "train",
    "--steps",
    "25",
    "--samples",
    "2",
    "--val-docs",
    "100",
  ];
  const records = (out: string) =>
    out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number | string>);

  it("--eval-every reports val_loss lines every K steps and at the last step", () => {
    const r = cli([
      ...argv,
      "--eval-every",
      "10",
      "--jsonl",
      "--engine",
      "fast",
    ]);
    expect(r.code).toBe(0);
    const lines = records(r.out);
    expect(lines[0]).toMatchObject({ docs: 8303, val_docs: 100 });
    const vals = lines.filter((o) => o.val_loss !== undefined);
    expect(vals.map((o) => o.step)).toEqual([10, 20, 25]);
    expect(lines.filter((o) => o.loss !== undefined)).toHaveLength(25);
  });

  it("and a column in the text output", () => {
    const r = cli([...argv, "--eval-every", "10"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^held-out docs: 100$/m);
    const marked = r.out.split("\n").filter((l) => l.includes("| val loss"));
    expect(marked).toHaveLength(3);
    expect(marked[0]).toMatch(
      /^step   10 \/   25 \| loss \d\.\d{4} \| val loss \d\.\d{4}$/,
    );
  });

  it("the engines agree to 1e-9 with every option on", () => {
    const all = [
      ...argv,
      "--eval-every",
      "5",
      "--warmup-steps",
      "10",
      "--weight-decay",
      "0.5",
      "--jsonl",
    ];
    const v = records(cli(all).out);
    const f = records(cli([...all, "--engine", "fast"]).out);
    expect(f.length).toBe(v.length);
    for (let i = 1; i < v.length - 1; i++) {
      const key = v[i].val_loss !== undefined ? "val_loss" : "loss";
      const want = v[i][key];
      if (typeof want !== "number") {
        expect(f[i]).toEqual(v[i]);
        continue;
      }
      expect(Math.abs((f[i][key] as number) - want) / want).toBeLessThan(1e-9);
    }
  });

  it.each([
    [["--eval-every", "10"], /eval_every.*--eval-every, --val-docs/],
    [["--val-docs", "8403"], /val_docs \(8403\).*\(flag --val-docs\)/],
    [["--weight-decay", "-1"], /weight_decay must be at least 0/],
    [["--warmup-steps", "1.5"], /warmup_steps must be a whole number/],
  ])("refuses %j with one line", (flags, pattern) => {
    expectOneLine(cli(["train", ...flags]), 2, pattern);
  });

  it("--help says that steps beyond the documents wrap around", () => {
    expect(helpText("train")).toMatch(/wrap around/);
  });
});
