/**
 * How NodejsFunction bundles every trustwatch function (pass it as `bundling`). The fields mirror
 * aws-cdk-lib's `BundlingOptions` (aws-lambda-nodejs) so the object can be handed over as it is;
 * `format` is the value of `OutputFormat.ESM`. `npm run bench` bundles each function with exactly
 * these options (bench/cdk-esbuild.ts) and checks the budget: 400 KB and a 60 ms cold module load.
 * Figures below are from that bench (Node 20, 2 cores), activity-scan, the biggest function.
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
 * module imports through NODE_PATH since Node 18). The bench loads every bundle with no node_modules
 * in reach, so a static import of one would fail it.
 */
const NEVER_LOADED_IN_LAMBDA = [
  // Credential providers: Lambda puts credentials in the environment, which the default chain tries
  // first; these come after it. AWS_PROFILE / config-file chains and the STS, SSO and sign-in
  // clients they build:
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  // container and EC2 instance-metadata credentials.
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  // Loaded only by operations with an event stream (S3 SelectObjectContent, Kinesis SubscribeToShard…):
  // none of trustwatch's has one. A function that calls one must take this line out.
  '@smithy/core/event-streams',
];

export const lambdaBundling: LambdaBundling = {
  minify: true,
  /** Stack traces in the logs map back to the TypeScript when NODE_OPTIONS has --enable-source-maps. */
  sourceMap: true,
  /**
   * Stack traces need only the mappings: the sources themselves make the map about four times
   * larger (activity-scan: 2.9 MB to 0.7 MB) and are never read at run time.
   */
  sourcesContent: false,
  target: 'node22',
  format: 'esm',
  /** jsonc-parser's "main" is a UMD build esbuild cannot follow; "module" also lets the SDK tree-shake. */
  mainFields: ['module', 'main'],
  /**
   * Everything else is bundled: with the whole SDK left to the runtime the bundles are smaller but
   * load 73–142 ms, as Node resolves and reads hundreds of the runtime's files.
   */
  externalModules: NEVER_LOADED_IN_LAMBDA,
  /**
   * @slack/webhook is CommonJS and require()s node:os: inside an ES module that needs a real require.
   */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  metafile: false,
};
