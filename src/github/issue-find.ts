// Finding a pipeline's open failure issue. The search API is not used: its
// index lags by seconds to minutes, so two alert jobs close together would
// both miss a fresh issue. Listing open issues by label is consistent at once,
// and the hidden marker in the body tells the pipelines apart.
import type { GitHubClient } from "./octokit.js";

/** The label every failure issue carries. */
export const FAILURE_LABEL = "bulkhead-failure";
const FAILURE_LABEL_COLOR = "d73a4a";
const FAILURE_LABEL_DESCRIPTION = "A Bulkhead pipeline is failing; closed when it recovers";

/** The repository the issues live in. */
export interface IssueRepo {
  octokit: GitHubClient;
  owner: string;
  repo: string;
}

/** The part of an issue these functions need. */
export interface FailureIssue {
  /** The issue's number, as in #12. */
  number: number;
  /** GitHub's database id (for `duplicate_issue_id`). */
  id: number;
}

/**
 * The hidden line that names the pipeline in its failure issue's body:
 * `<!-- bulkhead:pipeline=flight-delays -->`. The name is percent-encoded
 * so that no name can end the HTML comment early.
 */
export function pipelineMarker(pipeline: string): string {
  return `<!-- bulkhead:pipeline=${encodeURIComponent(pipeline)} -->`;
}

/** True when one line of `body` is exactly the pipeline's marker. */
export function hasPipelineMarker(body: string | null | undefined, pipeline: string): boolean {
  if (!body) return false;
  const marker = pipelineMarker(pipeline);
  return body.split(/\r?\n/).some((line) => line.trim() === marker);
}

/**
 * Every open failure issue of the pipeline, oldest (lowest number) first.
 * The first is THE issue; any other is a duplicate left by a race.
 */
export async function listOpenFailureIssues(
  { octokit, owner, repo }: IssueRepo,
  pipeline: string,
): Promise<FailureIssue[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: FAILURE_LABEL,
    sort: "created",
    direction: "asc",
    per_page: 100,
  });
  return issues
    .filter((issue) => !issue.pull_request && hasPipelineMarker(issue.body, pipeline))
    .map((issue) => ({ number: issue.number, id: issue.id }))
    .sort((a, b) => a.number - b.number);
}

/**
 * Creates the failure label unless it exists. Another alert job may create
 * it between our check and our create; GitHub then answers 422
 * "already_exists", which is just as good.
 */
export async function ensureFailureLabel({ octokit, owner, repo }: IssueRepo): Promise<void> {
  try {
    await octokit.rest.issues.getLabel({ owner, repo, name: FAILURE_LABEL });
    return;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }

  try {
    await octokit.rest.issues.createLabel({
      owner,
      repo,
      name: FAILURE_LABEL,
      color: FAILURE_LABEL_COLOR,
      description: FAILURE_LABEL_DESCRIPTION,
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** The HTTP status of an Octokit RequestError, or undefined. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}

/** GitHub's 422 "Validation Failed" with an `already_exists` error. */
function isAlreadyExists(error: unknown): boolean {
  if (statusOf(error) !== 422) return false;
  const data = (error as { response?: { data?: { errors?: unknown } } }).response?.data;
  const errors = Array.isArray(data?.errors) ? data.errors : [];
  return errors.some((e: unknown) => (e as { code?: unknown } | null)?.code === "already_exists");
}
