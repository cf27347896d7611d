// Writes docs/rules.md from the rule catalog with the renderer `trustwatch rules --format markdown` uses.
// Run by `npm run docs:rules` after a rule's metadata changes; test/cli/rules.test.ts fails until then.
import { writeFileSync } from 'node:fs';
import { rulesMarkdown } from '../cli/format/rules.js';

const file = new URL('../docs/rules.md', import.meta.url);
writeFileSync(file, rulesMarkdown());
console.log(`wrote ${file.pathname}`);
