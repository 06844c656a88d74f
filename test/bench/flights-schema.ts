// What the bench's script and pipeline share with pipelines/flight-delays.ts:
// the record schema of a flight and the per-route totals.
import { z } from "zod";

/** Where the US Department of Transportation's numbers stop being plausible. */
export const PLAUSIBLE_DELAY = { min: -120, max: 1_440 };

/** The same record schema as the `flights` stage of pipelines/flight-delays.ts. */
export const flightSchema = z.object({
  date: z.iso.datetime(),
  delay: z.int(),
  distance: z.int().positive(),
  origin: z.string().length(3),
  destination: z.string().length(3),
});

export interface RouteTotals {
  flights: number;
  excluded: number;
  delaySum: number;
  late: number;
  /** null until a plausible flight is seen (JSON has no -Infinity). */
  maxDelay: number | null;
}

/** A flight counts as late from 15 minutes on, as the DOT counts it. */
export function addFlight(acc: RouteTotals, delay: number): RouteTotals {
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

/** The output row of one route. */
export function finishRoute(route: string, acc: RouteTotals) {
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
}
