import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InputError,
  MAX_DATA_BYTES,
  MAX_VOCAB_CHARS,
  buildTokenizer,
  defaultCorpus,
  docsFromBytes,
  encodeDoc,
  firstInvalidUtf8,
  loadDocs,
  parseDocs,
  printable,
} from "microgpt";

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("the default corpus", () => {
  const docs = defaultCorpus();

  it("has 8,403 lower-case a-z names without duplicates", () => {
    expect(docs.length).toBe(8403);
    expect(new Set(docs).size).toBe(docs.length);
    expect(docs.every((d) => /^[a-z]+$/.test(d))).toBe(true);
  });

  it("is, name for name, the reference's default-corpus.txt (its SHA-256)", () => {
    const digest = createHash("sha256").update(docs.join("\n")).digest("hex");
    expect(digest).toBe(
      "374f2959a412126733d52f2f15132d13ec485ea5fc517e8ed062b75c5ac7293b",
    );
  });

  it("starts with the female list and ends with the male list", () => {
    expect(docs.slice(0, 3)).toEqual(["aaren", "aarika", "abagael"]);
    expect(docs.slice(-3)).toEqual(["zerk", "zollie", "zolly"]);
  });

  it("has a vocabulary of 26 letters plus BOS", () => {
    const tok = buildTokenizer(docs);
    expect(tok.chars.join("")).toBe("abcdefghijklmnopqrstuvwxyz");
    expect(tok.bos).toBe(26);
    expect(tok.vocabSize).toBe(27);
  });
});

describe("parseDocs and loadDocs", () => {
  it("trims, splits on \\n and \\r\\n, drops empty lines", () => {
    expect(parseDocs("\n  emma \r\nolivia\n\n\n ava\n  ")).toEqual([
      "emma",
      "olivia",
      "ava",
    ]);
  });

  it("trims as Python's strip does: a byte-order mark stays, U+00A0 and U+3000 go", () => {
    // Python: [l.strip() for l in s.strip().split("\n") if l.strip()]
    expect(parseDocs("\ufeffemma\n \u00a0ann\u3000 \n")).toEqual([
      "\ufeffemma",
      "ann",
    ]);
  });

  it("docsFromBytes keeps a byte-order mark and says what loadDocs says", () => {
    const text = "\ufeffemma\nzo\u00eb\n";
    const file = tempFile("bom.txt", text);
    const bytes = new TextEncoder().encode(text);
    expect(docsFromBytes(bytes, file)).toEqual(["\ufeffemma", "zo\u00eb"]);
    expect(loadDocs(file)).toEqual(docsFromBytes(bytes, file));
    const latin1 = Uint8Array.from(Buffer.from("emma\nzo\u00eb\n", "latin1"));
    const bad = tempFile("latin1.txt", "");
    fs.writeFileSync(bad, latin1);
    expect(() => loadDocs(bad)).toThrow(
      /^data file .*latin1\.txt: line 2 is not UTF-8 text \(byte 0xEB\)/,
    );
    expect(() => docsFromBytes(latin1, bad)).toThrow(
      /^data file .*latin1\.txt: line 2 is not UTF-8 text \(byte 0xEB\)/,
    );
    expect(() => docsFromBytes(new Uint8Array(11), "x", 10)).toThrow(
      "data file is larger than 10 bytes, the limit: x",
    );
  });

  it("reads a names.txt-like file with vocab 27", () => {
    const file = tempFile(
      "names.txt",
      "emma\r\nolivia\nava\n\nisabella\nsophia\nzoe\nquinn\njax\nkylie\nbrandy\nwilliam\nxavier\nhugh\nfrederick\ngideon\npatty\ndmitri\nvance\n",
    );
    const docs = loadDocs(file);
    expect(docs.length).toBe(18);
    expect(buildTokenizer(docs).vocabSize).toBe(27);
  });

  it("refuses a missing file, naming it", () => {
    expect(() => loadDocs("/no/such/names.txt")).toThrow(InputError);
    expect(() => loadDocs("/no/such/names.txt")).toThrow(
      /not found: \/no\/such\/names.txt/,
    );
  });

  it("refuses an empty or blank file", () => {
    expect(() => loadDocs(tempFile("empty.txt", ""))).toThrow(/no documents/);
    expect(() => loadDocs(tempFile("blank.txt", " \n\r\n  \n"))).toThrow(
      /no documents/,
    );
  });

  it("refuses a directory", () => {
    expect(() => loadDocs(os.tmpdir())).toThrow(/directory/);
  });
});

