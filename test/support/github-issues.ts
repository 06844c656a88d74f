// The state behind the REST emulator: one repository's issues, comments and
// labels, shaped exactly like GitHub's JSON so responses pass the OpenAPI
// response schemas.

/** One REST call, already matched and validated against the spec. */
export interface ApiCall {
  operationId: string;
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The login the token belongs to. */
  login: string;
  documentationUrl: string;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "duplicate" | "reopened" | null;
  /** Label names, in the order they were set. */
  labels: string[];
  user: string;
  closedBy: string | null;
  comments: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: Date;
  updatedAt: Date;
}

/** GitHub's limit on issue and comment bodies, in characters. */
export const MAX_BODY_CHARACTERS = 65_536;
/** GitHub's limit on issue titles, in characters (not in the OpenAPI description). */
export const MAX_TITLE_CHARACTERS = 256;

/** Query filters of issues/list-for-repo that the emulator implements. */
const EMULATED_LIST_FILTERS = new Set(["state", "labels", "creator", "sort", "direction", "since", "per_page", "page"]);

export class IssueRepository {
  readonly issues: StoredIssue[] = [];
  readonly comments: StoredComment[] = [];
  readonly labels: StoredLabel[] = [];
  private lastId = 5000;

  constructor(
    readonly owner: string,
    readonly repo: string,
    /** The emulator's origin, used in `url` fields and Link headers. */
    private readonly apiUrl: string,
  ) {}

  /** Answers an emulated operation, or `undefined` if it is not emulated. */
  handle(call: ApiCall): ApiAnswer | undefined {
    if (!this.isThisRepository(call)) return notFound(call);
    switch (call.operationId) {
      case "issues/create":
        return this.createIssue(call);
      case "issues/get":
        return this.withIssue(call, (issue) => ({ status: 200, body: this.issueJson(issue) }));
      case "issues/update":
        return this.withIssue(call, (issue) => this.updateIssue(issue, call));
      case "issues/list-for-repo":
        return this.listIssues(call);
      case "issues/create-comment":
        return this.withIssue(call, (issue) => this.createComment(issue, call));
      case "issues/list-comments":
        return this.withIssue(call, (issue) => this.listComments(issue, call));
      case "issues/create-label":
        return this.createLabel(call);
      case "issues/get-label":
        return this.getLabel(call);
      default:
        return undefined;
    }
  }

  /** Query filters the caller used that the emulator would silently ignore. */
  unemulatedFilters(call: ApiCall): string[] {
    if (call.operationId !== "issues/list-for-repo") return [];
    return Object.keys(call.query).filter((name) => !EMULATED_LIST_FILTERS.has(name));
  }

  private isThisRepository(call: ApiCall): boolean {
    const { owner, repo } = call.pathParams;
    return (
      String(owner).toLowerCase() === this.owner.toLowerCase() &&
      String(repo).toLowerCase() === this.repo.toLowerCase()
    );
  }

