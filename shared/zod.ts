import { en } from 'zod/locales';
import { config } from 'zod/mini';

// zod/mini: the same checks as zod's chained API in a fifth of the bundle, as its functions
// tree-shake and its methods do not. It brings no messages of its own: without these English
// ones every problem would read "Invalid input".
config(en());

// Import this module as a namespace (`import * as z`): re-exported as one object it would not tree-shake.
export * from 'zod/mini';
