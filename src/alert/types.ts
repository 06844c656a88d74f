// What every alert carries (DESIGN.md "Alerts"), and the channel contract.
import type { GateReport } from "../validate/types.js";

export type AlertKind = "failure" | "gate" | "cancelled" | "recovered";

export interface AlertCheckpoint {
  /** Source row the next attempt resumes at (shard-relative count). */
  row: number;
  cursor: unknown;
  savedAt: string;
}

export interface AlertEvent {
  kind: AlertKind;
  pipeline: string;
  runId: string;
  stage?: string;
  /** "2/4" */
  shard?: string;
  attempt?: number;
  /** The error text; channels redact and shorten it. */
  error?: string;
  checkpoint?: AlertCheckpoint | null;
  gate?: GateReport;
  /** Link to the run (GitHub) or the local state directory. */
  runUrl?: string;
  /** Link to the full report (artifact), when there is one. */
  reportUrl?: string;
  /** What to do next: "Re-run failed jobs", or the local command. */
  nextStep: string;
  at: string;
}

export interface AlertChannel {
  readonly name: string;
  send(event: AlertEvent): Promise<void>;
}
