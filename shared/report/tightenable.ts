import type { AssumptionCount } from '../findings/store.js';
import type { GitHubSettings } from '../github/templates.js';
import type { Role } from '../inventory/snapshot.js';
import { witnessText } from '../policy/token-text.js';
import { DEFAULT_MIN_DAYS } from '../tighten/guardrails.js';
import { observationWindow, roleNameOf } from '../tighten/observed.js';
import { tighten } from '../tighten/tighten.js';
import { bound } from './bounded.js';
import { plural } from './format.js';
import type { Tightenable, TrustedRole } from './model.js';
import type { Month } from './month.js';

/** Roles listed in the section; the total counts them all. */
const TIGHTENABLE_LIMIT = 50;
/** The counters a report reads reach 90 days back from the end of the month. */
const WINDOW_DAYS = 90;

/** What a role admits now, in words, from the trust section's analysis. */
export function admittedInWords(role: TrustedRole): string {
  if (role.anyOwner) return 'repositories of any owner';
  const parts = role.owners.map((o) =>
    o.anyRepository
      ? `any repository of ${o.name}`
      : o.repositories.length > 0
        ? `${plural(o.repositories.length, 'repository', 'repositories')} of ${o.name}`
        : `some repositories of ${o.name}`,
  );
  return parts.join(', ') || 'no repository';
}

/**
 * GitHub-trusted roles whose use in the 90 days to the end of the month is a strict subset of what
 * their trust policy admits, each with what it admits, what used it and a token the narrower policy
 * (`trustwatch tighten`) would refuse; and the roles with too little activity to say.
 */
export function tightenable(input: {
  roles: Role[];
  analysed: TrustedRole[];
  counts: readonly AssumptionCount[];
  month: Month;
  github?: GitHubSettings;
  minDays?: number;
}): Tightenable {
  const window = observationWindow(input.month.days.at(-1) as string, WINDOW_DAYS);
  const rows: Tightenable['roles']['items'] = [];
  const tooLittleActivity: Tightenable['tooLittleActivity'] = [];
  // Each role's counters, and roles by ARN, found once: an account has thousands of each.
  const rolesByArn = new Map(input.roles.map((r) => [r.arn, r]));
  const countsByRole = new Map<string, AssumptionCount[]>();
  for (const c of input.counts) {
    const name = roleNameOf(c.roleArn);
    const list = countsByRole.get(name);
    if (list) list.push(c);
    else countsByRole.set(name, [c]);
  }
  // In the trust section's order: widest first.
  for (const analysis of input.analysed) {
    const role = rolesByArn.get(analysis.arn);
    if (!role || analysis.problem || typeof role.trustPolicy !== 'object' || role.trustPolicy === null)
      continue;
    let result: ReturnType<typeof tighten>;
    try {
      result = tighten({
        role: role.name,
        policy: role.trustPolicy as Record<string, unknown>,
        counts: countsByRole.get(role.name) ?? [],
        window,
        ...(input.github ? { github: input.github } : {}),
        ...(input.minDays !== undefined ? { minDays: input.minDays } : {}),
      });
    } catch {
      // The trust section already says why a policy could not be analysed.
      continue;
    }
    const w = result.observedWindow;
    if (w.daysOfData > 0 && w.daysOfData < w.minDays) {
      tooLittleActivity.push({ role: role.name, daysOfData: w.daysOfData });
      continue;
    }
    if (result.verdict !== 'narrower') continue;
    const [example] = result.noLongerAdmitted;
    rows.push({
      role: role.name,
      admits: admittedInWords(analysis),
      patterns: analysis.subjects,
      observed: result.stillAdmitted.map((s) => s.subject).sort(),
      assumptions: result.stillAdmitted.reduce((a, s) => a + s.assumptions, 0),
      daysOfData: w.daysOfData,
      example: example ? witnessText(example) : null,
    });
  }
  return {
    window,
    minDays: input.minDays ?? DEFAULT_MIN_DAYS,
    roles: bound(rows, TIGHTENABLE_LIMIT),
    tooLittleActivity,
  };
}
