// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "test-results/**", "playwright-report/**", "lab/vm/cache/**", "data/**", "build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "Use `as const` objects and unions, not enum." }],
    },
  },
  {
    // The hub's record is asynchronous (SQLite or PostgreSQL behind one interface): a promise tested for
    // truth, or dropped unawaited, is a check that always passes or a failure nobody hears.
    files: ["apps/hub/src/**/*.ts"],
    ignores: ["apps/hub/src/**/*.test.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
    },
  },
  {
    // Pure packages: no I/O, no apps.
    files: ["packages/**/*.ts"],
    // Tests, benchmarks and build scripts are harnesses around the package: they may read files and run tools.
    ignores: ["packages/**/*.test.ts", "packages/**/bench/**", "packages/**/wasm/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@lvsdeck/agent", "@lvsdeck/hub", "@lvsdeck/web", "**/apps/**"], message: "packages must not import apps" },
        { group: ["node:fs", "node:child_process", "node:net", "fs", "child_process", "ws", "express"], message: "packages are pure: the apps do the I/O" },
      ] }],
    },
  },
  {
    // The one home of cluster health: pure rules over protocol types, shown by the hub and the web app alike.
    files: ["packages/cluster/src/**/*.ts"],
    ignores: ["packages/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@lvsdeck/agent", "@lvsdeck/hub", "@lvsdeck/web", "**/apps/**"], message: "packages must not import apps" },
        { group: ["node:*", "fs", "child_process", "ws", "express"], message: "packages are pure: the apps do the I/O" },
        { group: ["react", "react-dom", "@tanstack/*", "zod"], message: "@lvsdeck/cluster decides health from protocol types only; schemas live in @lvsdeck/protocol" },
      ] }],
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "no-restricted-imports": ["error", { patterns: [
        { group: ["ws", "express", "node:*", "@lvsdeck/agent", "@lvsdeck/hub", "@lvsdeck/sim"], message: "the web app runs in the browser" },
      ] }],
    },
  },
  {
    // Only the live bridge may open a WebSocket.
    files: ["apps/web/src/**/*.{ts,tsx}"],
    ignores: ["apps/web/src/live/**"],
    rules: { "no-restricted-globals": ["error", { name: "WebSocket", message: "only apps/web/src/live touches the socket" }] },
  },
);
