// Entry of the `bulkhead` command: run main, then exit once stdout drained.
import { main } from "./main.js";

const code = await main(process.argv.slice(2));
process.stdout.write("", () => process.exit(code));