describe("the tokenizer", () => {
  it("round-trips every default name", () => {
    const docs = defaultCorpus();
    const tok = buildTokenizer(docs);
    for (const doc of docs) {
      const ids = encodeDoc(tok, doc);
      expect(ids[0]).toBe(tok.bos);
      expect(ids[ids.length - 1]).toBe(tok.bos);
      expect(tok.decode(ids)).toBe(doc);
    }
  });

  it("counts code points and sorts them by code point, astral characters included", () => {
    // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 units.
    const docs = ["a😀", "～b", "é"];
    const tok = buildTokenizer(docs);
    expect(tok.chars).toEqual(["a", "b", "é", "～", "😀"]);
    expect(tok.vocabSize).toBe(6);
    for (const doc of docs) expect(tok.decode(tok.encode(doc))).toBe(doc);
    expect(tok.encode("😀")).toEqual([4]);
  });

  it("refuses a character outside the vocabulary with a clear message", () => {
    const tok = buildTokenizer(["abc"]);
    expect(() => tok.encode("abz")).toThrow(InputError);
    expect(() => tok.encode("abz")).toThrow(
      /unknown character "z" \(U\+007A\)/,
    );
  });

  it("with BOS and EOS, puts them at 0 and 1 and the characters after", () => {
    const tok = buildTokenizer(["ba"], "bos-eos");
    expect([tok.bos, tok.eos, tok.vocabSize]).toEqual([0, 1, 4]);
    expect(encodeDoc(tok, "ab")).toEqual([0, 2, 3, 1]);
    expect(tok.decode([0, 2, 3, 1])).toBe("ab");
  });
});

