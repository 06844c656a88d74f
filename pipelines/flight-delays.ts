// The example pipeline: 3,000,000 US flights (Jan–Jun 2001) from the
// vega-datasets package, enriched with each airport's state, checked, and
// summed up per route into a SQLite table.
//
//   airports ──gate──▶ flights (2 shards) ──gate──▶ route-delays
//
// Run it: npx bulkhead run pipelines/flight-delays.ts
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

const DATA = "node_modules/vega-datasets/data";

/** The airports table; "NA" is how the file spells a missing city or state. */
const airports = defineStage({
  id: "airports",
  description: "Airports with their state, for the lookup in `flights`",
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
  checks: [
    rowCount({ min: 3_000 }),
    unique("iata"),
    notNull("state", { severity: "warn", name: "every airport has a state" }),
  ],
});

/** Where the US Department of Transportation's numbers stop being plausible. */
const PLAUSIBLE_DELAY = { min: -120, max: 1_440 };

const flightSchema = z.object({
  date: z.iso.datetime(),
  delay: z.int(),
  distance: z.int().positive(),
  origin: z.string().length(3),
  destination: z.string().length(3),
});

const flights = defineStage({
  id: "flights",
  needs: ["airports"],
  description: "Every flight, checked and enriched with the origin and destination state",
  source: parquet({ path: `${DATA}/flights-3m.parquet` }),
  schema: flightSchema,
  invalid: { maxFraction: 0.001 },
  shards: 2,
  batchSize: 20_000,
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
    rowCount({ min: 2_900_000, relativeToLastSuccess: { minRatio: 0.9, maxRatio: 1.1 } }),
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

/** Per-route totals; delays outside the plausible range are left out. */
const routeDelays = defineStage({
  id: "route-delays",
  needs: ["flights"],
  description: "Flights, mean delay and share of late flights per route",
  source: dataset("flights"),
  aggregate: {
    groupBy: (f) => `${f.origin}-${f.destination}`,
    initial: (): RouteTotals => ({ flights: 0, excluded: 0, delaySum: 0, late: 0, maxDelay: null }),
    add: (acc: RouteTotals, f) => addFlight(acc, f.delay as number),
    finish: (route, acc: RouteTotals) => {
      const [origin, destination] = route.split("-");
      return {
        route,
        origin,
        destination,
        flights: acc.flights,
        excluded_implausible: acc.excluded,
        mean_delay: acc.flights > 0 ? Math.round((acc.delaySum / acc.flights) * 100) / 100 : null,
        late_share: acc.flights > 0 ? Math.round((acc.late / acc.flights) * 10_000) / 10_000 : null,
        max_delay: acc.maxDelay,
      };
    },
  },
  output: sqliteTable({ path: "out/flight-delays.sqlite", table: "route_delays", key: "route" }),
  checks: [rowCount({ min: 3_000, max: 4_000 }), unique("route"), notNull("mean_delay", { severity: "warn" })],
});

interface RouteTotals {
  flights: number;
  excluded: number;
  delaySum: number;
  late: number;
  /** null until a plausible flight is seen (JSON has no -Infinity). */
  maxDelay: number | null;
}

/** A flight counts as late from 15 minutes on, as the DOT counts it. */
function addFlight(acc: RouteTotals, delay: number): RouteTotals {
  if (delay < PLAUSIBLE_DELAY.min || delay > PLAUSIBLE_DELAY.max) {
    acc.excluded += 1;
    return acc;
  }
  acc.flights += 1;
  acc.delaySum += delay;
  if (delay >= 15) acc.late += 1;
  if (acc.maxDelay === null || delay > acc.maxDelay) acc.maxDelay = delay;
  return acc;
}

export default definePipeline({
  name: "flight-delays",
  description: "US flight delays Jan–Jun 2001, per route",
  schedule: "0 6 * * 1",
  stages: [airports, flights, routeDelays],
});
