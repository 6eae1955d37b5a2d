#!/usr/bin/env node
import('../dist/app/cli/main.js').then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    const missing = err && err.code === 'ERR_MODULE_NOT_FOUND';
    process.stderr.write(missing ? 'ytwatch: not built — run `npm install` (or `npm run build`) in the ytwatch folder\n' : `ytwatch: cannot start: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
