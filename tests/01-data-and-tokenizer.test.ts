import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  InputError,
  buildTokenizer,
  defaultCorpus,
  encodeDoc,
  loadDocs,
  parseDocs,
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
