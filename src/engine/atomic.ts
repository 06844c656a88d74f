// Writing a whole file so readers see the old or the new content, never a
// half-written one: write a temporary sibling, fsync it, rename over.
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

let writes = 0;

/** Atomically replaces `file` with `content` (UTF-8 for strings). */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  // Unique per call: two writes of one file may overlap (stages run concurrently).
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++writes}.tmp`);
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, file);
}
