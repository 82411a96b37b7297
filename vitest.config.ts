import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.{ts,tsx}", "apps/*/test/**/*.test.ts", "apps/*/bench/**/*.test.ts", "lab/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**", "lab/vm/**"],
    globalSetup: ["./vitest.globalSetup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests start real processes on real ports; two cores do not like many at once.
    maxWorkers: 2,
  },
});
