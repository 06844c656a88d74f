import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeRedactor, redactDeep } from "../../src/alert/redact.js";

// A secret with a quote, a backslash, a non-ASCII letter and URL-special
// characters, so that every encoding below differs from the raw value.
const SECRET = 'pa"ss\\wörd/+?~42>';

// Its encodings, written out by hand (not computed by the code under test).
const FORMS: Record<string, string> = {
  raw: SECRET,
  base64: "cGEic3Ncd8O2cmQvKz9+NDI+",
  "base64 url-safe": "cGEic3Ncd8O2cmQvKz9-NDI-",
  "base64 of value + newline": "cGEic3Ncd8O2cmQvKz9+NDI+Cg==",
  "base64 of value + newline, unpadded": "cGEic3Ncd8O2cmQvKz9+NDI+Cg",
  "base64 url-safe of value + newline": "cGEic3Ncd8O2cmQvKz9-NDI-Cg",
  "percent-encoded": "pa%22ss%5Cw%C3%B6rd%2F%2B%3F~42%3E",
  "percent-encoded, lower-case hex": "pa%22ss%5cw%c3%b6rd%2f%2b%3f~42%3e",
  "JSON-escaped": 'pa\\"ss\\\\wörd/+?~42>',
  "HTML-escaped": "pa&quot;ss\\wörd/+?~42&gt;",
};

describe("makeRedactor: known secrets", () => {
  const redact = makeRedactor([SECRET]);

  it("the hand-written base64 forms agree with btoa", () => {
    const utf8 = String.fromCharCode(...new TextEncoder().encode(SECRET));
    expect(btoa(utf8)).toBe(FORMS.base64);
    expect(btoa(`${utf8}\n`)).toBe(FORMS["base64 of value + newline"]);
  });

  for (const [form, encoded] of Object.entries(FORMS)) {
    it(`masks the secret's ${form} form`, () => {
      const text = `before ${encoded} after`;
      const out = redact(text);
      expect(out).toBe("before *** after");
      for (const value of Object.values(FORMS)) expect(out).not.toContain(value);
    });
  }

  it("masks every occurrence, also inside JSON of a whole object", () => {
    const json = JSON.stringify({ password: SECRET, again: [SECRET] });
    const out = redact(`${json} ${SECRET}${SECRET}`);
    expect(out).toBe('{"password":"***","again":["***"]} ******');
  });

  it("masks a secret wherever it sits in any text (property)", () => {
    const noStar = fc.string().filter((s) => !s.includes("*"));
    fc.assert(
      fc.property(noStar, noStar, (before, after) => {
        const out = redact(before + SECRET + after);
        expect(out).not.toContain(SECRET);
      }),
    );
  });

  it("ignores secrets shorter than 4 characters and empty ones", () => {
    const short = makeRedactor(["", "a", "42", "abc"]);
    expect(short("abc 42 a")).toBe("abc 42 a");
  });

  it("masks a 4-character secret", () => {
    expect(makeRedactor(["k3y!"])("key=k3y! at row 4")).toBe("key=*** at row 4");
  });

  it("masks the longer of two overlapping secrets whole", () => {
    const both = makeRedactor(["hunter22", "hunter22-extra"]);
    expect(both("x hunter22-extra y hunter22 z")).toBe("x *** y *** z");
  });
});

describe("makeRedactor: credential patterns", () => {
  const redact = makeRedactor([]);
  const cases: Array<[string, string, string]> = [
    [
      "a postgres URL with a password",
      "could not connect to postgres://etl:Sup3r-S3cret@db.internal:5432/flights",
      "could not connect to postgres://etl:***@db.internal:5432/flights",
    ],
    [
      "an https URL with user and password",
      "GET https://bob:hunter2@example.com/x failed",
      "GET https://bob:***@example.com/x failed",
    ],
    [
      "a token used as the user name of a URL",
      "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/data",
      "git clone https://***@github.com/acme/data",
    ],
    [
      "a Slack webhook URL",
      "POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/aBcDeFgHiJkLmNoPqRsTuVwX failed",
      "POST https://hooks.slack.com/services/*** failed",
    ],
    [
      "a percent-encoded Slack webhook URL",
      "?hook=https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0123%2FB0456%2FaBcDeF",
      "?hook=https%3A%2F%2Fhooks.slack.com%2Fservices/***",
    ],
    [
      "an Authorization: Bearer header",
      "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
      "Authorization: Bearer ***",
    ],
    [
      "an Authorization: token header",
      "authorization: token abc123def456",
      "authorization: token ***",
    ],
    [
      "an Authorization header in JSON",
      '{"Authorization":"Bearer abc.def.ghi","x":1}',
      '{"Authorization":"Bearer ***","x":1}',
    ],
    [
      "a Bearer token outside a header",
      "curl -H 'Bearer 0123456789abcdef' https://api.example.com",
      "curl -H 'Bearer ***' https://api.example.com",
    ],
    ["a Basic header (base64 of user:password)", "Basic dXNlcjpwYXNzd29yZA==", "Basic ***"],
    [
      "GitHub tokens",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789 ghs_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "ghp_*** ghs_*** github_pat_***",
    ],
    ["a Slack bot token", "token xoxb-1234567890-abcdefghij", "token xoxb-***"],
    [
      "password and token assignments",
      "PGPASSWORD=hunter2 psql; api_key: k-123; ?access_token=abc&x=1",
      "PGPASSWORD=*** psql; api_key: ***; ?access_token=***&x=1",
    ],
  ];
  for (const [what, text, expected] of cases) {
    it(`masks ${what}`, () => {
      expect(redact(text)).toBe(expected);
    });
  }

  it("leaves ordinary text alone", () => {
    const text = [
      "Basic authentication failed for stage enrich",
      "visit https://github.com/acme/data/actions/runs/42 or ssh to db.internal:5432",
      "max_tokens=5, row 1,200,000, bearer of bad news",
    ].join("\n");
    expect(redact(text)).toBe(text);
  });

  it("is idempotent (property)", () => {
    const fragments = fc.constantFrom(
      "password=", "Bearer ", "Basic ", "https://", "postgres://u", ":", "@", "/h",
      " ", "\n", '"', "abc123XYZ", "Authorization: ", "token ", "ghp_",
      "abcdefghijklmnopqrstuvwxyz", "hooks.slack.com/services/", "T1/B2/x", "***",
    );
    const redactSecret = makeRedactor(["s3cret-value"]);
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.constant("s3cret-value"))), (parts) => {
        const once = redactSecret(parts.join(""));
        expect(redactSecret(once)).toBe(once);
      }),
    );
  });
});

describe("redactDeep", () => {
  const redact = makeRedactor(["s3cret-value"]);

  it("masks strings in nested objects and arrays, keys included, without touching the input", () => {
    const input = {
      error: "login with s3cret-value failed",
      cursor: { row: 12, token: ["s3cret-value", 7] },
      "s3cret-value": true,
      at: new Date(0),
    };
    const out = redactDeep(input, redact);
    expect(out).toEqual({
      error: "login with *** failed",
      cursor: { row: 12, token: ["***", 7] },
      "***": true,
      at: new Date(0),
    });
    expect(input.error).toBe("login with s3cret-value failed");
  });

  it("keeps cycles instead of recursing forever", () => {
    const input: Record<string, unknown> = { name: "s3cret-value" };
    input.self = input;
    const out = redactDeep(input, redact);
    expect(out.name).toBe("***");
    expect(out.self).toBe(out);
  });
});
