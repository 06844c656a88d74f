// The action's entry: reads the inputs and runs one command. Failures are
// reported once, through core.setFailed, with secrets redacted.
import * as core from "@actions/core";
import { toError } from "../../pipeline/errors.js";
import { runAlertCommand } from "./alert.js";
import { makeActionContext } from "./context.js";
import { runGateCommand } from "./gate.js";
import { runPlan } from "./plan.js";
import { runStageCommand } from "./stage.js";

/** Runs the command named by the `command` input. */
export async function run(): Promise<void> {
  // GitHub cancels with SIGINT, then SIGTERM about 7.5 s later, then kills:
  // stop at the next batch boundary and save the checkpoint before that.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) core.warning(`received ${signal}: saving the checkpoint and stopping`);
    stop.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let redact = (text: string) => text;
  try {
    const context = makeActionContext();
    redact = context.redact;
    switch (context.inputs.command) {
      case "plan":
        return await runPlan(context);
      case "stage":
        return await runStageCommand(context, stop.signal);
      case "gate":
        return await runGateCommand(context);
      case "alert":
        return await runAlertCommand(context);
    }
  } catch (error) {
    core.setOutput("status", "failed");
    core.setFailed(redact(toError(error).message));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
