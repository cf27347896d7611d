/**
 * How NodejsFunction bundles every trustwatch function. The fields mirror aws-cdk-lib's
 * `BundlingOptions` (aws-lambda-nodejs), so the object is handed over as it is, except `format`,
 * whose type there is the enum: `bundling: { ...bundlingFor(name), format: OutputFormat.ESM }`.
 * `npm run bench` bundles each function with exactly these options (bench/cdk-esbuild.ts; the cdk
 * synth test checks its bundles are the deployed ones) and checks the budget (400 KB, 60 ms cold
 * module load on the runtime's Node.js 22); test/functions/bundles.test.ts runs each bundle with no
 * node_modules in reach. Figures: that bench, 2 busy cores, activity-scan (the biggest) unless named.
 *
 * A module loaded with import() on the path that needs it does not make a function lighter here:
 * NodejsFunction writes one file (esbuild's --outfile: no code splitting), so esbuild inlines the
 * module behind an initialiser. Its bytes stay and V8 still compiles them, and the SDK's re-exporting
 * index modules lose their tree shaking behind one: SNS publishing behind import() made every
 * function 29 KB larger, SQS dead letters activity-scan 40 KB more, and its load 15% more CPU time.
 * Clients used on some invocations only are built on first use instead (SNS, SQS).
 */
export interface LambdaBundling {
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly sourcesContent: boolean;
  readonly target: string;
  readonly format: 'esm';
  readonly mainFields: string[];
  readonly externalModules: string[];
  readonly banner: string;
  readonly metafile: boolean;
}

/**
 * SDK modules a function never loads, which the SDK only reaches through a dynamic import(). If one
 * ever is loaded, it comes from the SDK v3 that the nodejs22.x runtime ships (Lambda resolves ES
 * module imports through NODE_PATH since Node 18). A static import of one would make the bundle fail
 * to load: the bench and the test load every bundle with no node_modules in reach.
 */
const NEVER_LOADED_IN_LAMBDA = [
  // Credential providers: Lambda puts credentials in the environment, which the default chain tries
  // first; these come after it. AWS_PROFILE / config-file chains and the STS, SSO and sign-in
  // clients they build (activity-scan 691 KB to 598 KB):
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  // container and EC2 instance-metadata credentials (17 KB more):
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
];

/** What every function shares; `bundlingFor` gives one function's. */
const lambdaBundling: LambdaBundling = {
  minify: true,
  /**
   * Stack traces in the logs point at the TypeScript: the functions run with NODE_OPTIONS
   * `--enable-source-maps` (NODE_OPTIONS below; NodejsFunction does not set it), which costs each cold
   * start some 8–13 ms as Node reads and decodes the map while it loads the module (the bench's second
   * load column, which is what the budget judges).
   */
  sourceMap: true,
  /**
   * Stack traces need only the mappings: the sources make the map 3.3 times larger (0.75 MB to
   * 2.5 MB) and, with source maps on, its read and parse 1.3 ms to 4.6 ms. The bundle is the same.
   */
  sourcesContent: false,
  target: 'node22',
  format: 'esm',
  /**
   * The packages' ES module builds: jsonc-parser's "main" is a UMD build esbuild cannot follow, and
   * only the SDK's dist-es tree-shakes.
   */
  mainFields: ['module', 'main'],
  /**
   * Everything else is bundled: with all of @aws-sdk and @smithy left out the bundles are 93–179 KB
   * but load in 105–215 ms (against 36–54 ms), as Node resolves and reads hundreds of files.
   */
  externalModules: NEVER_LOADED_IN_LAMBDA,
  /**
   * @slack/webhook is CommonJS and require()s node:os, which an ES module bundle cannot do without a
   * real require: the slack notifier fails to load without this line ("Dynamic require of "node:os"
   * is not supported"). The other functions do not need it; it costs them nothing measurable.
   */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /** Written into the asset (and deployed) when true: the bench builds its own for analysis. */
  metafile: false,
};

/** The functions' NODE_OPTIONS: source-mapped stack traces (see `sourceMap`). */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/**
 * Loaded only by operations with an event stream (S3 SelectObjectContent, Kinesis SubscribeToShard…),
 * which trustwatch never calls; left out it saves every function some 23 KB. But the S3 client
 * imports it statically, so a function with one must bundle it or fail to load.
 */
const EVENT_STREAMS = '@smithy/core/event-streams';
const IMPORTS_EVENT_STREAMS = new Set([
  'monthly-report',
  'org-rollup',
  // The functions that read each account's baseline and config from S3 (a baseline location).
  'activity-scan',
  'audit',
  'daily-digest',
  'iam-event',
]);

/** The bundling of one function (a folder under functions/): the construct, bench and tests use this. */
export function bundlingFor(functionName: string): LambdaBundling {
  if (IMPORTS_EVENT_STREAMS.has(functionName)) return lambdaBundling;
  return { ...lambdaBundling, externalModules: [...lambdaBundling.externalModules, EVENT_STREAMS] };
}
