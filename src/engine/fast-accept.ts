// A precompiled fast path for the common record schema: a z.object of
// plain strings, numbers and booleans with simple checks. It only ever says
// "zod would accept this record and return an equal object": anything it
// is not sure of goes to the schema's own safeParse, which stays the only
// judge of invalid records and of every schema it does not understand.
import type { z } from "zod";
import type { Row } from "../pipeline/types.js";

/** True only when `schema.safeParse(record)` would succeed with data deep-equal to `record`, same key order. */
export type AcceptRecord = (record: Row) => boolean;

type Accept = (value: unknown) => boolean;

interface Def {
  type?: string;
  check?: string;
  coerce?: boolean;
  checks?: Array<{ _zod: { def: Def } }>;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  when?: unknown;
  format?: string;
  pattern?: RegExp;
  value?: unknown;
  inclusive?: boolean;
  length?: number;
  minimum?: number;
  maximum?: number;
}

/** Formats whose whole check is their pattern (see zod's $ZodCheckStringFormat). */
const PATTERN_FORMATS = new Set(["regex", "datetime", "date", "time", "uuid", "guid", "email"]);
/** Ranges of zod's number formats (util.NUMBER_FORMAT_RANGES). */
const NUMBER_FORMATS: Record<string, [number, number, boolean]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true],
  int32: [-2147483648, 2147483647, true],
  uint32: [0, 4294967295, true],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38, false],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE, false],
};
/** Lone or paired UTF-16 surrogates: zod counts code points, so leave such strings to it. */
const SURROGATE = /[\uD800-\uDFFF]/;

const compiled = new WeakMap<object, AcceptRecord | null>();

/** The fast path for `schema`, or null when its shape is not one this understands. */
export function fastAcceptOf(schema: z.ZodType): AcceptRecord | null {
  if (compiled.has(schema)) return compiled.get(schema)!;
  let accept: AcceptRecord | null = null;
  try {
    accept = compileObject(defOf(schema));
  } catch {
    accept = null;
  }
  compiled.set(schema, accept);
  return accept;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function compileObject(def: Def): AcceptRecord | null {
  if (def.type !== "object" || def.checks?.length || !def.shape) return null;
  const keys = Object.keys(def.shape);
  const fields: Accept[] = [];
  for (const key of keys) {
    const field = compileField(defOf(def.shape[key]));
    if (!field) return null;
    fields.push(field);
  }
  const count = keys.length;
  return (record) => {
    if (Object.getPrototypeOf(record) !== Object.prototype) return false;
    // Exactly the shape's keys, in its order: then zod's output is equal.
    let i = 0;
    for (const key in record) {
      if (i >= count || key !== keys[i]) return false;
      if (!fields[i](record[key])) return false;
      i++;
    }
    return i === count;
  };
}

function compileField(def: Def): Accept | null {
  if (def.coerce) return null;
  if (def.type === "nullable") {
    if (def.checks?.length) return null;
    const inner = def.innerType && compileField(defOf(def.innerType));
    return inner ? (value) => value === null || inner(value) : null;
  }
  const checks = [...(def.check ? [def] : []), ...(def.checks ?? []).map((check) => check._zod.def)];
  switch (def.type) {
    case "string":
      return all((value) => typeof value === "string", checks.map(stringCheck));
    case "number":
      return all((value) => typeof value === "number" && Number.isFinite(value), checks.map(numberCheck));
    case "boolean":
      return checks.length === 0 ? (value) => typeof value === "boolean" : null;
    default:
      return null;
  }
}

function all(type: Accept, checks: Array<Accept | null>): Accept | null {
  if (checks.some((check) => check === null)) return null;
  const list = checks as Accept[];
  if (list.length === 0) return type;
  if (list.length === 1) {
    const [only] = list;
    return (value) => type(value) && only(value);
  }
  return (value) => {
    if (!type(value)) return false;
    for (const check of list) if (!check(value)) return false;
    return true;
  };
}

function stringCheck(def: Def): Accept | null {
  switch (def.check) {
    case "length_equals": {
      const length = def.length!;
      return (value) => (value as string).length === length && !SURROGATE.test(value as string);
    }
    case "min_length": {
      const minimum = def.minimum!;
      return (value) => (value as string).length >= minimum && !SURROGATE.test(value as string);
    }
    case "max_length": {
      const maximum = def.maximum!;
      return (value) => (value as string).length <= maximum && !SURROGATE.test(value as string);
    }
    case "string_format": {
      if (def.when || !def.format || !PATTERN_FORMATS.has(def.format) || !(def.pattern instanceof RegExp)) return null;
      const pattern = def.pattern;
      return (value) => {
        pattern.lastIndex = 0;
        return pattern.test(value as string);
      };
    }
    default:
      return null;
  }
}

function numberCheck(def: Def): Accept | null {
  if (def.when) return null;
  switch (def.check) {
    case "number_format": {
      const range = NUMBER_FORMATS[def.format ?? "float64"];
      if (!range) return null;
      const [minimum, maximum, integer] = range;
      return integer
        ? (value) => Number.isSafeInteger(value) && (value as number) >= minimum && (value as number) <= maximum
        : (value) => (value as number) >= minimum && (value as number) <= maximum;
    }
    case "greater_than": {
      if (typeof def.value !== "number") return null;
      const bound = def.value;
      return def.inclusive ? (value) => (value as number) >= bound : (value) => (value as number) > bound;
    }
    case "less_than": {
      if (typeof def.value !== "number") return null;
      const bound = def.value;
      return def.inclusive ? (value) => (value as number) <= bound : (value) => (value as number) < bound;
    }
    default:
      return null;
  }
}
