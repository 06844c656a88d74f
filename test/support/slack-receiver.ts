// A stand-in for a Slack incoming webhook: a real HTTP server on 127.0.0.1
// that checks each body the way Slack documents (Block Kit limits) and
// answers like Slack does — 200 "ok", or 400 with a text error code. Tests
// can make chosen requests answer 429 (with Retry-After) or 5xx.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Limits Slack enforces on webhook messages (characters). */
export const SLACK_RECEIVER_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  contextElements: 10,
  text: 40_000,
} as const;

/** Block types Slack accepts in messages. */
const KNOWN_BLOCK_TYPES = new Set([
  "actions", "context", "divider", "file", "header", "image",
  "input", "markdown", "rich_text", "section", "table", "video",
]);

/** A canned answer for a request instead of validating it. */
export interface CannedResponse {
  status: number;
  body?: string;
  /** Sent as the Retry-After header (seconds). */
  retryAfter?: number;
}

/** One request as the receiver saw and answered it. */
export interface ReceivedRequest {
  /** 1-based, in arrival order. */
  index: number;
  method: string;
  path: string;
  body: string;
  status: number;
  response: string;
  /** Why the body was rejected (empty when accepted or canned). */
  problems: string[];
}

/** What an accepted message looks like (parsed JSON body). */
export type ReceivedMessage = Record<string, unknown>;

/** The webhook path tests post to, shaped like Slack's. */
export const WEBHOOK_PATH = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

/** A local Slack incoming webhook for tests. */
export class SlackReceiver {
  /** Accepted messages, in arrival order. */
  readonly messages: ReceivedMessage[] = [];
  /** Every request, accepted or not. */
  readonly requests: ReceivedRequest[] = [];

  private server: Server | undefined;
  private readonly canned = new Map<number, CannedResponse>();
  private always: CannedResponse | undefined;

  /** The webhook URL; valid after start(). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("slack receiver: call start() first");
    return `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`;
  }

  /** Makes the n-th request (1-based) get `response` instead of validation. */
  respondTo(n: number, response: CannedResponse): this {
    this.canned.set(n, response);
    return this;
  }

  /** Makes every request get `response` (e.g. a permanent 500). */
  respondAlways(response: CannedResponse): this {
    this.always = response;
    return this;
  }

  /** Listens on 127.0.0.1 on a free port; resolves to the webhook URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    return this.url;
  }

  /** Closes the server and its connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const index = this.requests.length + 1;
    const canned = this.canned.get(index) ?? this.always;
    const answer = canned
      ? { status: canned.status, text: canned.body ?? defaultBody(canned.status), problems: [] }
      : this.judge(req, body);

    this.requests.push({
      index,
      method: req.method ?? "",
      path: req.url ?? "",
      body,
      status: answer.status,
      response: answer.text,
      problems: answer.problems,
    });
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (canned?.retryAfter !== undefined) headers["retry-after"] = String(canned.retryAfter);
    res.writeHead(answer.status, headers).end(answer.text);
  }

  /** Validates a request like Slack and records it when accepted. */
  private judge(
    req: IncomingMessage,
    body: string,
  ): { status: number; text: string; problems: string[] } {
    if (req.method !== "POST") return { status: 405, text: "invalid_method", problems: [] };
    if (req.url !== WEBHOOK_PATH) return { status: 404, text: "no_service", problems: [] };

    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return { status: 400, text: "invalid_payload", problems: ["body is not JSON"] };
    }
    const { code, problems } = validateMessage(message);
    if (code) return { status: 400, text: code, problems };

    this.messages.push(message as ReceivedMessage);
    return { status: 200, text: "ok", problems: [] };
  }
}

function defaultBody(status: number): string {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "internal_error";
  return "invalid_payload";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Checks a webhook body against Slack's rules. Returns the error code Slack
 * would answer ("no_text", "invalid_blocks", "msg_too_long") and the
 * reasons, or no code when the message is valid.
 */
export function validateMessage(message: unknown): { code?: string; problems: string[] } {
  if (!isObject(message)) return { code: "invalid_payload", problems: ["body is not an object"] };
  const { text, blocks } = message;
  if (text === undefined && blocks === undefined) {
    return { code: "no_text", problems: ["neither text nor blocks"] };
  }
  if (text !== undefined && typeof text !== "string") {
    return { code: "invalid_payload", problems: ["text is not a string"] };
  }
  if (typeof text === "string" && text.length > SLACK_RECEIVER_LIMITS.text) {
    return { code: "msg_too_long", problems: [`text has ${text.length} > 40,000 characters`] };
  }
  if (blocks === undefined) return { problems: [] };

  const problems = validateBlocks(blocks);
  return problems.length > 0 ? { code: "invalid_blocks", problems } : { problems: [] };
}

function validateBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  const problems: string[] = [];
  if (blocks.length > SLACK_RECEIVER_LIMITS.blocks) {
    problems.push(`${blocks.length} blocks > 50`);
  }
  blocks.forEach((block, i) => {
    problems.push(...validateBlock(block).map((p) => `blocks[${i}]: ${p}`));
  });
  return problems;
}

function validateBlock(block: unknown): string[] {
  if (!isObject(block) || typeof block.type !== "string") return ["not a block"];
  if (!KNOWN_BLOCK_TYPES.has(block.type)) return [`unknown block type ${block.type}`];
  switch (block.type) {
    case "header":
      return validateText(block.text, SLACK_RECEIVER_LIMITS.headerText, "text", ["plain_text"]);
    case "section":
      return validateSection(block);
    case "context":
      return validateContext(block);
    default:
      return [];
  }
}

function validateSection(block: Record<string, unknown>): string[] {
  const { text, fields } = block;
  if (text === undefined && fields === undefined) return ["section needs text or fields"];
  const problems: string[] = [];
  if (text !== undefined) {
    problems.push(...validateText(text, SLACK_RECEIVER_LIMITS.sectionText, "text"));
  }
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0) return [...problems, "fields is not a non-empty array"];
    if (fields.length > SLACK_RECEIVER_LIMITS.fields) problems.push(`${fields.length} fields > 10`);
    fields.forEach((field, i) => {
      problems.push(...validateText(field, SLACK_RECEIVER_LIMITS.fieldText, `fields[${i}]`));
    });
  }
  return problems;
}

function validateContext(block: Record<string, unknown>): string[] {
  const { elements } = block;
  if (!Array.isArray(elements) || elements.length === 0) return ["elements is not a non-empty array"];
  const problems: string[] = [];
  if (elements.length > SLACK_RECEIVER_LIMITS.contextElements) {
    problems.push(`${elements.length} elements > 10`);
  }
  elements.forEach((element, i) => {
    if (isObject(element) && element.type === "image") return;
    problems.push(...validateText(element, SLACK_RECEIVER_LIMITS.sectionText, `elements[${i}]`));
  });
  return problems;
}

/** A text object: { type: plain_text | mrkdwn, text: 1..max characters }. */
function validateText(
  value: unknown,
  max: number,
  where: string,
  types = ["plain_text", "mrkdwn"],
): string[] {
  if (!isObject(value)) return [`${where} is not a text object`];
  if (typeof value.type !== "string" || !types.includes(value.type)) {
    return [`${where}.type must be ${types.join(" or ")}`];
  }
  if (typeof value.text !== "string" || value.text.length === 0) {
    return [`${where}.text is empty`];
  }
  if (value.text.length > max) return [`${where}.text has ${value.text.length} > ${max} characters`];
  return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
