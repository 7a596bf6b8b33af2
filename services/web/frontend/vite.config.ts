import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// In `vite dev`, the web server (okr_web) answers /api and /auth, as it does in production.
const backend = process.env.OKR_WEB_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", chunkSizeWarningLimit: 1200 },
  server: { proxy: { "/api": backend, "/auth": backend } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
