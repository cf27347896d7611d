// Bundles the CLI, so `trustwatch` starts without resolving hundreds of modules. The AWS SDK sits in a
// chunk of its own that only commands reading a live account load.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: { trustwatch: 'cli/trustwatch.ts' },
  outdir: 'dist/cli',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow; its "module" is plain ESM.
  mainFields: ['module', 'main'],
  banner: {
    // commander is CommonJS: its require() of Node built-ins needs a real require inside an ES module.
    // esbuild keeps the entry's #! line above this banner, so the file stays executable.
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  minify: false,
  sourcemap: 'linked',
  // Written below instead: test workers may build at the same time, and a half-written bundle must never run.
  write: false,
  logLevel: 'warning',
});

const ENTRY = /[/\\]trustwatch\.js$/;
// Chunks first, the entry last: a worker that runs the entry finds every chunk it names.
const files = [...result.outputFiles].sort((a, b) => Number(ENTRY.test(a.path)) - Number(ENTRY.test(b.path)));
for (const file of files) {
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  if (file.path.endsWith('.js')) chmodSync(temporary, 0o755);
  renameSync(temporary, file.path);
}
