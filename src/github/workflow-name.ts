// The generated workflow's name carries the pipeline's name, so a job can
// tell which pipeline it belongs to (GITHUB_WORKFLOW) even when the
// pipeline file itself no longer loads.
const WORKFLOW_NAME_PREFIX = "Bulkhead: ";

/** The generated workflow's name (GITHUB_WORKFLOW in its jobs). */
export function workflowName(pipeline: string): string {
  return `${WORKFLOW_NAME_PREFIX}${pipeline}`;
}

/** The pipeline a generated workflow's name stands for, or null. */
export function pipelineNameOfWorkflow(name: string): string | null {
  if (!name.startsWith(WORKFLOW_NAME_PREFIX)) return null;
  const pipeline = name.slice(WORKFLOW_NAME_PREFIX.length);
  return /^[a-z][a-z0-9-]{0,62}$/.test(pipeline) ? pipeline : null;
}
