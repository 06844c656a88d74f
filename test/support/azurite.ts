// Starts Microsoft's Azurite blob emulator as a child process on 127.0.0.1,
// in memory, so cache and artifact uploads use the real Azure storage
// protocol without touching Azure.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Azurite's built-in account; the key is copied from Azurite's constants. */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteHandle {
  /** Path-style endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** Process id of the Azurite child, for checking it is gone after stop(). */
  pid: number;
  /** Stops the child and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** How long to wait for "listens on"; default 20 000 ms. */
  startTimeoutMs?: number;
}

const LISTENING = /successfully listens on (http:\/\/127\.0\.0\.1:\d+)/;

/** Spawns Azurite blob with an OS-chosen port and waits until it listens. */
export async function startAzurite(
  options: StartAzuriteOptions = {},
): Promise<AzuriteHandle> {
  // Azurite keeps nothing on disk in memory mode; running it in a private
  // working folder guarantees it can never write into the repository.
  const location = await mkdtemp(join(tmpdir(), "bulkhead-azurite-"));
  const child = spawn(process.execPath, [azuriteBlobMain(), ...azuriteArgs()], {
    cwd: location,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let origin: string;
  try {
    origin = await waitUntilListening(child, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await stopChild(child);
    process.removeListener("exit", killOnExit);
    await rm(location, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    blobEndpoint: `${origin}/${AZURITE_ACCOUNT_NAME}`,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    pid: child.pid as number,
    stop() {
      stopped ??= (async () => {
        await stopChild(child);
        process.removeListener("exit", killOnExit);
        await rm(location, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("azurite/package.json");
  return join(dirname(packageJson), "dist", "src", "blob", "main.js");
}

function azuriteArgs(): string[] {
  return [
    "--blobHost", "127.0.0.1",
    "--blobPort", "0", // Azurite prints the port the OS chose
    "--inMemoryPersistence", // (Azurite refuses --location with this flag)
    // The SDKs send x-ms-version newer than Azurite 3.35 knows (doc snag 2).
    "--skipApiVersionCheck",
    "--loose",
    "--disableTelemetry",
    "--silent",
  ];
}

function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(`Azurite did not start listening within ${timeoutMs} ms; output:\n${output}`),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) finish(() => resolve(match[1]));
    };
    const onExit = (code: number | null) =>
      fail(`Azurite exited with code ${code} before listening; output:\n${output}`);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining output so a full pipe never blocks Azurite.
      child.stdout?.resume();
      child.stderr?.resume();
      settle();
    };
    const fail = (message: string) => finish(() => reject(new Error(message)));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  // Azurite closes its server on SIGTERM; give it 3 s before forcing.
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}
