// Builds the action's bundle (action/dist/) from source with esbuild. The
// bundle is committed: GitHub runs action.yml's `main` without installing
// anything. Two entries share chunks: index.js (the action) and
// bulkhead.js (the library a user's pipeline file imports as "bulkhead").
import { copyFile, rm } from "node:fs/promises";
import { build } from "esbuild";

// An argument builds elsewhere (the freshness test compares the two).
const outdir = process.argv[2] ?? "action/dist";
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { index: "action/index.ts", bulkhead: "src/index.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // A native addon cannot be bundled; it is loaded from the repository's
  // node_modules when a pipeline uses SQLite (see README).
  external: ["better-sqlite3"],
  // Some dependencies are CommonJS and call require(); give ESM one.
  banner: {
    js: 'import { createRequire as bulkheadCreateRequire } from "node:module"; const require = bulkheadCreateRequire(import.meta.url);',
  },
  legalComments: "linked",
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
// jiti (which loads TypeScript pipeline files) requires its Babel build
// lazily as "../dist/babel.cjs"; from action/dist/ that is this copy.
await copyFile("node_modules/jiti/dist/babel.cjs", `${outdir}/babel.cjs`);
console.log(`bundled into ${outdir}/`);
