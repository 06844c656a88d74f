// One open GitHub issue per failing pipeline (DESIGN.md "Alerts"). The alert
// job of a workflow run reports all of the run's alerts at once: the first
// failing run opens the issue, later failing runs comment on it, and the
// first run that succeeds comments and closes it.
//
// Two alert jobs can run at the same moment (a scheduled run and a manual
// one). Both may find no issue and both create one; each then lists again,
// and the one holding the newer issue closes it as a duplicate and moves its
// facts to the older one, so exactly one stays open.
import type { Redactor } from "../alert/redact.js";
import type { AlertEvent } from "../alert/types.js";
import type { Logger } from "../pipeline/types.js";
import {
  ensureFailureLabel,
  FAILURE_LABEL,
  listOpenFailureIssues,
  pipelineMarker,
  statusOf,
  type FailureIssue,
  type IssueRepo,
} from "./issue-find.js";
import { describeCounts, failureIssueTitle, ISSUE_TEXT_BUDGET, renderRunReport } from "./issue-text.js";
import type { GitHubClient } from "./octokit.js";

export { FAILURE_LABEL, pipelineMarker } from "./issue-find.js";
export { ISSUE_TEXT_BUDGET } from "./issue-text.js";

/** One workflow run's alerts and where to report them. */
export interface ReportRunOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  pipeline: string;
  /** Every alert of the run; none, or only `recovered` ones, means it succeeded. */
  events: readonly AlertEvent[];
  /** The run's page, e.g. https://github.com/acme/data/actions/runs/42 */
  runUrl: string;
  /** Link to the full report artifact. */
  reportUrl?: string;
  /** The pipeline's file, for the local command; default "<pipeline file>". */
  pipelineFile?: string;
  /** Masks secrets; applied to every text sent to GitHub. */
  redact: Redactor;
  logger: Logger;
}

/** What reportRunToIssue did. */
export interface ReportRunResult {
  /** The pipeline's failure issue, or null when there is none. */
  issueNumber: number | null;
  action: "created" | "commented" | "closed" | "none";
  /** Newer open failure issues of the pipeline closed as duplicates. */
  duplicatesClosed: number[];
}

/** The failure issue could not be opened, commented on or closed. */
export class FailureIssueError extends Error {
  readonly pipeline: string;
  /** What was being done: "list open failure issues", "create the failure issue", … */
  readonly step: string;
  /** HTTP status of GitHub's answer; undefined after a network error. */
  readonly status: number | undefined;

  constructor(details: { pipeline: string; step: string; reason: string }, cause: unknown) {
    const status = statusOf(cause);
    const answer = status === undefined ? "no response" : `HTTP ${status}`;
    super(
      `pipeline ${details.pipeline}: failure issue NOT updated: could not ${details.step} (${answer}: ${details.reason}); check that the workflow grants "issues: write" and GitHub's status`,
      { cause },
    );
    this.name = "FailureIssueError";
    this.pipeline = details.pipeline;
    this.step = details.step;
    this.status = status;
  }
}

/**
 * Opens, comments on or closes the pipeline's failure issue for one
 * workflow run.
 *
 * - failures (failure, gate or cancelled events): comment on the open issue,
 *   or create one if there is none;
 * - success (no events, or only `recovered`): comment "Recovered in <run>"
 *   and close the open issue; nothing when none is open.
 */
export async function reportRunToIssue(options: ReportRunOptions): Promise<ReportRunResult> {
  const failures = options.events.filter((event) => event.kind !== "recovered");
  return failures.length > 0
    ? reportFailures(options, failures)
    : reportRecovery(options);
}

