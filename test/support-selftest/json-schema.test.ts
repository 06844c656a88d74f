import { describe, expect, it } from "vitest";
import { findSchemaProblems } from "../support/json-schema.js";
import type { Schema } from "../support/json-schema.js";

const components: Record<string, Schema> = {
  user: { type: "object", properties: { login: { type: "string" } }, required: ["login"], nullable: true },
};
const resolve = (ref: string) => components[ref.replace("#/components/schemas/", "")];
const problems = (value: unknown, schema: Schema) => findSchemaProblems(value, schema, resolve);

describe("findSchemaProblems", () => {
  it("names missing required fields and wrong types with their JSON path", () => {
    const schema: Schema = {
      type: "object",
      required: ["title"],
      properties: { labels: { type: "array", items: { type: "string" } } },
    };
    expect(problems({ labels: ["a", 2] }, schema)).toEqual([
      "$.title is required",
      "$.labels[1] must be a string, got number 2",
    ]);
  });

  it("accepts null only where OpenAPI 3.0 says nullable, following $ref", () => {
    expect(problems(null, { $ref: "#/components/schemas/user" })).toEqual([]);
    expect(problems(null, { type: "string" })).toEqual(["$ must not be null"]);
    expect(problems({ login: 1 }, { $ref: "#/components/schemas/user" })).toEqual([
      "$.login must be a string, got number 1",
    ]);
  });

  it("requires exactly one oneOf branch, except null matching several nullable ones", () => {
    const schema: Schema = { oneOf: [{ type: "string", nullable: true }, { type: "integer", nullable: true }] };
    expect(problems("x", schema)).toEqual([]);
    expect(problems(null, schema)).toEqual([]);
    expect(problems(true, schema)).toEqual([
      "$ matches none of oneOf: $ must be a string, got boolean true | $ must be an integer, got boolean true",
    ]);
    expect(problems(1, { oneOf: [{ type: "number" }, { type: "integer" }] })).toEqual([
      "$ matches 2 branches of oneOf, expected exactly one",
    ]);
  });

  it("checks enum, date-time and additionalProperties: false", () => {
    expect(problems("maybe", { type: "string", enum: ["open", "closed"] })).toEqual([
      '$ must be one of "open", "closed", got "maybe"',
    ]);
    expect(problems("2024-05-01 12:00", { type: "string", format: "date-time" })).toEqual([
      '$ must be an RFC 3339 date-time, got "2024-05-01 12:00"',
    ]);
    expect(problems({ a: 1, b: 2 }, { type: "object", properties: { a: {} }, additionalProperties: false })).toEqual([
      "$.b is not allowed",
    ]);
  });
});
