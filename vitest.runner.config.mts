// The in-page runner against the executed notebooks (tests/runner/*.runner.ts): `make test`
// runs it after the notebooks, which it reads from .make/executed.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/runner/**/*.runner.ts"],
    testTimeout: 600_000,
  },
});
