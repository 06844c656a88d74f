// A compact validator for the subset of JSON Schema that GitHub's OpenAPI 3.0
// description uses: $ref, type, nullable, enum, properties, required,
// additionalProperties, items, allOf, anyOf, oneOf, string length, pattern,
// minimum/maximum, minItems/maxItems and the date-time/uri formats.
// (ajv is not installed in this project, and 3.0's `nullable` needs care.)

export type Schema = Record<string, unknown>;

/** Resolves "#/components/…" references inside one OpenAPI document. */
export type RefResolver = (ref: string) => Schema;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Lists every way `value` breaks `schema`, each prefixed with its JSON path
 * (`$.labels[0].name`); empty when it conforms.
 */
export function findSchemaProblems(value: unknown, schema: Schema, resolve: RefResolver, path = "$"): string[] {
  const problems: string[] = [];
  check(value, schema, resolve, path, problems);
  return problems;
}

function check(value: unknown, input: Schema, resolve: RefResolver, path: string, problems: string[]): void {
  const schema = deref(input, resolve);

  if (value === null) {
    // OpenAPI 3.0: null is valid only where `nullable: true` says so; an
    // untyped schema constrains nothing.
    if (schema.nullable === true) return;
    if (schema.type !== undefined || schema.enum !== undefined) {
      problems.push(`${path} must not be null`);
      return;
    }
  }

  for (const branch of (schema.allOf as Schema[] | undefined) ?? []) check(value, branch, resolve, path, problems);
  if (schema.anyOf) checkAnyOf(value, schema.anyOf as Schema[], resolve, path, problems);
  if (schema.oneOf) checkOneOf(value, schema.oneOf as Schema[], resolve, path, problems);
  if (value === null) return;

  if (typeof schema.type === "string" && !hasType(value, schema.type)) {
    problems.push(`${path} must be ${article(schema.type)}, got ${describe(value)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === "string") checkString(value, schema, path, problems);
  if (typeof value === "number") checkNumber(value, schema, path, problems);
  if (Array.isArray(value)) checkArray(value, schema, resolve, path, problems);
  else if (isObject(value)) checkObject(value, schema, resolve, path, problems);
}

function checkAnyOf(value: unknown, branches: Schema[], resolve: RefResolver, path: string, problems: string[]): void {
  const results = branches.map((b) => findSchemaProblems(value, b, resolve, path));
  if (!results.some((r) => r.length === 0)) {
    problems.push(`${path} matches none of anyOf: ${results.map((r) => r[0]).join(" | ")}`);
  }
}

function checkOneOf(value: unknown, branches: Schema[], resolve: RefResolver, path: string, problems: string[]): void {
  const results = branches.map((b) => findSchemaProblems(value, b, resolve, path));
  const matches = results.filter((r) => r.length === 0).length;
  if (matches === 0) {
    problems.push(`${path} matches none of oneOf: ${results.map((r) => r[0]).join(" | ")}`);
  } else if (matches > 1 && value !== null) {
    // GitHub marks several branches nullable at once (validation-error.value),
    // so null matching more than one branch is accepted.
    problems.push(`${path} matches ${matches} branches of oneOf, expected exactly one`);
  }
}

function checkString(value: string, schema: Schema, path: string, problems: string[]): void {
  if (typeof schema.maxLength === "number" && value.length > schema.maxLength) {
    problems.push(`${path} is longer than ${schema.maxLength} characters`);
  }
  if (typeof schema.minLength === "number" && value.length < schema.minLength) {
    problems.push(`${path} is shorter than ${schema.minLength} characters`);
  }
  if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
    problems.push(`${path} does not match pattern ${schema.pattern}`);
  }
  if (schema.format === "date-time" && !RFC3339.test(value)) {
    problems.push(`${path} must be an RFC 3339 date-time, got ${JSON.stringify(value)}`);
  }
  if (schema.format === "uri" && !URL.canParse(value)) {
    problems.push(`${path} must be an absolute URI, got ${JSON.stringify(value)}`);
  }
}

function checkNumber(value: number, schema: Schema, path: string, problems: string[]): void {
  if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${path} must be ≥ ${schema.minimum}`);
  if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${path} must be ≤ ${schema.maximum}`);
}

function checkArray(value: unknown[], schema: Schema, resolve: RefResolver, path: string, problems: string[]): void {
  if (typeof schema.minItems === "number" && value.length < schema.minItems) {
    problems.push(`${path} must have at least ${schema.minItems} items`);
  }
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
    problems.push(`${path} must have at most ${schema.maxItems} items`);
  }
  if (schema.items) {
    value.forEach((item, i) => check(item, schema.items as Schema, resolve, `${path}[${i}]`, problems));
  }
}

function checkObject(
  value: Record<string, unknown>,
  schema: Schema,
  resolve: RefResolver,
  path: string,
  problems: string[],
): void {
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (value[name] === undefined) problems.push(`${path}.${name} is required`);
  }
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const property = properties[name];
    if (property) check(item, property, resolve, `${path}.${name}`, problems);
    else if (schema.additionalProperties === false) problems.push(`${path}.${name} is not allowed`);
    else if (isObject(schema.additionalProperties)) {
      check(item, schema.additionalProperties, resolve, `${path}.${name}`, problems);
    }
  }
}

/** Property names a schema declares, including through allOf. */
export function declaredProperties(input: Schema, resolve: RefResolver): Set<string> {
  const schema = deref(input, resolve);
  const names = new Set(Object.keys((schema.properties as object | undefined) ?? {}));
  for (const branch of (schema.allOf as Schema[] | undefined) ?? []) {
    for (const name of declaredProperties(branch, resolve)) names.add(name);
  }
  return names;
}

function deref(schema: Schema, resolve: RefResolver): Schema {
  let current = schema;
  while (typeof current.$ref === "string") current = resolve(current.$ref);
  return current;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
    case "boolean":
      return typeof value === type;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  const text = JSON.stringify(value) ?? String(value);
  return `${kind} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
