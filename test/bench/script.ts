// The flight-delays job as a competent engineer would write it without a
// framework: the baseline `npm run bench` compares Bulkhead against.
//
// Row group by row group with hyparquet; zod safeParse per record (the same
// schema as the pipeline); the origin and destination state from
// airports.csv; JSON.stringify per record into ~1 MiB buffered writes; per
// route totals folded in the same pass and written to SQLite at the end.
//
// Usage: node --import tsx test/bench/script.ts <flights.parquet> <out-dir>
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { z } from "zod";
import { PLAUSIBLE_DELAY, type RouteTotals, addFlight, finishRoute, flightSchema } from "./flights-schema.js";

const DATA = "node_modules/vega-datasets/data";

async function main(): Promise<void> {
  const input = process.argv[2] ?? `${DATA}/flights-3m.parquet`;
  const outDir = process.argv[3] ?? "out/bench-script";
  mkdirSync(outDir, { recursive: true });

  const states = readAirportStates(`${DATA}/airports.csv`);
  const out = openSync(path.join(outDir, "flights.ndjson"), "w");
  const routes = new Map<string, RouteTotals>();
  let pending: string[] = [];
  let pendingLength = 0;
  let invalid = 0;
  let rows = 0;

  const file = await asyncBufferFromFile(input);
  const metadata = await parquetMetadataAsync(file);
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const records = await parquetReadObjects({
      file,
      metadata,
      rowStart: groupStart,
      rowEnd: groupEnd,
      compressors,
      parsers: { timestampFromMicroseconds: lastIso() },
    });
    groupStart = groupEnd;

    for (const raw of records) {
      rows++;
      raw.delay = Number(raw.delay);
      raw.distance = Number(raw.distance);
      const parsed = flightSchema.safeParse(raw);
      if (!parsed.success) {
        invalid++;
        continue;
      }
      const flight = parsed.data;
      const line = JSON.stringify({
        ...flight,
        origin_state: states.get(flight.origin) ?? null,
        destination_state: states.get(flight.destination) ?? null,
      });
      pending.push(line, "\n");
      pendingLength += line.length + 1;
      if (pendingLength >= 1 << 20) {
        writeSync(out, pending.join(""));
        pending = [];
        pendingLength = 0;
      }

      const key = `${flight.origin}-${flight.destination}`;
      let acc = routes.get(key);
      if (!acc) routes.set(key, (acc = { flights: 0, excluded: 0, delaySum: 0, late: 0, maxDelay: null }));
      addFlight(acc, flight.delay);
    }
  }
  writeSync(out, pending.join(""));
  closeSync(out);

  writeRoutes(path.join(outDir, "routes.sqlite"), routes);
  process.stderr.write(`script: ${rows} rows, ${invalid} invalid, ${routes.size} routes (plausible ${PLAUSIBLE_DELAY.min}..${PLAUSIBLE_DELAY.max})\n`);
}

/** iata → state, "NA" as null, from the airports CSV. */
function readAirportStates(file: string): Map<string, string | null> {
  const rows = parse(readFileSync(file), { columns: true }) as Array<Record<string, string>>;
  const airport = z.object({ iata: z.string(), state: z.string() });
  const states = new Map<string, string | null>();
  for (const row of rows) {
    const { iata, state } = airport.parse(row);
    states.set(iata, state === "NA" ? null : state);
  }
  return states;
}

/** Microsecond timestamps as ISO text, remembering the last (they repeat). */
function lastIso(): (micros: bigint) => string {
  let last: bigint | undefined;
  let text = "";
  return (micros) => {
    if (micros !== last) {
      last = micros;
      text = new Date(Number(micros / 1000n)).toISOString();
    }
    return text;
  };
}

function writeRoutes(file: string, routes: Map<string, RouteTotals>): void {
  const db = new Database(file);
  db.exec("DROP TABLE IF EXISTS route_delays");
  db.exec(
    "CREATE TABLE route_delays (route TEXT PRIMARY KEY, origin TEXT, destination TEXT, flights INTEGER, excluded_implausible INTEGER, mean_delay REAL, late_share REAL, max_delay INTEGER)",
  );
  const insert = db.prepare(
    "INSERT INTO route_delays VALUES (@route, @origin, @destination, @flights, @excluded_implausible, @mean_delay, @late_share, @max_delay)",
  );
  db.transaction(() => {
    for (const key of [...routes.keys()].sort()) insert.run(finishRoute(key, routes.get(key)!));
  })();
  db.close();
}

await main();
