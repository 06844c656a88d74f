// Entry of the `bulkhead` command: run main, then exit once stdout drained.
import { boundHeapGrowth } from "../engine/heap-growth.js";
import { main } from "./main.js";

const heapError = boundHeapGrowth();
if (heapError) {
  process.stderr.write(`bulkhead: ${heapError}\n`);
  process.exit(64);
}

// A reader that goes away (`bulkhead run … 2>&1 | head`) must not kill the
// run: an EPIPE on our own output is ignored, the work goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

const code = await main(process.argv.slice(2));
process.stdout.write("", () => process.exit(code));
