// Entry of the bundled action (action/dist/index.js): runs the command.
// Pipeline files import "bulkhead"; inside the bundle that is bulkhead.js,
// built beside this file, so a repository needs nothing installed.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFailed } from "@actions/core";
import { boundHeapGrowth } from "../src/engine/heap-growth.js";
import { setBulkheadEntry } from "../src/pipeline/load.js";
import { run } from "../src/github/action/main.js";

const bundledLibrary = fileURLToPath(new URL("./bulkhead.js", import.meta.url));
if (existsSync(bundledLibrary)) setBulkheadEntry(bundledLibrary);

const heapError = boundHeapGrowth();
if (heapError) setFailed(heapError);
else await run();
