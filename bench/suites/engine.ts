import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import type { PolicyDocument, Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { oracleAdmits } from '../../test/support/iam-oracle.js';
import { ms, type SuiteResult, summarize, timeAll, timeEach } from '../measure.js';
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

function admitsThroughput(): string[] {
  const policies = realisticPolicies(200, 7);
  const pairs = policies.flatMap((p) => tokensFor(p, 10).map((t) => ({ json: p, policy: doc(p), token: t })));
  // Both sides get the same work: the parsed policy for ours, the JSON for iam-simulate (which parses it).
  for (const pair of pairs.slice(0, 200)) admits(pair.policy, pair.token);
  const ours = timeAll(() => {
    for (let r = 0; r < 20; r++) for (const pair of pairs) admits(pair.policy, pair.token);
  });
  const theirs = timeAll(() => {
    for (const pair of pairs) oracleAdmits(pair.json, pair.token);
  });
  const agree = pairs.filter((p) => admits(p.policy, p.token) === oracleAdmits(p.json, p.token)).length;
  const oursPerSecond = (pairs.length * 20) / (ours / 1000);
  const theirsPerSecond = pairs.length / (theirs / 1000);
  const ratio = oursPerSecond / theirsPerSecond;
  return [
    `| ${pairs.length} policy/token pairs | trustwatch \`admits\` | iam-simulate | ratio |`,
    '|---|---|---|---|',
    `| decisions per second | ${oursPerSecond.toFixed(0)} | ${theirsPerSecond.toFixed(0)} | **${ratio.toFixed(1)}×** |`,
    '',
    `Agreement on these pairs: ${agree}/${pairs.length}. Target ≥ 10×: ${ratio >= 10 ? 'met' : 'NOT met'}.`,
  ];
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

function compareRealistic(): string[] {
  const policies = realisticPolicies(400, 11);
  const pairs = policies.flatMap((p) =>
    edits(p).map((e) => [doc(p), doc(e)] as [PolicyDocument, PolicyDocument]),
  );
  for (const [a, b] of pairs.slice(0, 50)) compare(a, b);
  const s = summarize(timeEach(pairs, ([a, b]) => compare(a, b)));
  return [
    `| ${pairs.length} realistic comparisons | median | p95 | worst |`,
    '|---|---|---|---|',
    `| \`compare\` | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.max)} |`,
    '',
    `Target: median under 1 ms: ${s.median < 1 ? 'met' : 'NOT met'}.`,
  ];
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

function compareAdversarial(): string[] {
  const lines = ['| family | size | `compare` time | result |', '|---|---|---|---|'];
  for (const { family, sizes, pair } of ADVERSARIAL) {
    for (const n of sizes) {
      const [a, b] = pair(n).map(subPolicy) as [PolicyDocument, PolicyDocument];
      let result = '';
      const t = timeAll(() => {
        try {
          result = compare(a, b).verdict;
        } catch (e) {
          result = `refused: ${(e as Error).message}`;
        }
      });
      lines.push(`| ${family} | ${n} | ${ms(t)} | ${result} |`);
    }
  }
  return lines;
}

function lintMany(): string[] {
  const texts = realisticPolicies(10_000, 3).map((p) => JSON.stringify(p));
  let findings = 0;
  const t = timeAll(() => {
    for (const text of texts) findings += lintPolicy(parsePolicy(text)).length;
  });
  return [
    `| policies | findings | wall time | per policy |`,
    '|---|---|---|---|',
    `| ${texts.length} | ${findings} | ${(t / 1000).toFixed(2)} s | ${ms(t / texts.length)} |`,
    '',
    `Target: 10,000 policies in under 5 s: ${t < 5000 ? 'met' : 'NOT met'}.`,
  ];
}

export function engineSuites(): SuiteResult[] {
  return [
    { title: '`admits` throughput against iam-simulate', lines: admitsThroughput() },
    { title: '`compare` on realistic policy edits', lines: compareRealistic() },
    { title: '`compare` on adversarial patterns', lines: compareAdversarial() },
    { title: 'Lint of 10,000 realistic policies (parse + every rule)', lines: lintMany() },
  ];
}