  private createIssue(call: ApiCall): ApiAnswer {
    const title = String(call.body.title);
    const body = (call.body.body as string | undefined) ?? null;
    const invalid = tooLong("Issue", call, { title, body });
    if (invalid) return invalid;

    const now = new Date();
    const issue: StoredIssue = {
      id: this.nextId(),
      number: this.issues.length + 1,
      title,
      body,
      state: "open",
      stateReason: null,
      labels: this.ensureLabels(call.body.labels),
      user: call.login,
      closedBy: null,
      comments: 0,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    this.issues.push(issue);
    const json = this.issueJson(issue);
    return { status: 201, body: json, headers: { location: json.url } };
  }

  private updateIssue(issue: StoredIssue, call: ApiCall): ApiAnswer {
    const { title, body, state, state_reason: reason, labels } = call.body;
    const invalid = tooLong("Issue", call, {
      title: title === undefined || title === null ? undefined : String(title),
      body: body as string | null | undefined,
    });
    if (invalid) return invalid;

    if (title !== undefined && title !== null) issue.title = String(title);
    if (body !== undefined) issue.body = body as string | null;
    if (labels !== undefined) issue.labels = this.ensureLabels(labels);
    if (state === "closed" && issue.state === "open") {
      issue.state = "closed";
      issue.closedAt = new Date();
      issue.closedBy = call.login;
      issue.stateReason = (reason as StoredIssue["stateReason"]) ?? "completed";
    } else if (state === "open" && issue.state === "closed") {
      issue.state = "open";
      issue.closedAt = null;
      issue.closedBy = null;
      issue.stateReason = "reopened";
    }
    issue.updatedAt = new Date();
    return { status: 200, body: this.issueJson(issue) };
  }

  private listIssues(call: ApiCall): ApiAnswer {
    const q = call.query;
    const state = (q.state as string | undefined) ?? "open";
    const wanted = splitLabels(q.labels);
    const since = q.since === undefined ? undefined : new Date(String(q.since));
    const matching = this.issues.filter(
      (issue) =>
        (state === "all" || issue.state === state) &&
        wanted.every((name) => issue.labels.some((l) => sameName(l, name))) &&
        (q.creator === undefined || sameName(issue.user, String(q.creator))) &&
        (since === undefined || issue.updatedAt >= since),
    );
    const sorted = sortIssues(matching, (q.sort as string) ?? "created", (q.direction as string) ?? "desc");
    return this.page(call, sorted.map((issue) => this.issueJson(issue)));
  }

  private createComment(issue: StoredIssue, call: ApiCall): ApiAnswer {
    const body = String(call.body.body);
    const invalid = tooLong("IssueComment", call, { body });
    if (invalid) return invalid;

    const now = new Date();
    const comment: StoredComment = {
      id: this.nextId(),
      issueNumber: issue.number,
      body,
      user: call.login,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(comment);
    issue.comments += 1;
    issue.updatedAt = now;
    const json = this.commentJson(comment);
    return { status: 201, body: json, headers: { location: json.url } };
  }

  private listComments(issue: StoredIssue, call: ApiCall): ApiAnswer {
    const since = call.query.since === undefined ? undefined : new Date(String(call.query.since));
    const matching = this.comments.filter(
      (c) => c.issueNumber === issue.number && (since === undefined || c.updatedAt >= since),
    );
    return this.page(call, matching.map((c) => this.commentJson(c)));
  }

  private createLabel(call: ApiCall): ApiAnswer {
    const name = String(call.body.name);
    const color = (call.body.color as string | undefined) ?? "ededed";
    const description = (call.body.description as string | undefined) ?? null;
    if (this.findLabel(name)) return validationFailed(call, "Label", "name", "already_exists");
    if (!/^[0-9a-fA-F]{6}$/.test(color)) return validationFailed(call, "Label", "color", "invalid");
    if (description !== null && description.length > 100) {
      return validationFailed(call, "Label", "description", "custom", "description is too long (maximum is 100 characters)");
    }
    const label = this.addLabel(name, color.toLowerCase(), description);
    return { status: 201, body: this.labelJson(label) };
  }

  private getLabel(call: ApiCall): ApiAnswer {
    const label = this.findLabel(String(call.pathParams.name));
    return label ? { status: 200, body: this.labelJson(label) } : notFound(call);
  }

  private withIssue(call: ApiCall, act: (issue: StoredIssue) => ApiAnswer): ApiAnswer {
    const issue = this.issues.find((i) => i.number === call.pathParams.issue_number);
    return issue ? act(issue) : notFound(call);
  }

  /** Like GitHub, labels named on an issue are created when missing. */
  private ensureLabels(labels: unknown): string[] {
    const names = ((labels as unknown[] | undefined) ?? []).map((l) =>
      typeof l === "string" ? l : String((l as { name?: unknown }).name),
    );
    return [...new Set(names)].map((name) => (this.findLabel(name) ?? this.addLabel(name, "ededed", null)).name);
  }

  private findLabel(name: string): StoredLabel | undefined {
    return this.labels.find((l) => sameName(l.name, name));
  }

  private addLabel(name: string, color: string, description: string | null): StoredLabel {
    const label = { id: this.nextId(), name, color, description };
    this.labels.push(label);
    return label;
  }

  /** One page of `items` plus GitHub's Link header (what octokit.paginate follows). */
  private page(call: ApiCall, items: unknown[]): ApiAnswer {
    const perPage = Math.min(Math.max(Number(call.query.per_page ?? 30), 1), 100);
    const page = Math.max(Number(call.query.page ?? 1), 1);
    const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
    const body = items.slice((page - 1) * perPage, page * perPage);
    const link = this.linkHeader(call, page, lastPage);
    return { status: 200, body, headers: link ? { link } : {} };
  }

  private linkHeader(call: ApiCall, page: number, lastPage: number): string | undefined {
    const path = call.operationId === "issues/list-comments"
      ? `/repos/${this.owner}/${this.repo}/issues/${call.pathParams.issue_number}/comments`
      : `/repos/${this.owner}/${this.repo}/issues`;
    const url = (n: number) => {
      const params = new URLSearchParams(Object.entries(call.query).map(([k, v]) => [k, String(v)]));
      params.set("page", String(n));
      return `<${this.apiUrl}${path}?${params}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${url(page - 1)}; rel="prev"`, `${url(1)}; rel="first"`);
    if (page < lastPage) links.push(`${url(page + 1)}; rel="next"`, `${url(lastPage)}; rel="last"`);
    return links.length > 0 ? links.join(", ") : undefined;
  }

  private nextId(): number {
    return ++this.lastId;
  }

  private get repoApi(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`;
  }

  issueJson(issue: StoredIssue) {
    const url = `${this.repoApi}/issues/${issue.number}`;
    return {
      id: issue.id,
      node_id: `I_emu${issue.id}`,
      url,
      repository_url: this.repoApi,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
      timeline_url: `${url}/timeline`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.stateReason,
      title: issue.title,
      body: issue.body,
      user: this.userJson(issue.user),
      labels: issue.labels.map((name) => this.labelJson(this.findLabel(name) as StoredLabel)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: issue.comments,
      closed_at: timestamp(issue.closedAt),
      created_at: timestamp(issue.createdAt) as string,
      updated_at: timestamp(issue.updatedAt) as string,
      closed_by: issue.closedBy === null ? null : this.userJson(issue.closedBy),
      author_association: "OWNER",
      reactions: this.reactionsJson(url),
    };
  }

  private commentJson(comment: StoredComment) {
    const url = `${this.repoApi}/issues/comments/${comment.id}`;
    return {
      id: comment.id,
      node_id: `IC_emu${comment.id}`,
      url,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: this.userJson(comment.user),
      created_at: timestamp(comment.createdAt) as string,
      updated_at: timestamp(comment.updatedAt) as string,
      issue_url: `${this.repoApi}/issues/${comment.issueNumber}`,
      author_association: "OWNER",
      reactions: this.reactionsJson(url),
    };
  }

  private labelJson(label: StoredLabel) {
    return {
      id: label.id,
      node_id: `LA_emu${label.id}`,
      url: `${this.repoApi}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }

  private userJson(login: string) {
    const url = `${this.apiUrl}/users/${login}`;
    return {
      login,
      id: stableId(login),
      node_id: `U_emu${stableId(login)}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${stableId(login)}?v=4`,
      gravatar_id: "",
      url,
      html_url: `https://github.com/${login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: login.endsWith("[bot]") ? "Bot" : "User",
      site_admin: false,
    };
  }

  private reactionsJson(url: string) {
    return {
      url: `${url}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    };
  }
}

/** GitHub's 404 body. */
export function notFound(call: { documentationUrl: string }): ApiAnswer {
  return { status: 404, body: { message: "Not Found", documentation_url: call.documentationUrl, status: "404" } };
}

/** GitHub's 422 "Validation Failed" body with one error. */
function validationFailed(call: ApiCall, resource: string, field: string, code: string, message?: string): ApiAnswer {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{ resource, code, field, ...(message ? { message } : {}) }],
      documentation_url: call.documentationUrl,
      status: "422",
    },
  };
}