async function reportFailures(
  options: ReportRunOptions,
  failures: readonly AlertEvent[],
): Promise<ReportRunResult> {
  const { logger, pipeline } = options;
  const gh = makeSteps(options);
  const runId = failures[0].runId;
  const marker = pipelineMarker(pipeline);
  const report = renderRunReport({
    ...options,
    events: failures,
    budget: ISSUE_TEXT_BUDGET - marker.length - 1,
  });

  const open = await gh.listOpen();
  if (open.length > 0) {
    const [issue, ...newer] = open;
    await gh.comment(issue, report);
    logger.info(`pipeline ${pipeline}: commented on failure issue #${issue.number} for run ${runId} (${describeCounts(failures)})`);
    const duplicatesClosed = await closeDuplicates(gh, newer, issue, options);
    return { issueNumber: issue.number, action: "commented", duplicatesClosed };
  }

  const mine = await gh.create(`${marker}\n${report}`);
  const openNow = await gh.listOpen();
  const oldest = openNow[0];
  if (oldest === undefined || oldest.number >= mine.number) {
    logger.info(`pipeline ${pipeline}: opened failure issue #${mine.number} for run ${runId} (${describeCounts(failures)})`);
    return { issueNumber: mine.number, action: "created", duplicatesClosed: [] };
  }

  // Another alert job opened an issue first: its issue is THE issue. Ours
  // may already be closed by a third job that saw both; then leave it be.
  await gh.comment(oldest, report);
  const mineStillOpen = openNow.filter((issue) => issue.number === mine.number);
  const duplicatesClosed = await closeDuplicates(gh, mineStillOpen, oldest, options);
  logger.info(`pipeline ${pipeline}: commented on failure issue #${oldest.number} for run ${runId} (${describeCounts(failures)})`);
  return { issueNumber: oldest.number, action: "commented", duplicatesClosed };
}

async function reportRecovery(options: ReportRunOptions): Promise<ReportRunResult> {
  const { logger, pipeline, redact } = options;
  const gh = makeSteps(options);

  const open = await gh.listOpen();
  if (open.length === 0) {
    logger.debug(`pipeline ${pipeline}: succeeded and no failure issue is open; nothing to close`);
    return { issueNumber: null, action: "none", duplicatesClosed: [] };
  }

  const [issue, ...newer] = open;
  await gh.comment(issue, `Recovered in ${redact(options.runUrl)}`);
  await gh.close(issue, { state_reason: "completed" });
  logger.info(`pipeline ${pipeline}: recovered; closed failure issue #${issue.number}`);
  const duplicatesClosed = await closeDuplicates(gh, newer, issue, options);
  return { issueNumber: issue.number, action: "closed", duplicatesClosed };
}

/**
 * Closes open failure issues newer than `original` with "Duplicate of #N"
 * and state_reason "duplicate". Left by a race, or by an alert job that
 * stopped between creating its issue and closing it.
 */
async function closeDuplicates(
  gh: Steps,
  duplicates: readonly FailureIssue[],
  original: FailureIssue,
  options: ReportRunOptions,
): Promise<number[]> {
  const closed: number[] = [];
  for (const duplicate of duplicates) {
    await gh.comment(duplicate, `Duplicate of #${original.number}`);
    await gh.close(duplicate, { state_reason: "duplicate", duplicate_issue_id: original.id });
    closed.push(duplicate.number);
    options.logger.warn(`pipeline ${options.pipeline}: closed failure issue #${duplicate.number} as a duplicate of #${original.number} (opened by an alert job that ran at the same time)`);
  }
  return closed;
}

/** The GitHub calls of a report, each turning a failure into a FailureIssueError. */
interface Steps {
  listOpen(): Promise<FailureIssue[]>;
  create(body: string): Promise<FailureIssue>;
  comment(issue: FailureIssue, body: string): Promise<void>;
  close(
    issue: FailureIssue,
    reason: { state_reason: "completed" } | { state_reason: "duplicate"; duplicate_issue_id: number },
  ): Promise<void>;
}

function makeSteps(options: ReportRunOptions): Steps {
  const { octokit, owner, repo, pipeline, redact } = options;
  const where: IssueRepo = { octokit, owner, repo };
  const step = <T>(what: string, act: () => Promise<T>): Promise<T> =>
    act().catch((error: unknown) => {
      const reason = redact(error instanceof Error ? error.message : String(error));
      throw new FailureIssueError({ pipeline, step: what, reason }, error);
    });

  return {
    listOpen: () =>
      step("list the open failure issues", () => listOpenFailureIssues(where, pipeline)),

    create: (body) =>
      step("create the failure issue", async () => {
        await ensureFailureLabel(where);
        const { data } = await octokit.rest.issues.create({
          owner,
          repo,
          title: failureIssueTitle(pipeline, redact),
          body,
          labels: [FAILURE_LABEL],
        });
        return { number: data.number, id: data.id };
      }),

    comment: (issue, body) =>
      step(`comment on failure issue #${issue.number}`, async () => {
        await octokit.rest.issues.createComment({ owner, repo, issue_number: issue.number, body });
      }),

    close: (issue, reason) =>
      step(`close failure issue #${issue.number}`, async () => {
        await octokit.rest.issues.update({ owner, repo, issue_number: issue.number, state: "closed", ...reason });
      }),
  };
}
