import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import type { PolicyDocument, Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { oracleAdmits, oracleFor } from '../../test/support/iam-oracle.js';
import {
  type BenchOptions,
  count,
  ms,
  repeat,
  type SuiteResult,
  scaled,
  seconds,
  showSpread,
  spread,
  summarize,
  target,
  timeAll,
  timeEach,
} from '../measure.js';
import { realisticPolicies, subjectsOf, trustPolicy } from '../realistic-policies.js';

const P = 'token.actions.githubusercontent.com';
const doc = (json: object) => parsePolicy(json).document;

/** Tokens near a policy's own patterns: its subjects with wildcards filled, other owners, other cases. */
function tokensFor(policy: object, count: number): Token[] {
  const subs = subjectsOf(policy);
  const out: Token[] = [];
  for (let i = 0; out.length < count; i++) {
    const base = (subs[i % Math.max(1, subs.length)] ?? 'repo:acme/app:ref:refs/heads/main').replace(
      /\*/g,
      i % 2 ? 'x' : 'main',
    );
    const variants = [
      base,
      base.replace(/^repo:[^/]+/, 'repo:other-org'),
      base.toUpperCase(),
      base.replace(':ref:', ':environment:'),
    ];
    out.push({
      provider: P,
      claims: { sub: variants[i % variants.length] as string, aud: i % 5 ? 'sts.amazonaws.com' : 'other' },
    });
  }
  return out;
}

interface Pair {
  text: string;
  policy: PolicyDocument;
  oracle: (token: Token) => boolean;
  token: Token;
}

/** Decisions per second of each pass of `decide` over every pair. */
function perSecond(pairs: Pair[], decide: (pair: Pair) => boolean): number {
  const t = timeAll(() => {
    for (const pair of pairs) decide(pair);
  });
  return pairs.length / (t / 1000);
}

/**
 * `admits` against iam-simulate on the same policy/token pairs, in two forms that give both sides the
 * same work: the policy already parsed (ours parsed by parsePolicy, theirs validated by
 * createValidatedPolicy, both outside the timing), and from the JSON text (both parse and validate the
 * text, then decide). Both are warmed up by a full pass of every form; then each run times one pass of
 * each form and side in turn, so that a busy moment weighs on both alike.
 */
function admitsThroughput(options: BenchOptions): SuiteResult {
  const policies = realisticPolicies(scaled(200, options), 7);
  const pairs: Pair[] = policies.flatMap((p) => {
    const oracle = oracleFor(p);
    return tokensFor(p, 10).map((token) => ({ text: JSON.stringify(p), policy: doc(p), oracle, token }));
  });
  const sides = {
    oursParsed: (p: Pair) => admits(p.policy, p.token),
    theirsParsed: (p: Pair) => p.oracle(p.token),
    oursJson: (p: Pair) => admits(parsePolicy(p.text).document, p.token),
    theirsJson: (p: Pair) => oracleAdmits(JSON.parse(p.text) as object, p.token),
  };
  for (const decide of Object.values(sides)) perSecond(pairs, decide);
  const rates: Record<keyof typeof sides, number[]> = {
    oursParsed: [],
    theirsParsed: [],
    oursJson: [],
    theirsJson: [],
  };
  for (let run = 0; run < options.runs; run++) {
    for (const side of Object.keys(sides) as (keyof typeof sides)[])
      rates[side].push(perSecond(pairs, sides[side]));
  }
  const ratios = (ours: number[], theirs: number[]) => spread(ours.map((o, i) => o / (theirs[i] as number)));
  const parsedRatio = ratios(rates.oursParsed, rates.theirsParsed);
  const jsonRatio = ratios(rates.oursJson, rates.theirsJson);
  const agree = pairs.filter((p) => sides.oursParsed(p) === sides.theirsParsed(p)).length;
  const rate = (v: number) => count(v);
  const times = (v: number) => `${v.toFixed(1)}×`;
  return {
    title: '`admits` against iam-simulate (decisions per second)',
    lines: [
      `${pairs.length.toLocaleString('en')} realistic policy/token pairs (${policies.length} policies, 10 tokens each). Both sides warmed up by a full pass; ${options.runs} timed passes per side and form, interleaved.`,
      '',
      '| form | what each side does per decision | trustwatch `admits` | iam-simulate | ratio |',
      '|---|---|---|---|---|',
      `| pre-parsed | both decide one token against the policy as each prepares it, prepared beforehand and untimed: trustwatch's \`parsePolicy\` result (which keeps the patterns compiled at its first decision, in the warm-up), iam-simulate's \`createValidatedPolicy\` result | ${showSpread(spread(rates.oursParsed), rate)} | ${showSpread(spread(rates.theirsParsed), rate)} | **${showSpread(parsedRatio, times)}** |`,
      `| from JSON | both parse and validate the policy's JSON text, then decide one token | ${showSpread(spread(rates.oursJson), rate)} | ${showSpread(spread(rates.theirsJson), rate)} | **${showSpread(jsonRatio, times)}** |`,
      '',
      `The ratio is taken pass by pass (trustwatch's pass over iam-simulate's of the same run). Agreement on these pairs: ${agree}/${pairs.length}.`,
    ],
    targets: [
      {
        what: '`admits` decides at least 10× as fast as iam-simulate on pre-parsed policies',
        met: parsedRatio.median >= 10,
        measured: `median ratio ${times(parsedRatio.median)} of ${parsedRatio.runs} passes`,
        sizeBound: true,
      },
    ],
  };
}

/**
 * Realistic edits: the owner widened to every repository, another branch, an extra value, another
 * account let in (the "backdoor an IAM role" technique), no edit.
 */
function edits(policy: object): object[] {
  const subs = subjectsOf(policy);
  const owner = /^repo:([^/@]+)/.exec(subs[0] ?? '')?.[1] ?? 'acme';
  const statements = (policy as { Statement: object[] }).Statement;
  return [
    trustPolicy([`repo:${owner}/*`]),
    trustPolicy(subs.map((s) => s.replace('refs/heads/main', 'refs/heads/develop'))),
    trustPolicy([...subs, `repo:${owner}/other:environment:production`]),
    { ...policy, Statement: [...statements, BACKDOOR] },
    policy,
  ];
}

const BACKDOOR = {
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::193672423079:root' },
  Action: 'sts:AssumeRole',
};

/** Each run times every comparison once; the table gives the spread of the runs' median, p95 and worst. */
function compareRealistic(options: BenchOptions): SuiteResult {
  const policies = realisticPolicies(scaled(400, options), 11);
  const pairs = policies.flatMap((p) =>
    edits(p).map((e) => [doc(p), doc(e)] as [PolicyDocument, PolicyDocument]),
  );
  for (const [a, b] of pairs) compare(a, b);
  const runs = Array.from({ length: options.runs }, () =>
    summarize(timeEach(pairs, ([a, b]) => compare(a, b))),
  );
  const median = spread(runs.map((r) => r.median));
  return {
    title: '`compare` on realistic policy edits',
    lines: [
      `${pairs.length.toLocaleString('en')} comparisons of a realistic policy with an edit of it (owner widened, another branch, an extra value, another account let in, no edit), parsed beforehand; warmed up by one pass, then ${options.runs} timed passes.`,
      '',
      '| per comparison | median | p95 | worst |',
      '|---|---|---|---|',
      `| \`compare\` | ${showSpread(median, ms)} | ${showSpread(spread(runs.map((r) => r.p95)), ms)} | ${showSpread(spread(runs.map((r) => r.max)), ms)} |`,
    ],
    targets: [target('`compare` median under 1 ms per realistic comparison', 'median', median, 1, ms)],
  };
}

function subPolicy(subs: string[]): PolicyDocument {
  return doc(trustPolicy(subs));
}

/** Families of hard inputs, each at growing sizes, with the old and new policy of each comparison. */
const ADVERSARIAL: { family: string; sizes: number[]; pair: (n: number) => [string[], string[]] }[] = [
  {
    family: 'many values (`repo:org/app-N:*`, one value changed)',
    sizes: [10, 50, 200],
    pair: (n) => {
      const values = Array.from({ length: n }, (_, i) => `repo:org/app-${i}:*`);
      return [values, [...values.slice(1), 'repo:org/*-x:*']];
    },
  },
  {
    family: 'many wildcards in one value (`repo:*-*-…:*`)',
    sizes: [4, 8, 16, 32],
    pair: (n) => [
      [`repo:${Array(n).fill('*').join('-')}:*`],
      [
        `repo:${Array(n + 1)
          .fill('*')
          .join('-')}:*`,
      ],
    ],
  },
  {
    family: 'many values with inner wildcards (`repo:org/*-N:ref:refs/heads/*`)',
    sizes: [8, 32, 64],
    pair: (n) => {
      const values = Array.from({ length: n }, (_, i) => `repo:org/*-${i}:ref:refs/heads/*`);
      return [values, [...values, 'repo:org/*:environment:*']];
    },
  },
  {
    // Unions of subsequence patterns need exponentially many DFA states: the budget must stop them.
    family: 'pathological: unions of subsequence patterns (`repo:*a*b*`, `repo:*b*c*`, …)',
    sizes: [4, 8, 16],
    pair: (n) => {
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const value = (i: number, shift: number) =>
        `repo:*${letters[(i + shift) % 26]}*${letters[(i + shift + 1) % 26]}*`;
      return [
        Array.from({ length: n }, (_, i) => value(i, 0)),
        Array.from({ length: n }, (_, i) => value(i, 1)),
      ];
    },
  },
];

/** A comparison beyond the engine's budget is refused; decided or refused, it must be within this. */
const WORST_CASE_MS = 1000;

function compareAdversarial(options: BenchOptions): SuiteResult {
  const lines = [
    `Each comparison ${options.runs} times (parsing outside the timing).`,
    '',
    '| family | size | `compare` time | result |',
    '|---|---|---|---|',
  ];
  const worst: number[] = [];
  for (const { family, sizes, pair } of ADVERSARIAL) {
    // A scaled-down run only checks that the suite works: the smallest size of each family does.
    for (const n of options.scale < 1 ? sizes.slice(0, 1) : sizes) {
      const [a, b] = pair(n).map(subPolicy) as [PolicyDocument, PolicyDocument];
      let result = '';
      const times = repeat(options.runs, () => {
        try {
          result = compare(a, b).verdict;
        } catch (e) {
          result = `refused: ${(e as Error).message}`;
        }
      });
      const s = spread(times);
      worst.push(s.max);
      lines.push(`| ${family} | ${n} | ${showSpread(s, ms)} | ${result} |`);
    }
  }
  return {
    title: '`compare` on adversarial patterns',
    lines,
    targets: [
      target(
        `every adversarial comparison decided or refused within ${WORST_CASE_MS / 1000} s`,
        'max',
        spread(worst),
        WORST_CASE_MS,
        ms,
      ),
    ],
  };
}

/** The engine alone, in this process: parse and every rule, without the CLI's reading and output. */
function lintMany(options: BenchOptions): SuiteResult {
  const texts = realisticPolicies(scaled(10_000, options), 3).map((p) => JSON.stringify(p));
  let findings = 0;
  const lint = () => {
    findings = 0;
    for (const text of texts) findings += lintPolicy(parsePolicy(text)).length;
  };
  const s = spread(repeat(options.runs, lint));
  return {
    title: `Lint of ${texts.length.toLocaleString('en')} realistic policies in process (parse + every rule)`,
    lines: [
      `The engine's share of \`trustwatch lint\`, without reading files or printing: ${options.runs} runs in one process, the first one cold.`,
      '',
      '| policies | findings | time | per policy |',
      '|---|---|---|---|',
      `| ${count(texts.length)} | ${count(findings)} | ${showSpread(s, seconds)} | ${ms(s.median / texts.length)} |`,
    ],
  };
}

export function engineSuites(options: BenchOptions): SuiteResult[] {
  return [
    admitsThroughput(options),
    compareRealistic(options),
    compareAdversarial(options),
    lintMany(options),
  ];
}
