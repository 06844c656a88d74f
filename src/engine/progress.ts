// Progress: a live bar per shard on a terminal, and plain periodic lines
// when output goes to a file or CI log.
import cliProgress from "cli-progress";
import { type Logger, formatShard } from "../pipeline/types.js";
import type { ShardProgress } from "./run-shard.js";

export interface Progress {
  update(progress: ShardProgress): void;
  /** Ends the display of one stage (others may still run), or of all. */
  stop(stage?: string): void;
}

interface ShardView {
  started: number;
  rowsAtStart: number;
  latest: ShardProgress;
}

/** A progress display for a terminal (`tty`) or for logs. */
export function makeProgress(options: { tty: boolean; logger: Logger; intervalMs?: number }): Progress {
  return options.tty ? makeBars() : makeLines(options.logger, options.intervalMs ?? 10_000);
}

function rate(view: ShardView): number {
  const seconds = (Date.now() - view.started) / 1000;
  return seconds > 0 ? (view.latest.rowsIn - view.rowsAtStart) / seconds : 0;
}

function describe(view: ShardView): string {
  const { stage, shard, rowsIn, totalRows } = view.latest;
  const perSecond = rate(view);
  const parts = [`stage ${stage} shard ${formatShard(shard)}: ${rowsIn.toLocaleString("en-US")}`];
  if (totalRows) {
    parts[0] += ` of ${totalRows.toLocaleString("en-US")} rows (${((rowsIn / totalRows) * 100).toFixed(1)}%)`;
  } else parts[0] += " rows";
  parts.push(`${Math.round(perSecond).toLocaleString("en-US")} rows/s`);
  if (totalRows && perSecond > 0) parts.push(`ETA ${formatSeconds((totalRows - rowsIn) / perSecond)}`);
  return parts.join(", ");
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function makeLines(logger: Logger, intervalMs: number): Progress {
  const views = new Map<string, ShardView>();
  let lastPrint = Date.now();
  return {
    update(progress) {
      const id = `${progress.stage}#${progress.shard.index}`;
      const view = views.get(id);
      if (view) view.latest = progress;
      else views.set(id, { started: Date.now(), rowsAtStart: progress.rowsIn, latest: progress });
      if (Date.now() - lastPrint < intervalMs) return;
      lastPrint = Date.now();
      for (const v of views.values()) logger.info(describe(v));
    },
    stop(stage) {
      for (const id of views.keys()) if (!stage || id.startsWith(`${stage}#`)) views.delete(id);
    },
  };
}

function makeBars(): Progress {
  const bars = new cliProgress.MultiBar(
    {
      format: " {label} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 5,
      formatValue: (value, _options, type) =>
        type === "value" || type === "total" ? Number(value).toLocaleString("en-US") : String(value),
    },
    cliProgress.Presets.shades_classic,
  );
  const views = new Map<string, { bar: cliProgress.SingleBar; view: ShardView }>();
  return {
    update(progress) {
      const id = `${progress.stage}#${progress.shard.index}`;
      let entry = views.get(id);
      if (!entry) {
        const view = { started: Date.now(), rowsAtStart: progress.rowsIn, latest: progress };
        const label = `${progress.stage} ${formatShard(progress.shard)}`;
        // Without a known total there is no bar, percentage or ETA to show.
        const format = progress.totalRows ? undefined : " {label} | {value} rows | {speed} rows/s";
        const bar = bars.create(progress.totalRows ?? 0, progress.rowsIn, { label, speed: 0 }, format ? { format } : {});
        entry = { bar, view };
        views.set(id, entry);
      }
      entry.view.latest = progress;
      entry.bar.update(progress.rowsIn, { speed: Math.round(rate(entry.view)).toLocaleString("en-US") });
    },
    stop(stage) {
      // A finished stage's bars stay on screen; the display ends when no stage runs.
      for (const id of views.keys()) if (!stage || id.startsWith(`${stage}#`)) views.delete(id);
      if (views.size === 0) bars.stop();
    },
  };
}
