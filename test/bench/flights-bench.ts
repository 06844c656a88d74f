// The flight-delays job as `npm run bench` runs it through the real CLI: the
// stages of pipelines/flight-delays.ts, with knobs from the environment.
//
//   BULKHEAD_BENCH_SHARDS           shards of `flights` (default 1)
//   BULKHEAD_BENCH_INPUT            the flights Parquet file (default flights-3m)
//   BULKHEAD_BENCH_CHECKPOINT_ROWS  rows between checkpoints (default: the
//                                   stage default; "none" = never until done)
//   BULKHEAD_BENCH_OUT              the SQLite file of the route totals
//
// It does the work test/bench/script.ts does: read, validate with the same
// zod schema, add the origin and destination state, write NDJSON, total per
// route. The route totals come from their own stage, which reads the Parquet
// file itself (three columns, checked by the same schema's rules for them)
// instead of re-reading the 430 MB NDJSON the `flights` stage writes: that
// is cheaper, and it needs nothing from `flights`, so it runs before it.
// Its whole cost is part of every bulkhead time the bench reports.
import {
  csv,
  dataset,
  definePipeline,
  defineStage,
  freshness,
  invalidFraction,
  mean,
  ndjsonDataset,
  notNull,
  parquet,
  quantile,
  range,
  rowCount,
  sqliteTable,
  unique,
  z,
} from "bulkhead";
import { PLAUSIBLE_DELAY, type RouteTotals, addFlight, finishRoute, flightSchema } from "./flights-schema.js";

const DATA = "node_modules/vega-datasets/data";
const env = process.env;
const INPUT = env.BULKHEAD_BENCH_INPUT ?? `${DATA}/flights-3m.parquet`;
const SHARDS = Number(env.BULKHEAD_BENCH_SHARDS ?? 1);
const CHECKPOINT =
  env.BULKHEAD_BENCH_CHECKPOINT_ROWS === "none"
    ? { everyRows: 1_000_000_000, everySeconds: 1_000_000 }
    : env.BULKHEAD_BENCH_CHECKPOINT_ROWS
      ? { everyRows: Number(env.BULKHEAD_BENCH_CHECKPOINT_ROWS) }
      : undefined;

const airports = defineStage({
  id: "airports",
  source: csv({ path: `${DATA}/airports.csv` }),
  schema: z.object({
    iata: z.string().regex(/^[A-Z0-9]{3,4}$/, "expected a 3–4 character IATA code"),
    name: z.string().min(1),
    city: z.string(),
    state: z.string(),
    country: z.string(),
    latitude: z.coerce.number().min(-90).max(90),
    longitude: z.coerce.number().min(-180).max(180),
  }),
  transform: (airport) => ({
    ...airport,
    city: airport.city === "NA" ? null : airport.city,
    state: airport.state === "NA" ? null : airport.state,
  }),
  output: ndjsonDataset(),
  checks: [rowCount({ min: 3_000 }), unique("iata")],
});

const routeDelays = defineStage({
  id: "route-delays",
  source: parquet({ path: INPUT, columns: ["delay", "origin", "destination"] }),
  schema: flightSchema.pick({ delay: true, origin: true, destination: true }),
  invalid: { maxFraction: 0.001 },
  batchSize: 20_000,
  ...(CHECKPOINT ? { checkpoint: CHECKPOINT } : {}),
  aggregate: {
    groupBy: (f) => `${f.origin}-${f.destination}`,
    initial: (): RouteTotals => ({ flights: 0, excluded: 0, delaySum: 0, late: 0, maxDelay: null }),
    add: (acc: RouteTotals, f) => addFlight(acc, f.delay as number),
    finish: (route, acc: RouteTotals) => finishRoute(route, acc),
  },
  output: sqliteTable({ path: env.BULKHEAD_BENCH_OUT ?? "out/bench-routes.sqlite", table: "route_delays", key: "route" }),
  checks: [rowCount({ min: 3_000, max: 4_000 }), unique("route"), notNull("mean_delay", { severity: "warn" })],
});

const flights = defineStage({
  id: "flights",
  needs: ["airports"],
  source: parquet({ path: INPUT }),
  schema: flightSchema,
  invalid: { maxFraction: 0.001 },
  shards: SHARDS,
  batchSize: 20_000,
  ...(CHECKPOINT ? { checkpoint: CHECKPOINT } : {}),
  setup: async (ctx) => {
    const rows = await ctx.readAll(dataset("airports"));
    return new Map(rows.map((a) => [a.iata as string, (a.state as string | null) ?? null]));
  },
  transform: (flight, ctx) => ({
    ...flight,
    origin_state: ctx.state.get(flight.origin) ?? null,
    destination_state: ctx.state.get(flight.destination) ?? null,
  }),
  output: ndjsonDataset(),
  checks: [
    rowCount({ min: 2_900_000 }),
    invalidFraction({ max: 0.001 }),
    notNull("origin_state", { severity: "warn" }),
    range("delay", { ...PLAUSIBLE_DELAY, severity: "warn", name: "delay is plausible (minutes)" }),
    freshness("date", {
      window: { from: "2001-01-01T00:00:00Z", to: "2001-07-01T00:00:00Z" },
      severity: "warn",
      name: "flight dated inside Jan–Jun 2001",
    }),
    mean("delay", { min: -15, max: 60 }),
    quantile("delay", 0.99, { max: 300 }),
  ],
});

export default definePipeline({
  name: "flights-bench",
  description: "The flight-delays job, for npm run bench",
  stages: [airports, routeDelays, flights],
});
