// Bulkhead's public API: `import { definePipeline, parquet, rowCount, z } from "bulkhead"`.
export { z } from "zod";
export {
  definePipeline,
  defineStage,
  type Pipeline,
  type PipelineInput,
  type Stage,
  type StageInput,
  type StageContext,
  type TransformResult,
  type AggregateDefinition,
} from "./pipeline/define.js";
export { NonRetryableError, DefinitionError, StageError } from "./pipeline/errors.js";
export type * from "./pipeline/types.js";
export * from "./io/index.js";
export * from "./validate/index.js";
export type { Check, CheckResult, GateReport, Severity } from "./validate/types.js";
