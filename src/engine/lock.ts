// One run of a pipeline per state directory at a time. The lock file names
// its holder; a lock whose process is gone is taken over, with a warning.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../pipeline/types.js";

const lockSchema = z.object({
  pid: z.int(),
  host: z.string(),
  startedAt: z.string(),
  command: z.string(),
});
type LockHolder = z.infer<typeof lockSchema>;

/** Another live process holds the pipeline's lock. */
export class LockedError extends Error {
  constructor(readonly file: string, readonly holder: LockHolder) {
    super(
      `another bulkhead run holds ${file}: pid ${holder.pid} on ${holder.host}, started ${holder.startedAt} (${holder.command}); wait for it to finish or stop it`,
    );
    this.name = "LockedError";
  }
}

/** Takes the lock or throws LockedError; returns a release function. */
export async function acquireLock(file: string, logger: Logger): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(" ").slice(0, 200),
  };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readHolder(file);
    if (holder && isAlive(holder)) throw new LockedError(file, holder);
    logger.warn(
      `taking over a stale lock ${file}${holder ? ` left by pid ${holder.pid} (no longer running)` : " (unreadable)"}`,
    );
    await rm(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}; another process keeps creating it`);
}

/** True when a live process holds the lock (for `bulkhead status`). */
export async function isLockHeld(file: string): Promise<boolean> {
  const holder = await readHolder(file);
  return holder !== null && isAlive(holder);
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A holder on another host can't be checked, so it counts as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(holder.pid);
}

/**
 * A killed process stays in the process table as a zombie until its parent
 * collects it; signal 0 still reaches it. On Linux /proc tells them apart.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (command) state …"; the command may contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
