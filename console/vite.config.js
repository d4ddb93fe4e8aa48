// The console's build: Vue single-file components, served by the gateway under /console/.
// Element Plus and ECharts go in chunks of their own, so a new build of our code leaves
// the browser's cached copies of them in place.
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const VENDORS = { "element-plus": "element-plus", echarts: "echarts", zrender: "echarts" };
// V8's explicit compile hint, first in these chunks: compile all their functions while the
// script streams in, off the main thread, rather than each on the main thread the first time
// it runs (the dashboard runs most of Vue, Element Plus and ECharts' code in its first second).
// Added to the minified code (the minifier drops comments), so not in the file's hash: the
// same chunk with or without it behaves the same.
const COMPILED_AHEAD = new Set(["element-plus", "echarts", "vue"]);
const compileHints = {
  name: "compile-hints",
  enforce: "post",
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type === "chunk" && COMPILED_AHEAD.has(chunk.name)) chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
    }
  },
};

export default defineConfig({
  base: "/console/",
  plugins: [vue(), compileHints],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          const match = id.match(/node_modules\/(?:\.pnpm\/)?(@?[^/]+)/);
          return match ? VENDORS[match[1]] || (match[1].startsWith("@vue") || match[1] === "vue" || match[1] === "vue-router" ? "vue" : undefined) : undefined;
        },
      },
    },
  },
});
