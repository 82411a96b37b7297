import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/** Where `npm run dev` forwards REST and WebSocket calls: a hub started locally on its default port. */
const HUB_ORIGIN = "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Two chunks by design: the initial one (react, react-query, zod, the app, ~120 KB gzip) and the
    // lazily loaded charts (recharts, ~120 KB gzip). Warn if either grows past this.
    chunkSizeWarningLimit: 500,
  },
  server: {
    proxy: {
      "/api": { target: HUB_ORIGIN, changeOrigin: true },
      "/ws": { target: HUB_ORIGIN, ws: true, changeOrigin: true },
    },
  },
});
