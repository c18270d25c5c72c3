// The `fs` a cell gets in the browser: files in memory, in a folder tree rooted at "/"; the
// working folder is /chapters, as for the kernel. A file not written yet is fetched once from
// the book (the fixtures the chapters read are published with it), synchronously.
import { Buffer } from "buffer";
import path from "path-browserify";

const files = new Map<string, Uint8Array>();
const dirs = new Set<string>(["/", "/tmp", "/chapters"]);
const fds = new Map<number, { file: string; pos: number }>();
let nextFd = 3;
let tmpCount = 0;
let fetchFile: (absolute: string) => Uint8Array | null = () => null;

export const CWD = "/chapters";

/** How a missing file is read from the book (a synchronous request in a worker). */
export function setFileSource(
  source: (absolute: string) => Uint8Array | null,
): void {
  fetchFile = source;
}

function abs(p: string | URL): string {
  return path.resolve(CWD, String(p));
}

function fail(code: string, syscall: string, p: string): never {
  const messages: Record<string, string> = {
    ENOENT: "no such file or directory",
    EISDIR: "illegal operation on a directory",
    ENOTDIR: "not a directory",
  };
  const e = new Error(`${code}: ${messages[code] ?? code}, ${syscall} '${p}'`);
  Object.assign(e, { code, syscall, path: p });
  throw e;
}

function lookup(p: string): Uint8Array | undefined {
  if (!files.has(p) && !dirs.has(p)) {
    const fetched = fetchFile(p);
    if (fetched) files.set(p, fetched);
  }
  return files.get(p);
}

type Encoding =
  BufferEncoding | { encoding?: BufferEncoding | null } | null | undefined;

function encodingOf(options: Encoding): BufferEncoding | null {
  if (typeof options === "string") return options;
  return options?.encoding ?? null;
}

export function existsSync(p: string): boolean {
  const a = abs(p);
  return dirs.has(a) || lookup(a) !== undefined;
}

export function readFileSync(p: string, options?: Encoding): string | Buffer {
  const a = abs(p);
  if (dirs.has(a)) fail("EISDIR", "read", String(p));
  const bytes = lookup(a);
  if (!bytes) fail("ENOENT", "open", String(p));
  const buf = Buffer.from(bytes);
  const enc = encodingOf(options);
  return enc ? buf.toString(enc) : buf;
}

function parentMustExist(a: string, syscall: string, p: string): void {
  if (!dirs.has(path.dirname(a))) fail("ENOENT", syscall, p);
}

export function writeFileSync(
  file: string | number,
  data: string | Uint8Array,
): void {
  const bytes =
    typeof data === "string" ? Buffer.from(data) : Uint8Array.from(data);
  if (typeof file === "number") {
    files.set(opened(file, "write").file, bytes);
    return;
  }
  const a = abs(file);
  if (dirs.has(a)) fail("EISDIR", "open", file);
  parentMustExist(a, "open", file);
  files.set(a, bytes);
}

export function mkdirSync(p: string, options?: { recursive?: boolean }): void {
  const a = abs(p);
  if (options?.recursive) {
    for (let d = a; !dirs.has(d); d = path.dirname(d)) dirs.add(d);
    return;
  }
  parentMustExist(a, "mkdir", p);
  dirs.add(a);
}

export function mkdtempSync(prefix: string): string {
  let made: string;
  do made = `${prefix}${(++tmpCount).toString(36).padStart(6, "0")}`;
  while (dirs.has(abs(made)));
  mkdirSync(made);
  return made;
}

function under(dir: string, p: string): boolean {
  return p.startsWith(dir === "/" ? "/" : dir + "/");
}

export function readdirSync(p: string): string[] {
  const a = abs(p);
  if (!dirs.has(a)) fail(files.has(a) ? "ENOTDIR" : "ENOENT", "scandir", p);
  const names = [...files.keys(), ...dirs]
    .filter((f) => f !== a && path.dirname(f) === a)
    .map((f) => path.basename(f));
  return [...new Set(names)].sort();
}

export function rmSync(
  p: string,
  options?: { recursive?: boolean; force?: boolean },
): void {
  const a = abs(p);
  if (files.delete(a)) return;
  if (!dirs.has(a)) {
    if (options?.force) return;
    fail("ENOENT", "rm", p);
  }
  if (!options?.recursive) fail("EISDIR", "rm", p);
  for (const f of [...files.keys()]) if (under(a, f)) files.delete(f);
  for (const d of [...dirs]) if (d === a || under(a, d)) dirs.delete(d);
}

export function unlinkSync(p: string): void {
  if (!files.delete(abs(p))) fail("ENOENT", "unlink", p);
}

export function renameSync(from: string, to: string): void {
  const bytes = lookup(abs(from));
  if (!bytes) fail("ENOENT", "rename", from);
  parentMustExist(abs(to), "rename", to);
  files.delete(abs(from));
  files.set(abs(to), bytes);
}

const inodes = new Map<string, number>();

function statOf(a: string, p: string, syscall: string) {
  const isDir = dirs.has(a);
  const bytes = isDir ? undefined : lookup(a);
  if (!isDir && !bytes) fail("ENOENT", syscall, p);
  if (!inodes.has(a)) inodes.set(a, inodes.size + 1);
  return {
    size: bytes ? bytes.length : 4096,
    mode: isDir ? 0o40755 : 0o100644,
    dev: 1,
    ino: inodes.get(a) ?? 0,
    isDirectory: () => isDir,
    isFile: () => !isDir,
    isSymbolicLink: () => false,
  };
}

export function statSync(p: string) {
  return statOf(abs(p), p, "stat");
}

export const lstatSync = statSync;

/** No links in memory: a path that exists is its own real path. */
export function realpathSync(p: string): string {
  const a = abs(p);
  statOf(a, p, "realpath");
  return a;
}

function opened(fd: number, syscall: string): { file: string; pos: number } {
  const open = fds.get(fd);
  if (!open) throw new Error(`EBADF: bad file descriptor, ${syscall}`);
  return open;
}

export function fstatSync(fd: number) {
  const { file } = opened(fd, "fstat");
  return statOf(file, file, "fstat");
}

// Nothing to flush or to chmod in memory.
export function fsyncSync(fd: number): void {
  opened(fd, "fsync");
}

export function fchmodSync(fd: number, _mode: number): void {
  opened(fd, "fchmod");
}

export function openSync(p: string, flags = "r"): number {
  const a = abs(p);
  if (dirs.has(a)) fail("EISDIR", "open", p);
  if (flags === "w") {
    parentMustExist(a, "open", p);
    files.set(a, new Uint8Array());
  } else if (flags !== "r") {
    throw new Error(`fs.openSync: only "r" and "w" in the browser`);
  } else if (!lookup(a)) fail("ENOENT", "open", p);
  fds.set(nextFd, { file: a, pos: 0 });
  return nextFd++;
}

export function readSync(
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number | null,
): number {
  const open = opened(fd, "read");
  const bytes = files.get(open.file) ?? new Uint8Array();
  const from = position ?? open.pos;
  const chunk = bytes.subarray(from, from + length);
  buffer.set(chunk, offset);
  if (position === null) open.pos += chunk.length;
  return chunk.length;
}

export function closeSync(fd: number): void {
  fds.delete(fd);
}
