// Shared by the browser tests: Debian's Chromium driven by playwright-core, and a tiny static server.
import {
  mkdtempSync,
  rmSync,
  createReadStream,
  statSync,
  existsSync,
  readFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const ROOT = resolve(__dirname, "..", "..");
export const HTML =
  process.env.BOOK_HTML ?? join(ROOT, "book", "_build", "html");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Chromium with a fresh profile directory, removed by close(). Never downloads a browser. */
export async function launchChromium(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`,
    );
  const profile = mkdtempSync(join(tmpdir(), "microgpt-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".json": "application/json",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".ico": "image/x-icon",
  ".ipynb": "application/json",
};

/** Serves a folder on 127.0.0.1 at a free port, as a reader's local web server would. */
export async function serveDir(
  root: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(
      new URL(req.url ?? "/", "http://x").pathname,
    );
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory())
      file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new Error("the static server has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** The book's pages in reading order, from _toc.yml (root first). */
export function tocPages(): string[] {
  const toc = readFileSync(
    process.env.BOOK_TOC ?? join(ROOT, "_toc.yml"),
    "utf8",
  );
  const root = /^root:\s*(\S+)/m.exec(toc);
  if (!root) throw new Error("_toc.yml has no root");
  const files = [...toc.matchAll(/^\s*-\s*file:\s*(\S+)/gm)].map((m) => m[1]);
  return [root[1], ...files].map((f) => f.replace(/\.(md|ipynb)$/, ""));
}

/** Collects a page's console errors and uncaught exceptions. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error")
      errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`exception: ${err.message}`));
  return errors;
}

/**
 * Answers every request that leaves 127.0.0.1 with an empty response (tests run offline) and
 * records it, so a test can check that the book asks the network only for what it expects.
 */
export async function stubExternal(context: BrowserContext): Promise<string[]> {
  const external: string[] = [];
  await context.route(
    /^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/,
    async (route) => {
      external.push(route.request().url());
      await route.fulfill({
        status: 200,
        contentType: "text/javascript",
        body: "",
      });
    },
  );
  return external;
}
