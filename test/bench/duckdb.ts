// The flight-delays job as DuckDB SQL: the speed-of-light anchor of
// `npm run bench`. Same inputs, the same rules as the zod schema in SQL,
// the origin and destination state joined in, NDJSON out, totals per route.
//
// Usage: node --import tsx test/bench/duckdb.ts <flights.parquet> <out-dir>
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PLAUSIBLE_DELAY } from "./flights-schema.js";

const DATA = "node_modules/vega-datasets/data";
const input = path.resolve(process.argv[2] ?? `${DATA}/flights-3m.parquet`);
const outDir = path.resolve(process.argv[3] ?? "out/bench-duckdb");
mkdirSync(outDir, { recursive: true });
const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(":memory:");
const db = await instance.connect();
await db.run(`
  CREATE TABLE airports AS
  SELECT iata, CASE WHEN state = 'NA' THEN NULL ELSE state END AS state
  FROM read_csv(${quote(path.resolve(DATA, "airports.csv"))}, header = true, all_varchar = true)`);
// The schema's rules: an ISO datetime, whole delay and distance, distance
// above 0, three-letter airports.
const valid = `date IS NOT NULL AND delay IS NOT NULL AND distance > 0
  AND length(origin) = 3 AND length(destination) = 3`;
await db.run(`
  COPY (
    SELECT strftime(f.date, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS date, f.delay, f.distance, f.origin, f.destination,
           o.state AS origin_state, d.state AS destination_state
    FROM read_parquet(${quote(input)}) f
    LEFT JOIN airports o ON o.iata = f.origin
    LEFT JOIN airports d ON d.iata = f.destination
    WHERE ${valid}
  ) TO ${quote(path.join(outDir, "flights.ndjson"))} (FORMAT json)`);
const plausible = `delay BETWEEN ${PLAUSIBLE_DELAY.min} AND ${PLAUSIBLE_DELAY.max}`;
await db.run(`
  COPY (
    SELECT origin || '-' || destination AS route, origin, destination,
           count(*) FILTER (WHERE ${plausible}) AS flights,
           count(*) FILTER (WHERE NOT (${plausible})) AS excluded_implausible,
           round(avg(delay) FILTER (WHERE ${plausible}), 2) AS mean_delay,
           round(avg(CASE WHEN delay >= 15 THEN 1 ELSE 0 END) FILTER (WHERE ${plausible}), 4) AS late_share,
           max(delay) FILTER (WHERE ${plausible}) AS max_delay
    FROM read_parquet(${quote(input)}) WHERE ${valid}
    GROUP BY ALL ORDER BY route
  ) TO ${quote(path.join(outDir, "routes.json"))} (FORMAT json)`);
db.closeSync();
