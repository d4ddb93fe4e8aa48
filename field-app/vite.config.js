// The field app's build: Vue single-file components, served by the gateway under /app/.
// The service worker (public/sw.js) is given the list of built files to cache at install.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Files of public/ that the shell needs offline besides the built ones.
const PUBLIC = ["manifest.webmanifest", "icon-192.png"];

function shellList() {
  return {
    name: "pufa-shell-list",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).map((name) => `/app/${name}`);
      const source = readFileSync(new URL("./src/sw.js", import.meta.url), "utf8");
      const icons = PUBLIC.map((name) => readFileSync(new URL(`./public/${name}`, import.meta.url)));
      const shell = ["/app/", ...PUBLIC.map((name) => `/app/${name}`), ...files.filter((f) => !f.endsWith(".html"))];
      // Built names carry their content's hash: the same build, the same worker (no reinstall).
      const version = [files.join("|"), ...icons]
        .reduce((hash, part) => hash.update(part), createHash("sha256"))
        .digest("hex")
        .slice(0, 12);
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: source
          .replace("__SHELL__", JSON.stringify(shell))
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
