// The field app's build: Vue single-file components, served by the gateway under /app/.
// The service worker (public/sw.js) is given the list of built files to cache at install.
import { readFileSync } from "node:fs";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

function shellList() {
  return {
    name: "pufa-shell-list",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).map((name) => `/app/${name}`);
      const source = readFileSync(new URL("./src/sw.js", import.meta.url), "utf8");
      const version = files.join("|").length.toString(36) + "-" + Date.now().toString(36);
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: source
          .replace("__SHELL__", JSON.stringify(["/app/", "/app/manifest.webmanifest", "/app/icon-192.png", ...files.filter((f) => !f.endsWith(".html"))]))
          .replace("__VERSION__", version),
      });
    },
  };
}

export default defineConfig({
  base: "/app/",
  plugins: [vue(), shellList()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 200 },
});
