#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm ci` / `npm run build`).
import('../dist/src/cli.js').then((m) => m.run(process.argv.slice(2))).catch((err) => {
  process.stderr.write(`pacsgate: ${err && err.stack ? err.stack : err}\n`);
  process.exit(70);
});
