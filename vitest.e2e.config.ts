import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests: each file starts the built app (`next build` must have run) and drives Chromium.
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