/** The reference's reading as the book had it before lone "\r" counted: trim, split, trim, drop empty. */
function parseBefore(text: string): string[] {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Python's text files: universal newlines turn "\r\n" and "\r" into "\n" before anything else. */
function parsePython(text: string): string[] {
  return parseBefore(text.replace(/\r\n?/g, "\n"));
}

describe("line ends", () => {
  it("counts a lone \\r as a line end, like \\n and \\r\\n", () => {
    expect(parseDocs("emma\rolivia\r\nava\n\rmia\r")).toEqual([
      "emma",
      "olivia",
      "ava",
      "mia",
    ]);
  });

  it("reads names.txt and the default corpus exactly as before", () => {
    for (const name of ["names.txt", "default-corpus.txt"]) {
      const file = path.join(__dirname, "../../shared/reference", name);
      if (!fs.existsSync(file)) continue; // the reference folder is beside the repository
      const text = fs.readFileSync(file, "utf8");
      const docs = parseDocs(text);
      expect(docs).toEqual(parseBefore(text));
      expect(loadDocs(file)).toEqual(docs);
    }
  });

  it("splits like Python's universal newlines on any text without control characters (property)", () => {
    const piece = fc.constantFrom(
      "ab",
      " ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "é",
      "😀",
      "\u00a0",
      "\u2028",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join("");
        expect(parseDocs(text)).toEqual(parsePython(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("control characters", () => {
  it("refuses NUL, ESC, DEL and C1 controls, naming the line", () => {
    const cases: [string, number, string][] = [
      ["\u0000", 1, "U+0000"],
      ["emma\nolivia\r\nav\u001ba", 3, "U+001B"],
      ["emma\rolivia\rava\u007f", 3, "U+007F"],
      ["emma\r\n\r\n\u0085", 3, "U+0085"],
      ["a\nb\nc\nd\u009b", 4, "U+009B"],
      ["\n\n\u000b", 3, "U+000B"],
    ];
    for (const [text, line, code] of cases) {
      expect(() => parseDocs(text)).toThrow(InputError);
      expect(() => parseDocs(text)).toThrow(
        new RegExp(
          `^line ${line} holds the control character \\${code.replace("+", "\\+")}`,
        ),
      );
    }
  });

  it("accepts tabs inside a document", () => {
    expect(parseDocs("a\tb\n\tc\t")).toEqual(["a\tb", "c"]);
  });

  it("refuses a binary file and /dev/zero at once, from the first chunk", () => {
    const bin = tempFile("program.bin", "\u007fELF\u0002\u0001");
    expect(() => loadDocs(bin)).toThrow(
      /program\.bin: line 1 holds the control character U\+007F/,
    );
    if (fs.existsSync("/dev/zero")) {
      expect(() => loadDocs("/dev/zero")).toThrow(
        /^data file \/dev\/zero: line 1 holds the control character U\+0000/,
      );
    }
  });
});

describe("UTF-8", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  const valid = (bytes: Uint8Array): boolean => {
    try {
      fatal.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it("finds the first bad character in the classic cases", () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0xc3, 0xab)).toBe(-1); // aë
    expect(at(0xf0, 0x9f, 0x98, 0x80)).toBe(-1); // 😀
    expect(at(0x61, 0xeb, 0x0a)).toBe(1); // Latin-1 ë, then a line end
    expect(at(0x80)).toBe(0); // a continuation byte first
    expect(at(0xc0, 0xaf)).toBe(0); // overlong "/"
    expect(at(0xe0, 0x80, 0xaf)).toBe(0); // overlong, 3 bytes
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // surrogate U+D800
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // U+110000
    expect(at(0x61, 0x62, 0xe2, 0x82)).toBe(2); // cut short at the end
    expect(at(0xff)).toBe(0);
  });

  it("agrees with the standard decoder, and points at the first bad character (property)", () => {
    // bytes near the boundaries of the UTF-8 table, and any byte at all
    const byte = fc.oneof(
      fc.constantFrom(0x0a, 0x61, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf),
      fc.constantFrom(
        0xc0,
        0xc1,
        0xc2,
        0xdf,
        0xe0,
        0xed,
        0xef,
        0xf0,
        0xf4,
        0xf5,
        0xff,
      ),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (list) => {
        const bytes = Uint8Array.from(list);
        const bad = firstInvalidUtf8(bytes);
        expect(bad === -1).toBe(valid(bytes));
        if (bad >= 0) {
          expect(valid(bytes.subarray(0, bad))).toBe(true);
          // no character of any length starts at `bad`
          for (let k = 1; k <= 4 && bad + k <= bytes.length; k++)
            expect(valid(bytes.subarray(bad, bad + k))).toBe(false);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses a file that is not UTF-8, naming the line and the byte", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-"));
    const file = path.join(dir, "latin1.txt");
    fs.writeFileSync(file, Buffer.from("emma\r\nolivia\rzoë\n", "latin1"));
    expect(() => loadDocs(file)).toThrow(InputError);
    expect(() => loadDocs(file)).toThrow(
      /latin1\.txt: line 3 is not UTF-8 text \(byte 0xEB\)/,
    );
  });
});

describe("limits", () => {
  it("refuses a file larger than the limit before reading it (a sparse file of zero bytes)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-"));
    const file = path.join(dir, "huge.txt");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, MAX_DATA_BYTES + 1);
    // read, its first byte would be reported as a control character instead
    expect(() => loadDocs(file)).toThrow(
      /^data file is larger than 64 MiB, the limit: .*huge\.txt$/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("takes a file of exactly the limit", () => {
    const file = tempFile("ten.txt", "emma\nava\n"); // 9 bytes
    expect(loadDocs(file, 9)).toEqual(["emma", "ava"]);
    expect(() => loadDocs(file, 8)).toThrow(/larger than 8 bytes/);
  });

  it("bounds the read itself, for files whose size is not known in advance", () => {
    // /proc files report size 0, like devices and pipes, and hold text
    if (!fs.existsSync("/proc/self/maps")) return;
    expect(fs.statSync("/proc/self/maps").size).toBe(0);
    expect(() => loadDocs("/proc/self/maps", 100)).toThrow(
      /larger than 100 bytes/,
    );
  });

  it("limits the vocabulary to MAX_VOCAB_CHARS distinct characters", () => {
    const chars = (n: number) =>
      Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + i));
    expect(buildTokenizer(chars(MAX_VOCAB_CHARS)).chars.length).toBe(
      MAX_VOCAB_CHARS,
    );
    expect(() => buildTokenizer(chars(MAX_VOCAB_CHARS + 1))).toThrow(
      InputError,
    );
    expect(() => buildTokenizer([chars(MAX_VOCAB_CHARS + 1).join("")])).toThrow(
      /10001 distinct characters, more than the 10000 a vocabulary may hold/,
    );
  });
});

describe("printable", () => {
  it("escapes ESC, BEL, DEL and C1 controls, and nothing else", () => {
    expect(printable("ava\u001b]0;PWNED\u0007")).toBe(
      "ava\\u001b]0;PWNED\\u0007",
    );
    expect(printable("a\u007fb\u009bc\td\n")).toBe(
      "a\\u007fb\\u009bc\\u0009d\\u000a",
    );
    expect(printable("zoë 😀 ～ \\u")).toBe("zoë 😀 ～ \\u");
  });

  it("leaves no control character, and keeps JSON meaning the same text (property)", () => {
    // U+0000 to U+03FF holds every control character; add an astral one and a lone surrogate
    const char = fc.oneof(
      fc.integer({ min: 0, max: 0x3ff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("😀", "\ud800"),
    );
    fc.assert(
      fc.property(fc.string({ unit: char, maxLength: 40 }), (s) => {
        expect(printable(s)).not.toMatch(/\p{Cc}/u);
        expect(JSON.parse(printable(JSON.stringify(s)))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
