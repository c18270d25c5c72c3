// Nothing lost, nothing crashes: any bytes given as data end in documents or in one clear line,
// and nothing the command line prints carries a raw control character.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InputError,
  MAX_DATA_BYTES,
  loadCheckpoint,
  loadDocs,
  modelFromCheckpoint,
  saveCheckpoint,
} from "microgpt";
// The CLI is compiled with lib but not part of the package's index.
import { OutputError, run, writeAll, type Io } from "../lib/cli/main";
import { FIELD_HELP } from "../lib/cli/args";
import { formatSeconds } from "../lib/cli/progress";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-robust-"));
const bin = path.join(__dirname, "..", "lib", "bin", "microgpt.js");

function file(name: string, content: string | Uint8Array): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

/** Runs the real command, as a user would: a fresh Node process. */
function microgpt(args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
  };
  const code = run(argv, io);
  return { code, out, err };
}

/** Control characters other than the line feed that ends each printed line. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

// Python's str.isspace, spelled out (JavaScript's \s also holds U+FEFF, and lacks U+001C-U+001F
// and U+0085).
const PY_SPACE =
  "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+";
const pyStrip = (s: string): string =>
  s.replace(new RegExp(`^${PY_SPACE}|${PY_SPACE}$`, "g"), "");

// The reading a valid file must get: Python's universal newlines, then strip, split, strip, drop
// empty.
function expectedDocs(text: string): string[] {
  return pyStrip(text.replace(/\r\n?/g, "\n"))
    .split("\n")
    .map(pyStrip)
    .filter((line) => line.length > 0);
}

const REFUSED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// ignoreBOM keeps a byte order mark in the text, as loadDocs and Python do
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What loadDocs must do with these bytes: the documents, or an InputError (null). */
function oracle(bytes: Uint8Array): string[] | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  if (REFUSED.test(text)) return null;
  const docs = expectedDocs(text);
  return docs.length > 0 ? docs : null;
}

// Bytes that look like text, with the troublemakers mixed in: line ends, multi-byte characters,
// NUL, ESC, DEL, a C1 control (U+0085 as c2 85), a byte order mark, stray and cut-short bytes.
const fragment = fc.constantFrom(
  ..."emma|ava| |\t|\n|\r|\r\n|é|😀|～|\u0000|\u001b|\u007f|\u0085|\ufeff"
    .split("|")
    .map((s) => [...Buffer.from(s)]),
  [0xff],
  [0xc3],
  [0x80],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
);
const textLike = fc
  .array(fragment, { maxLength: 40 })
  .map((parts) => Uint8Array.from(parts.flat()));
const anyBytes = fc.uint8Array({ maxLength: 300 });

let cases = 0;

describe("fuzzing the data reader", () => {
  for (const [name, bytes, runs] of [
    ["random bytes", anyBytes, 1000],
    ["text-like bytes", textLike, 1000],
  ] as const) {
    it(`${name}: a document list or one InputError line, as the oracle says (property)`, () => {
      let n = 0;
      fc.assert(
        fc.property(bytes, (content) => {
          n++;
          const f = file("fuzz.txt", content);
          const want = oracle(content);
          let docs: string[] | undefined;
          try {
            docs = loadDocs(f);
          } catch (e) {
            // anything but an InputError fails the property
            if (!(e instanceof InputError)) throw e;
            expect(e.message).not.toMatch(/\n/);
            expect(want).toBeNull();
            return;
          }
          expect(docs).toEqual(want);
        }),
        { numRuns: runs },
      );
      cases += n;
      console.log(`fuzzing the data reader: ${name}, ${n} cases`);
    });
  }

  it("through the command line: exit 0 with samples, or exit 2 with one line (property)", () => {
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(textLike, anyBytes), (content) => {
        n++;
        const f = file("fuzz-cli.txt", content);
        const r = cli(["train", "--data", f, "--steps", "1", "--samples", "2"]);
        if (oracle(content) === null) {
          expect(r.code).toBe(2);
          expect(r.out).toBe("");
          expect(r.err).toMatch(/^microgpt: [^\n]+\n$/);
        } else {
          expect(r.code).toBe(0);
          expect(r.err).toBe("");
        }
        expect(r.out + r.err).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 200 },
    );
    cases += n;
    console.log(`fuzzing the command line: ${n} cases (${cases} in all)`);
  });
});

