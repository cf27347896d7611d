/**
 * How much search one analysis may do. The engine is exact, and a policy within IAM's size limit can
 * still hold patterns whose automata grow exponentially (unions of `*a*b*` values): such a policy is
 * refused, naming the statement and condition key, instead of being analysed for minutes.
 *
 * The budget counts steps (one per runner per transition tried, one per clause per choice weighed), so
 * the same policy is decided or refused the same way on any machine and under any load; an optional
 * deadline bounds wall-clock time on top. One budget covers everything a whole analysis does (lint
 * runs every rule of a policy under one), so no policy costs more than one budget.
 */
export interface BudgetOptions {
  /** Steps one analysis may take; `DEFAULT_STEPS` when not given. */
  steps?: number;
  /** Wall-clock milliseconds one analysis may take, checked every `CHECK_EVERY` steps; no limit by default. */
  milliseconds?: number;
}

/**
 * Under a second of CPU for the costliest searches: the adversarial families of the engine bench
 * (unions of subsequence patterns, many values with inner wildcards) are refused in 0.4-0.8 s of CPU
 * on a busy 2-core build machine (Node 20), while a realistic policy's whole lint takes under 0.2 M steps
 * and the costliest policy of the real-world test corpus (job_workflow_ref patterns) 3.5 M.
 */
export const DEFAULT_STEPS = 10_000_000;

const CHECK_EVERY = 4096;

/** Where an analysis ran out of budget: the statement (by index and Sid) and the condition key it was on. */
export interface ComplexityPlace {
  statement: number;
  sid?: string;
  key: string;
}

export class ComplexityError extends Error {
  constructor(readonly place?: ComplexityPlace) {
    super(
      `the policy is too complex to analyse exactly: ${place ? placeText(place) : 'it'} needs more search than the budget allows`,
    );
    this.name = 'ComplexityError';
  }
}

function placeText(place: ComplexityPlace): string {
  return `condition key ${place.key} in statement ${place.statement}${place.sid ? ` (${place.sid})` : ''}`;
}

export class Budget {
  private left: number;
  private spent = 0;
  private nextCheck = CHECK_EVERY;

  constructor(
    steps: number,
    private readonly deadline?: number,
  ) {
    this.left = steps;
  }

  /** Takes `steps` from the budget; throws ComplexityError once it is used up or past its deadline. */
  spend(steps: number): void {
    this.left -= steps;
    this.spent += steps;
    if (this.left < 0) throw new ComplexityError();
    if (this.deadline !== undefined && this.spent >= this.nextCheck) {
      this.nextCheck = this.spent + CHECK_EVERY;
      if (performance.now() > this.deadline) throw new ComplexityError();
    }
  }

  get used(): number {
    return this.spent;
  }

  /**
   * Runs `work` on a share of what is left: running out there throws inside `work` but leaves the rest
   * of this budget to the analysis (for a refinement the caller can do without).
   */
  part<T>(share: number, work: () => T): T {
    const child = new Budget(Math.floor(Math.max(0, this.left) * share), this.deadline);
    const outer = active;
    active = child;
    try {
      return work();
    } finally {
      active = outer;
      this.left -= child.spent;
      this.spent += child.spent;
    }
  }
}

let active: Budget | undefined;

/**
 * Runs `work` under the analysis's budget: the one already running (an inner search shares its
 * caller's), or a new one from `options`.
 */
export function withinBudget<T>(options: BudgetOptions | undefined, work: (budget: Budget) => T): T {
  if (active) return work(active);
  const ms = options?.milliseconds;
  active = new Budget(options?.steps ?? DEFAULT_STEPS, ms === undefined ? undefined : performance.now() + ms);
  try {
    return work(active);
  } finally {
    active = undefined;
  }
}
