// The console's build: Vue single-file components, served by the gateway under /console/.
// Element Plus and ECharts go in chunks of their own, so a new build of our code leaves
// the browser's cached copies of them in place.
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const VENDORS = { "element-plus": "element-plus", echarts: "echarts", zrender: "echarts" };

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
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
