/**
 * `@computeplane/cli` as a library: the command tree (for embedding or generating docs) and the completion
 * scripts. The `computeplane` binary is ./main.ts.
 */
export { buildProgram } from './program.js';
export { bashCompletion, completionTable, zshCompletion } from './core/completion.js';
