// Stage ordering: `needs` must name known stages, ids must be unique and
// the graph must have no cycle.

export interface GraphProblem {
  path: (string | number)[];
  message: string;
}

interface StageLike {
  id?: unknown;
  needs?: unknown;
}

/**
 * Orders stages so each comes after everything it needs (stable: ties keep
 * definition order). Returns the problems instead of throwing, so they can
 * be reported together with schema problems.
 */
export function orderStages<S extends StageLike>(
  stages: readonly S[],
): { order: S[]; problems: GraphProblem[] } {
  const problems: GraphProblem[] = [];
  const byId = new Map<string, S>();
  stages.forEach((stage, index) => {
    if (typeof stage?.id !== "string") return;
    if (byId.has(stage.id)) {
      problems.push({ path: ["stages", index, "id"], message: `duplicate stage id "${stage.id}"` });
    } else byId.set(stage.id, stage);
  });

  const needsOf = (stage: S): string[] =>
    Array.isArray(stage?.needs) ? stage.needs.filter((n): n is string => typeof n === "string") : [];
  stages.forEach((stage, index) => {
    needsOf(stage).forEach((need, needIndex) => {
      if (!byId.has(need)) {
        problems.push({
          path: ["stages", index, "needs", needIndex],
          message: `unknown stage "${need}"`,
        });
      }
    });
  });

  const order: S[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (stage: S, trail: string[]): void => {
    const id = stage.id as string;
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(id)), id].join(" → ");
      const index = stages.indexOf(stage);
      problems.push({ path: ["stages", index, "needs"], message: `cycle: ${cycle}` });
      return;
    }
    state.set(id, "visiting");
    for (const need of needsOf(stage)) {
      const upstream = byId.get(need);
      if (upstream) visit(upstream, [...trail, id]);
    }
    state.set(id, "done");
    order.push(stage);
  };
  for (const stage of byId.values()) visit(stage, []);
  return { order, problems };
}