describe("--data with a file that is not text: exit 2, one line", () => {
  // Each runs the real command; the test's own time limit catches a hang or a read of gigabytes.
  const sparse = path.join(dir, "huge-sparse.txt");
  fs.writeFileSync(sparse, "");
  fs.truncateSync(sparse, 16 * MAX_DATA_BYTES); // 1 GiB of nothing, no disk used

  const cases: [string, () => string, RegExp][] = [
    [
      "a file with a NUL byte",
      () => file("nul.txt", "emma\nol\u0000ivia\n"),
      /nul\.txt: line 2 holds the control character U\+0000/,
    ],
    [
      "a file that is not UTF-8 (Latin-1)",
      () => file("latin1.txt", Buffer.from("emma\nzoë\n", "latin1")),
      /latin1\.txt: line 2 is not UTF-8 text \(byte 0xEB\)/,
    ],
    [
      "/dev/zero",
      () => "/dev/zero",
      /\/dev\/zero: line 1 holds the control character U\+0000/,
    ],
    [
      "a huge sparse file",
      () => sparse,
      /data file is larger than 64 MiB, the limit: .*huge-sparse\.txt/,
    ],
    [
      "a program (the first bytes of a Linux executable)",
      () =>
        file("program", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])),
      /program: line 1 holds the control character U\+007F/,
    ],
  ];
  for (const [name, data, message] of cases) {
    it(name, { timeout: 30_000 }, () => {
      const r = microgpt(["train", "--data", data()]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^microgpt: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe("a source of text without end is read only up to the limit", () => {
  // A pipe reports size 0 and, fed by `yes`, never ends: only the bounded read stops.
  it("a named pipe fed 20 MB of text: an InputError after limit + 1 bytes, the rest never read", async () => {
    const fifo = path.join(dir, "endless");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return; // no mkfifo: nothing to test
    // `head` ends with status 0 only if every byte was read; closed early, it dies of SIGPIPE
    const writer = spawn(
      "sh",
      ["-c", `yes emma | head -c 20000000 > '${fifo}'`],
      {
        stdio: "ignore",
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      writer.on("exit", resolve),
    );
    expect(() => loadDocs(fifo, 4096)).toThrow(
      /^data file is larger than 4096 bytes, the limit/,
    );
    expect(await exited).not.toBe(0);
  });

  it(
    "the command line with `yes |` on /dev/stdin: exit 2, one line",
    { timeout: 60_000 },
    () => {
      const r = spawnSync(
        "sh",
        [
          "-c",
          `yes emma | '${process.execPath}' '${bin}' train --data /dev/stdin`,
        ],
        {
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        "microgpt: data file is larger than 64 MiB, the limit: /dev/stdin\n",
      );
    },
  );
});

describe("nothing printed carries a raw control character", () => {
  const hostile = "\u001b]0;PWNED\u0007";

  it("a data file with ESC ] 0 ; PWNED BEL is refused with an escaped line", () => {
    const r = microgpt([
      "train",
      "--data",
      file("pwned.txt", `emma\n${hostile}\n`),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /pwned\.txt: line 2 holds the control character U\+001B/,
    );
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it("a file name with control characters is printed escaped", () => {
    const r = microgpt(["train", "--data", path.join(dir, `${hostile}.txt`)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("not found");
    expect(r.stderr).toContain("\\u001b]0;PWNED\\u0007.txt");
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it("samples of a model whose vocabulary holds ESC and BEL print escaped (text and JSON lines)", () => {
    // Train on ! and " standing in for BEL and ESC (they sort the same way), then swap them in the
    // checkpoint: a checkpoint is outside input too.
    const data = file("stand-ins.txt", '"]0;PWNED!\n'.repeat(50));
    const ckpt = path.join(dir, "pwned.safetensors");
    const t = cli([
      "train",
      "--data",
      data,
      "--steps",
      "60",
      "--samples",
      "0",
      "--save",
      ckpt,
    ]);
    expect(t.code).toBe(0);
    const ck = loadCheckpoint(ckpt);
    expect(ck.chars.slice(0, 2)).toEqual(["!", '"']);
    saveCheckpoint(ckpt, {
      ...ck,
      chars: ["\u0007", "\u001b", ...ck.chars.slice(2)],
    });

    const text = microgpt(["sample", "--load", ckpt, "--samples", "5"]);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stdout).toContain("\\u001b]0;PWNED\\u0007");

    const jsonl = microgpt([
      "sample",
      "--load",
      ckpt,
      "--samples",
      "5",
      "--jsonl",
    ]);
    expect(jsonl.stdout).not.toMatch(RAW_CONTROL);
    const texts = jsonl.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { text: string }).text);
    // the JSON lines still mean the exact text, control characters included
    expect(texts.some((s) => s.includes(hostile))).toBe(true);
  });
});

describe("a run that diverges writes nothing", () => {
  const good = path.join(dir, "good.safetensors");
  const trained = cli([
    "train",
    "--steps",
    "2",
    "--samples",
    "0",
    "--save",
    good,
  ]);

  for (const [flags, message] of [
    [
      ["--init-std", "1e300"],
      /^microgpt: training diverged at step 1: wte\[0\]\[0\] is -9\.8\d*e\+299 after the update, too large to square: try a smaller init_std \(flag --init-std\)\n$/,
    ],
    [
      ["--lr", "1e308"],
      /^microgpt: training diverged at step 1: wte\[\d+\]\[0\] is 9\.9\d*e\+307 after the update, too large to square: try a smaller learning_rate \(flag --lr\)\n$/,
    ],
    [
      ["--init-std", "1e100"],
      /^microgpt: training diverged at step 1: the loss is Infinity: try a smaller init_std \(flag --init-std\)\n$/,
    ],
  ] as const) {
    it(`${flags.join(" ")} --steps 1 --save over a good checkpoint: exit 1, one line, the file as it was`, () => {
      expect(trained.code).toBe(0);
      const before = fs.readFileSync(good);
      const mtime = fs.statSync(good).mtimeMs;
      for (const engine of ["value", "fast"]) {
        const r = cli([
          "train",
          ...flags,
          "--steps",
          "1",
          "--engine",
          engine,
          "--save",
          good,
        ]);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(message);
      }
      expect(fs.readFileSync(good).equals(before)).toBe(true);
      expect(fs.statSync(good).mtimeMs).toBe(mtime);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      expect(cli(["sample", "--load", good, "--samples", "1"]).code).toBe(0);
    });
  }
});

describe("--save is checked before training", () => {
  // --steps 1000: a check made only after training would take seconds, and
  // the test's time limit would catch it; made before, the refusal is at once.
  const refuse = (save: string, extra: string[] = []) =>
    cli(["train", "--steps", "1000", "--save", save, ...extra]);

  it("a folder that does not exist, a path through a file", () => {
    const r = refuse(path.join(dir, "missing", "m.safetensors"));
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(
      /^microgpt: cannot save to .*: the folder .*missing does not exist\n$/,
    );
    const f = file("plain.txt", "emma\n");
    const through = refuse(path.join(f, "m.safetensors"));
    expect(through.code).toBe(2);
    expect(through.err).toMatch(/plain\.txt is not a folder\n$/);
  });

  it("a directory", () => {
    const r = refuse(dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^microgpt: cannot save to .*: it is a directory\n$/);
  });

  it("a named pipe, not a regular file", () => {
    // Never a real device such as /dev/null: with the check broken, the save
    // would rename a checkpoint over it, for every program on the machine.
    const fifo = path.join(dir, "a-pipe");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return;
    const r = refuse(fifo);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `microgpt: cannot save to ${fifo}: it is not a regular file\n`,
    );
  });

  it("the --data file: same path, a symbolic link, a hard link; the data unchanged", () => {
    const data = file("names-kept.txt", "emma\nolivia\nava\n");
    const soft = path.join(dir, "soft-link.txt");
    const hard = path.join(dir, "hard-link.txt");
    fs.symlinkSync(data, soft);
    fs.linkSync(data, hard);
    for (const save of [
      data,
      soft,
      hard,
      path.join(dir, ".", "names-kept.txt"),
    ]) {
      const r = refuse(save, ["--data", data]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /: it is the data file .*names-kept\.txt, which the checkpoint would replace\n$/,
      );
    }
    expect(fs.readFileSync(data, "utf8")).toBe("emma\nolivia\nava\n");
  });

  it("a name too long for its temporary file (255 bytes at most)", () => {
    const name = "m".repeat(250);
    const r = refuse(path.join(dir, name));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/: the name is too long for its temporary file /);
    expect(fs.existsSync(path.join(dir, name))).toBe(false);
  });

  it("a folder that takes no files (/proc, /sys)", () => {
    if (!fs.existsSync("/proc/version")) return;
    for (const [save, why] of [
      ["/proc/m.safetensors", "no file can be created in /proc (ENOENT)"],
      ["/sys/m.safetensors", "the folder /sys is not writable"],
    ]) {
      const r = refuse(save);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`microgpt: cannot save to ${save}: ${why}\n`);
    }
  });
});

describe("a checkpoint is written atomically and in place", () => {
  const train = (save: string) =>
    cli(["train", "--steps", "1", "--samples", "0", "--save", save]);

  it("keeps an existing file's mode, and a symbolic link as a link", () => {
    const f = path.join(dir, "mode.safetensors");
    expect(train(f).code).toBe(0);
    fs.chmodSync(f, 0o640);
    const link = path.join(dir, "mode-link.safetensors");
    fs.symlinkSync(f, link);
    const before = fs.statSync(f).ino;
    expect(train(link).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    expect(fs.statSync(f).ino).not.toBe(before); // a new file, renamed in
    expect(loadCheckpoint(link).step).toBe(1);
  });

  it("leaves no temporary file, whether the write succeeds or fails", () => {
    const sub = fs.mkdtempSync(path.join(dir, "clean-"));
    expect(train(path.join(sub, "ok.safetensors")).code).toBe(0);
    const ck = loadCheckpoint(path.join(sub, "ok.safetensors"));
    // a write that fails after the temporary file exists: the target is a
    // non-empty folder, which rename cannot replace
    const busy = path.join(sub, "busy");
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, "x"), "");
    expect(() => saveCheckpoint(busy, ck)).toThrow(
      /^cannot write checkpoint .*busy: /,
    );
    expect(fs.readdirSync(sub).sort()).toEqual(["busy", "ok.safetensors"]);
  });
});

describe("limits known before anything is allocated: exit 2, one line, at once", () => {
  // The test's time limit stands for "at once": each took 30 to 40 s and a
  // native crash before the limits.
  for (const [flags, message] of [
    [
      ["--n-layer", "10000000"],
      /30,720,000,320 parameters, more than the limit of 10,000,000 \(flags --n-embd, --n-layer, --block-size\)/,
    ],
    [["--n-embd", "100000", "--n-head", "1"], /120,002,000,000 parameters/],
    [["--block-size", "100000000"], /1,600,003,136 parameters/],
    [
      ["--block-size", "20000"],
      /about 24 GiB of memory .*\(flags --block-size, --n-head, --n-layer\)/,
    ],
    [
      ["--temperature", "5e-324"],
      /temperature must be at least 1e-100, so that 1 \/ temperature is finite, got 5e-324 \(flag --temperature\)/,
    ],
  ] as const) {
    it(`train ${flags.join(" ")}`, { timeout: 15_000 }, () => {
      const r = microgpt(["train", ...flags]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^microgpt: invalid configuration: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
    });
  }

  it("sample --temperature 5e-324 is refused before the checkpoint is read", () => {
    const r = cli([
      "sample",
      "--load",
      "/nonexistent",
      "--temperature",
      "5e-324",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/temperature must be at least 1e-100/);
  });

  it("the vocabulary of the data counts too", () => {
    // 4.3 million parameters with one character; 16.3 million with 10,000
    const data = file(
      "wide-vocab.txt",
      Array.from({ length: 10_000 }, (_, i) =>
        String.fromCodePoint(0x4e00 + i),
      ).join("\n"),
    );
    const r = cli([
      "train",
      "--data",
      data,
      "--n-embd",
      "600",
      "--n-head",
      "1",
      "--block-size",
      "8",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^microgpt: invalid configuration: the model would have 16,326,000 parameters, .* \(flags --n-embd, --n-layer, --block-size\)\n$/,
    );
  });

  it(
    "sample --load /dev/zero, /dev/urandom, an endless pipe: exit 2, one line, no hang",
    { timeout: 30_000 },
    () => {
      for (const source of ["/dev/zero", "/dev/urandom"]) {
        const r = microgpt(["sample", "--load", source]);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^microgpt: [^\n]+\n$/);
      }
      const piped = spawnSync(
        "sh",
        ["-c", `yes | '${process.execPath}' '${bin}' sample --load /dev/stdin`],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(piped.status).toBe(2);
      expect(piped.stderr).toMatch(
        /^microgpt: \/dev\/stdin is not a microgpt checkpoint: its header length \(\d+ bytes\) is beyond any safetensors header/,
      );
    },
  );

  it(
    "out of memory all the same (a small heap): one line, exit 1, no native trace",
    { timeout: 60_000 },
    () => {
      const r = spawnSync(
        process.execPath,
        [bin, "train", "--n-embd", "128", "--n-layer", "4", "--steps", "3"],
        {
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=100" },
        },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^microgpt: out of memory \(the JavaScript heap's limit is \d+ MB\): try a smaller model \(--n-embd, --n-layer, --block-size\) or --engine fast\n$/,
      );
    },
  );
});

describe("output errors: one line, exit 1, never a stack trace", () => {
  const sh = (command: string) =>
    spawnSync("sh", ["-c", command], { encoding: "utf8", timeout: 60_000 });
  const m = `'${process.execPath}' '${bin}'`;

  it("stdout on a full disk (/dev/full): ENOSPC", () => {
    const r = sh(`${m} train --steps 5 > /dev/full`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "microgpt: cannot write to stdout: no space left on the device (ENOSPC)\n",
    );
  });

  it("stdout not open for writing: EBADF", () => {
    const r = sh(`${m} train --steps 5 1< /dev/null`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "microgpt: cannot write to stdout: it is not open for writing (EBADF)\n",
    );
  });

  it("stderr on a full disk or not open: the exit status still says it", () => {
    for (const redirect of ["2> /dev/full", "2< /dev/null"]) {
      const r = sh(`${m} train --steps x ${redirect}`);
      expect(r.status).toBe(2);
      const both = sh(`${m} train --steps 5 ${redirect} > /dev/full`);
      expect(both.status).toBe(1);
    }
  });

  it(
    "stdout closed by its reader (| head -1) with --save: EPIPE, and the run is saved",
    { timeout: 60_000 },
    () => {
      const f = path.join(dir, "epipe.safetensors");
      const r = sh(`${m} train --save '${f}' | head -1`);
      expect(r.stdout).toBe("num docs: 8403\n");
      expect(r.stderr).toMatch(
        /^microgpt: cannot write to stdout: it was closed by its reader \(EPIPE\); saved after step (\d+) to .*epipe\.safetensors \(continue with: microgpt train --resume .*\)\n$/,
      );
      const step = Number(/after step (\d+)/.exec(r.stderr)![1]);
      expect(loadCheckpoint(f).step).toBe(step);
    },
  );

  it("writeAll turns a failed write into an OutputError", () => {
    const fd = fs.openSync(path.join(dir, "ro.txt"), "w+");
    fs.closeSync(fd);
    expect(() => writeAll(fd, "x")).toThrow(OutputError);
    expect(() => writeAll(fd, "x")).toThrow(/\(EBADF\)$/);
  });
});

// Random command lines and damaged checkpoints, in-process (run() is the whole
// command but the worker thread and the process's streams).
describe("fuzzing the flag parser and the checkpoint reader", () => {
  const fz = fs.mkdtempSync(path.join(dir, "fuzz-"));
  const names = file("fuzz-names.txt", "emma\nolivia\nava\nisabella\n");
  const good = path.join(fz, "good.safetensors");
  // a 6-step run stopped after step 2: resumable, and cheap to finish
  const made = cli([
    "train",
    "--data",
    names,
    "--steps",
    "6",
    "--stop-after",
    "2",
    "--save",
    good,
  ]);
  const goodBytes = fs.readFileSync(good);
  fs.mkdirSync(path.join(fz, "sub"));

  /** Every outcome allowed: 0 (maybe a "stopped" note), or 1/2 and one line. */
  function expectClean(r: { code: number; out: string; err: string }): void {
    expect(r.err).not.toMatch(/internal error|\n.*\n|    at /);
    if (r.code === 0) {
      expect(r.err).toMatch(/^(|microgpt: stopped after step \d+ [^\n]*\n)$/);
      return;
    }
    expect([1, 2]).toContain(r.code);
    expect(r.err).toMatch(/^microgpt: [^\n]+\n$/);
    expect(r.out + r.err).not.toMatch(RAW_CONTROL);
  }

  const flagNames = [
    ...Object.keys(FIELD_HELP).map((f) => f.replace(/_/g, "-")),
    ...[
      "steps",
      "lr",
      "backward",
      "samples",
      "no-embed-norm",
      "no-tie-weights",
    ],
    ...["preset", "engine", "data", "save", "load", "stop-after", "resume"],
    ...["jsonl", "help", "h", "no-jsonl", "bogus", "", "-", "n_embd"],
  ];
  // small counts keep every valid run short; the rest is odd on purpose
  const values = fc.oneof(
    fc.constantFrom(
      ...["0", "1", "2", "3", "4", "8", "16", "-1", "0.5", "1e-3", "1e300"],
      ...["5e-324", "-0", "NaN", "Infinity", "9007199254740993", "0x10"],
      ...["1e400", "", " ", "x", "true", "no", "original", "final", "fast"],
      ...["value", "bos-eos", "relu2", "per-position", "\u001b]0;x\u0007"],
    ),
    fc.constantFrom(good, names, fz, path.join(fz, "missing", "f")),
    // only files of its own: a --save must never be able to hit /dev/null
    fc.constantFrom(path.join(fz, "out.safetensors"), path.join(fz, "sub")),
    // a relative name, as a user types it: where does it land?
    fc.constant("relative.safetensors"),
    fc.string({ maxLength: 6 }),
  );
  /** A random --save name is relative: it goes in the fuzz's folder, never the repository. */
  function insideFuzzFolder(args: string[]): string[] {
    return args.map((a, i) => {
      if (a.startsWith("--save=")) {
        const v = a.slice("--save=".length);
        return path.isAbsolute(v) ? a : `--save=${path.join(fz, v)}`;
      }
      return args[i - 1] === "--save" && !path.isAbsolute(a)
        ? path.join(fz, a)
        : a;
    });
  }
  const token = fc.oneof(
    fc
      .tuple(fc.constantFrom(...flagNames), values)
      .map(([n, v]) => [`--${n}`, v]),
    fc
      .tuple(fc.constantFrom(...flagNames), values)
      .map(([n, v]) => [`--${n}=${v}`]),
    fc.constantFrom(...flagNames).map((n) => [`--${n}`]),
    values.map((v) => [v]),
  );
  const argv = fc
    .tuple(
      fc.constantFrom("train", "sample", "help", "--help", "-h", "fly", ""),
      fc.array(token, { maxLength: 6 }),
    )
    // train's 1000 default steps would take seconds; a later --steps wins
    .map(([command, tokens]) => [
      command,
      ...(command === "train" ? ["--steps", "3", "--samples", "2"] : []),
      ...tokens.flat(),
    ]);

  it(
    "random flag lists: exit 0, or one line with exit 2 (1 if training diverges), quickly (property)",
    { timeout: 120_000 },
    () => {
      expect(made.code).toBe(0);
      const here = fs.readdirSync(process.cwd()).sort();
      let n = 0;
      let slowest = 0;
      const codes = new Map<number, number>();
      fc.assert(
        fc.property(argv, (args) => {
          n++;
          const started = performance.now();
          const r = cli(insideFuzzFolder(args));
          slowest = Math.max(slowest, performance.now() - started);
          codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
          expectClean(r);
          expect(slowest).toBeLessThan(10_000); // a hang, not a speed test
        }),
        {
          numRuns: 1000,
          // always tried: a relative name, which must land in the fuzz's folder
          examples: [
            [["train", "--steps", "1", "--save", "relative.safetensors"]],
          ],
        },
      );
      // nothing written where the tests run (the repository)
      expect(fs.readdirSync(process.cwd()).sort()).toEqual(here);
      console.log(
        `fuzzing the flag parser: ${n} cases, exit codes ${JSON.stringify(
          Object.fromEntries(codes),
        )}, slowest ${slowest.toFixed(0)} ms`,
      );
    },
  );

  /** The header of the good file as JSON, and where its data starts. */
  const headerLength = Number(goodBytes.readBigUInt64LE(0));
  const headerJson = JSON.parse(
    goodBytes.subarray(8, 8 + headerLength).toString("utf8"),
  ) as Record<string, Record<string, unknown>>;
  function withHeader(json: unknown): Buffer {
    const text = Buffer.from(JSON.stringify(json));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    return Buffer.concat([length, text, goodBytes.subarray(8 + headerLength)]);
  }
  const odd = fc.constantFrom<unknown>(
    ...[1e8, 2 ** 40, -1, 0, 0.5, 1e308, 2 ** 53 + 2, "1e8", "x", "", null],
    ...[true, {}, "\u001b", "9".repeat(400), { count: 1 }],
    ...[[], [1], [null], ["ab"], ["b", "a"], ["a", "a"], ["\u0000"]],
    ...[[1e15, 1e15], [0, -8], [16, 16, 16], ["F64"]],
  );
  const sampleOf = (bytes: Uint8Array) => {
    const f = path.join(fz, "mutant.safetensors");
    fs.writeFileSync(f, bytes);
    return cli(["sample", "--load", f, "--samples", "2"]);
  };

  it("checkpoints with bytes flipped: samples, or exit 2 with one line (property)", () => {
    let n = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat({ max: goodBytes.length - 1 }),
            fc.integer({ min: 1, max: 255 }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.boolean(),
        (flips, inHeader) => {
          n++;
          const bytes = Uint8Array.from(goodBytes);
          // half the cases flip bytes of the 8-byte length and the header
          for (const [at, x] of flips)
            bytes[inHeader ? at % (8 + headerLength) : at] ^= x;
          const r = sampleOf(bytes);
          if (r.code !== 0) {
            refused++;
            expect(r.code).toBe(2);
          }
          expectClean(r);
        },
      ),
      { numRuns: 400 },
    );
    console.log(
      `fuzzing checkpoints, bytes flipped: ${n} cases, ${refused} refused`,
    );
  });

  it("checkpoints with header fields set to huge or odd values: exit 2 with one line, or samples (property)", () => {
    const meta = headerJson.__metadata__ as Record<string, string>;
    const config = JSON.parse(meta.config) as Record<string, unknown>;
    const docs = JSON.parse(meta.docs) as Record<string, unknown>;
    const field = fc.oneof(
      fc.tuple(fc.constant("config"), fc.constantFrom(...Object.keys(config))),
      fc.tuple(fc.constant("docs"), fc.constantFrom(...Object.keys(docs))),
      fc.tuple(fc.constant("meta"), fc.constantFrom(...Object.keys(meta))),
      fc.tuple(
        fc.constant("tensor"),
        fc.constantFrom("wte", "wpe", "adam.m.wte"),
      ),
    );
    let n = 0;
    let refused = 0;
    fc.assert(
      fc.property(field, odd, ([where, key], value) => {
        n++;
        const json = structuredClone(headerJson);
        const m = json.__metadata__ as Record<string, string>;
        if (where === "config")
          m.config = JSON.stringify({ ...config, [key]: value });
        else if (where === "docs")
          m.docs = JSON.stringify({ ...docs, [key]: value });
        else if (where === "meta")
          m[key] = typeof value === "string" ? value : JSON.stringify(value);
        else
          json[key] = {
            ...json[key],
            [["shape", "data_offsets", "dtype"][n % 3]]: value,
          };
        const r = sampleOf(withHeader(json));
        if (r.code !== 0) refused++;
        else expect(r.out).toMatch(/^sample  1: /);
        expectClean(r);
        if (r.code !== 0) expect(r.code).toBe(2);
      }),
      { numRuns: 600 },
    );
    console.log(
      `fuzzing checkpoints, header fields: ${n} cases, ${refused} refused`,
    );
  });
});

describe("the progress line's time left", () => {
  it("never reads 1m60s: seconds are rounded before minutes are taken", () => {
    expect(formatSeconds(119.5)).toBe("2m00s");
    expect(formatSeconds(59.2)).toBe("1m00s");
    expect(formatSeconds(61)).toBe("1m01s");
    expect(formatSeconds(3.2)).toBe("4s");
    expect(formatSeconds(Infinity)).toBe("?");
  });
});

describe("a checkpoint's configuration and counters are held to the limits", () => {
  const f = path.join(dir, "limits.safetensors");
  const trained = cli(["train", "--steps", "2", "--samples", "0", "--save", f]);
  const bytes = fs.readFileSync(f);
  const length = Number(bytes.readBigUInt64LE(0));
  const json = JSON.parse(bytes.subarray(8, 8 + length).toString()) as {
    __metadata__: Record<string, string>;
  };
  function withMeta(
    key: string,
    change: (v: Record<string, unknown>) => void,
  ): string {
    const copy = structuredClone(json);
    const value = JSON.parse(copy.__metadata__[key]) as Record<string, unknown>;
    change(value);
    copy.__metadata__[key] = JSON.stringify(value);
    const text = Buffer.from(JSON.stringify(copy));
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(text.length));
    const out = path.join(dir, `limits-${key}.safetensors`);
    fs.writeFileSync(
      out,
      Buffer.concat([head, text, bytes.subarray(8 + length)]),
    );
    return out;
  }

  it("n_layer 1e8 in the header: sample exits 2 with one line, at once", () => {
    expect(trained.code).toBe(0);
    const r = cli([
      "sample",
      "--load",
      withMeta("config", (c) => (c.n_layer = 1e8)),
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(
      /^microgpt: checkpoint .* is corrupt: invalid configuration: the model would have 307,200,000,320 parameters, more than the limit of 10,000,000\n$/,
    );
  });

  it("a count of 1e8 documents: version 2 and version 1 files, exit 2 at once", () => {
    const r = cli([
      "sample",
      "--load",
      withMeta("docs", (d) => (d.count = 1e8)),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /it counts 100000000 documents, more than the 33554432 a run can have\n$/,
    );
    // version 1: the generator was rebuilt by shuffling that many documents
    const ck = loadCheckpoint(f);
    const model = modelFromCheckpoint(ck).model;
    const v1 = file(
      "limits-v1.json",
      JSON.stringify({
        format: "microgpt-checkpoint",
        version: 1,
        config: ck.config,
        vocab: { special_tokens: ck.config.special_tokens, chars: ck.chars },
        docs: 1e8,
        params: Object.fromEntries(
          Object.entries(model.stateDict).map(([name, m]) => [
            name,
            m.map((row) => row.map((w) => w.data)),
          ]),
        ),
      }),
    );
    const old = cli(["sample", "--load", v1]);
    expect(old.code).toBe(2);
    expect(old.err).toMatch(
      /^microgpt: checkpoint .* is corrupt: bad document count\n$/,
    );
  });
});
