// The `if:` expressions of the generated workflow, in one place so the rules
// read together: which jobs run after a failure, a failed gate, a timeout
// (GitHub reports a timed-out job as cancelled), or a partial run.

/** Job id of a stage's gate. */
export const gateJobId = (stageId: string): string => `gate-${stageId}`;

/**
 * True when the run was dispatched with an empty `stages` input (or by the
 * schedule, which has no inputs) or the comma list names the stage. Commas
 * around both sides make "load" not match "preload".
 */
export function stageSelected(stageId: string): string {
  return `(!inputs.stages || contains(format(',{0},', inputs.stages), ',${stageId},'))`;
}

/**
 * A stage runs when the plan succeeded, it is selected, and each upstream
 * gate passed. An upstream stage left out of a partial run has no gate
 * result; its earlier output is used, so it does not block. `!cancelled()`
 * replaces the implicit `success()`, which would treat a skipped gate as a
 * failure.
 */
export function stageCondition(stageId: string, upstream: readonly string[]): string {
  const parts = [
    "!cancelled()",
    "needs.plan.result == 'success'",
    stageSelected(stageId),
    ...upstream.map(
      (id) => `(needs.${gateJobId(id)}.outputs.passed == 'true' || !${stageSelected(id)})`,
    ),
  ];
  return wrap(parts.join(" && "));
}

/**
 * A gate runs whenever its stage job started, even if shards failed, timed
 * out or were cancelled, so it fails closed and reports what is missing.
 * A stage skipped (not selected, or upstream gate failed) has nothing to
 * judge.
 */
export function gateCondition(stageId: string): string {
  return wrap(`always() && needs.${stageId}.result != 'skipped'`);
}

/**
 * The alert job always runs: after a failure or timeout to open or comment
 * on the failure issue, and after a success to close it.
 */
export function alertCondition(): string {
  return wrap("always()");
}

/**
 * The dispatch checkbox as "true"/"false" (a scheduled run has no inputs,
 * so it is "false"). The action applies it to the run's first attempt only:
 * "Re-run failed jobs" resumes the failed shards from this run's
 * checkpoints even when the run started fresh.
 */
export function freshInput(): string {
  return wrap("inputs.fresh == true");
}

/** `${{ … }}`: also keeps a leading `!` from reading as a YAML tag. */
export function wrap(expression: string): string {
  return `\${{ ${expression} }}`;
}
