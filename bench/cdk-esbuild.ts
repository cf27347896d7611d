import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { LambdaBundling } from '../infra/bundling.js';

/**
 * The esbuild options NodejsFunction derives from its bundling options (aws-cdk-lib's
 * aws-lambda-nodejs Bundling: `esbuild --bundle entry --platform=node --outfile=…/index.mjs …`),
 * so that the bench measures what the stack deploys.
 */
export function cdkEsbuildOptions(bundling: LambdaBundling, entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format,
    outfile: join(outdir, bundling.format === 'esm' ? 'index.mjs' : 'index.js'),
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: bundling.externalModules,
    mainFields: bundling.mainFields,
    banner: { js: bundling.banner },
    metafile: bundling.metafile,
    logLevel: 'warning',
  };
}
