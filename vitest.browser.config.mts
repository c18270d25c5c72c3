// The browser tests (tests/browser/*.browser.ts): `make test-book` runs them after `make book`.
// Kept apart from the unit tests (vitest.config.mts), which must not need a browser.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/browser/**/*.browser.ts"],
    // One Chromium (or JupyterLab) at a time: CI has two cores.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
