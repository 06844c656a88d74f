// GitHub's official OpenAPI description (@octokit/openapi, api.github.com)
// as a request/response checker for the REST emulator.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { declaredProperties, findSchemaProblems } from "./json-schema.js";
import type { RefResolver, Schema } from "./json-schema.js";

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, Schema>;
  externalDocs?: { url: string };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

/** A request matched to one documented operation. */
export interface MatchedOperation {
  operationId: string;
  /** e.g. https://docs.github.com/rest/issues/issues#create-an-issue */
  documentationUrl: string;
  /** Path parameters converted to their schema types (issue_number → number). */
  pathParams: Record<string, unknown>;
  /** Query parameters converted to their schema types. */
  query: Record<string, unknown>;
  /** Everything wrong with the request; empty when it conforms. */
  problems: string[];
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
  operation: Operation;
}

/** The loaded description with its routes, ready to check traffic. */
export class GitHubOpenApi {
  private readonly routes: Route[];
  readonly resolve: RefResolver;

  private constructor(private readonly document: OpenApiDocument) {
    this.resolve = (ref) => resolvePointer(document, ref);
    this.routes = buildRoutes(document);
  }

  /** Reads api.github.com.json once per process (13 MB, ~0.2 s). */
  static load(): Promise<GitHubOpenApi> {
    loading ??= readFile(specPath(), "utf8").then((text) => new GitHubOpenApi(JSON.parse(text) as OpenApiDocument));
    return loading;
  }

  /** Whether any documented operation has this method and path. */
  match(method: string, pathname: string, search: URLSearchParams, body: unknown, hasBody: boolean): MatchedOperation | undefined {
    const found = this.findRoute(method, pathname);
    if (!found) return undefined;
    const { route, rawParams } = found;
    const problems: string[] = [];
    const parameters = (route.operation.parameters ?? []).map((p) => this.deref(p as Schema) as unknown as Parameter);

    const pathParams = this.convertParams(parameters, "path", rawParams, problems);
    const query = this.convertParams(parameters, "query", Object.fromEntries(search), problems);
    this.checkBody(route.operation, body, hasBody, problems);

    return {
      operationId: route.operation.operationId,
      documentationUrl: route.operation.externalDocs?.url ?? "https://docs.github.com/rest",
      pathParams,
      query,
      problems,
    };
  }

  /** Problems with a response the emulator is about to send. */
  checkResponse(method: string, pathname: string, status: number, body: unknown): string[] {
    const route = this.findRoute(method, pathname)?.route;
    if (!route) return [`no documented operation for ${method} ${pathname}`];
    const documented = route.operation.responses[String(status)];
    if (!documented) {
      return [`status ${status} is not documented for ${route.operation.operationId}`];
    }
    const response = this.deref(documented) as { content?: Record<string, { schema?: Schema }> };
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return body === undefined ? [] : [`status ${status} of ${route.operation.operationId} documents no body`];
    return findSchemaProblems(body, schema, this.resolve, "response");
  }

  private findRoute(method: string, pathname: string): { route: Route; rawParams: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const rawParams = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return { route, rawParams };
    }
    return undefined;
  }

  private convertParams(
    parameters: Parameter[],
    location: "path" | "query",
    raw: Record<string, string>,
    problems: string[],
  ): Record<string, unknown> {
    const converted: Record<string, unknown> = {};
    const declared = parameters.filter((p) => p.in === location);
    for (const parameter of declared) {
      const text = raw[parameter.name];
      if (text === undefined) {
        if (parameter.required) problems.push(`${location} parameter ${parameter.name} is required`);
        continue;
      }
      const value = fromText(text, parameter.schema);
      const label = `${location} parameter ${parameter.name}`;
      problems.push(...findSchemaProblems(value, parameter.schema ?? {}, this.resolve, label));
      converted[parameter.name] = value;
    }
    for (const name of Object.keys(raw)) {
      if (!declared.some((p) => p.name === name)) problems.push(`${location} parameter ${name} is not documented`);
    }
    return converted;
  }

  private checkBody(operation: Operation, body: unknown, hasBody: boolean, problems: string[]): void {
    const requestBody = operation.requestBody && (this.deref(operation.requestBody as Schema) as Operation["requestBody"]);
    const schema = requestBody?.content?.["application/json"]?.schema;
    if (!hasBody) {
      if (requestBody?.required) problems.push("request body is required");
      return;
    }
    if (!schema) {
      problems.push(`${operation.operationId} takes no request body`);
      return;
    }
    problems.push(...findSchemaProblems(body, schema, this.resolve, "body"));
    // Deliberately stricter than GitHub, which silently ignores unknown
    // fields: a misspelled field is a bug in the caller.
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      const known = declaredProperties(schema, this.resolve);
      for (const name of Object.keys(body)) {
        if (!known.has(name)) problems.push(`body.${name} is not a documented field`);
      }
    }
  }

  private deref(value: Schema | { $ref: string }): Schema {
    let current = value as Schema;
    while (typeof current.$ref === "string") current = this.resolve(current.$ref);
    return current;
  }
}

let loading: Promise<GitHubOpenApi> | undefined;

function specPath(): string {
  // The package has no "exports" map, so its files resolve directly.
  return createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
}

function buildRoutes(document: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\}/g, "([^/]+)")}$`);
    const literalSegments = template.split("/").filter((s) => s && !s.startsWith("{")).length;
    for (const [method, operation] of Object.entries(item)) {
      if (!isOperation(operation)) continue;
      routes.push({ method: method.toUpperCase(), template, pattern, names, literalSegments, operation });
    }
  }
  // /issues/comments must win over /issues/{issue_number}.
  return routes.sort((a, b) => b.literalSegments - a.literalSegments);
}

function isOperation(value: unknown): value is Operation {
  return typeof value === "object" && value !== null && "operationId" in value;
}

function resolvePointer(document: unknown, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`external $ref ${ref} is not supported`);
  let node: unknown = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (node === undefined) throw new Error(`$ref ${ref} does not resolve`);
  return node as Schema;
}

/** Reads a path or query string as the type its schema declares. */
function fromText(text: string, schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case "integer":
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    default:
      return text;
  }
}