/** GitHub's answer to an over-long title or body, or `undefined` if all fit. */
function tooLong(
  resource: string,
  call: ApiCall,
  fields: { title?: string; body?: string | null },
): ApiAnswer | undefined {
  if (fields.title !== undefined && characters(fields.title) > MAX_TITLE_CHARACTERS) {
    return validationFailed(call, resource, "title", "custom", `title is too long (maximum is ${MAX_TITLE_CHARACTERS} characters)`);
  }
  if (typeof fields.body === "string" && characters(fields.body) > MAX_BODY_CHARACTERS) {
    return validationFailed(call, resource, "body", "custom", `body is too long (maximum is ${MAX_BODY_CHARACTERS} characters)`);
  }
  return undefined;
}

/** Counts Unicode characters (code points), not UTF-16 units. */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function sortIssues(issues: StoredIssue[], sort: string, direction: string): StoredIssue[] {
  const key = (issue: StoredIssue) =>
    sort === "updated" ? issue.updatedAt.getTime() : sort === "comments" ? issue.comments : issue.number;
  const sign = direction === "asc" ? 1 : -1;
  // Ties (same second, same comment count) fall back to creation order.
  return [...issues].sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}

function splitLabels(labels: unknown): string[] {
  return labels === undefined ? [] : String(labels).split(",").map((l) => l.trim()).filter(Boolean);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** GitHub writes whole seconds: 2024-05-01T12:00:00Z. */
function timestamp(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function stableId(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return hash;
}
