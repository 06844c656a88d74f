// Validation: checks that fold a stage's output into JSON statistics, the
// gate that judges the merged statistics, and its JSON/Markdown report.
export type { Check, CheckResult, GateContext, GateReport, Severity, StageCounts } from "./types.js";
export { type CheckOptions, CheckDefinitionError } from "./check-options.js";
export type { Bounds } from "./bounds.js";

export { type RowCountOptions, rowCount } from "./row-count.js";
export { notNull } from "./not-null.js";
export { unique } from "./unique.js";
export { allowedValues } from "./allowed-values.js";
export { type RangeOptions, range } from "./range.js";
export { type MeanOptions, mean } from "./mean.js";
export { type QuantileOptions, quantile } from "./quantile.js";
export { type FreshnessOptions, type InstantInput, freshness } from "./freshness.js";
export { type InvalidFractionOptions, invalidFraction } from "./invalid-fraction.js";
export { type CustomCheckOptions, type CustomVerdict, custom } from "./custom.js";
export { fieldsPresent } from "./fields-present.js";

export { type Stats, makeStats, restoreStats } from "./stats.js";
export { mergeStats } from "./merge-stats.js";
export { type EvaluateGateOptions, evaluateGate } from "./evaluate-gate.js";
export { type RenderGateMarkdownOptions, renderGateMarkdown } from "./render-gate-markdown.js";
export { type GateReportFiles, writeGateReport } from "./write-gate-report.js";
