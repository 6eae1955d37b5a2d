/**
 * The layering, as rules `npm test` checks before the tests run (scripts/test.mjs).
 * engine (knows nothing of YouTube) ← app; inside each, adapters ← stages ← runtime ← api, cli.
 * Type-only imports count too.
 */
const ADAPTERS = '^src/(engine/log|app/(core|youtube|sinks|history|fakes))/';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'An import cycle: split the shared part out, or pass an interface in.', from: {}, to: { circular: true } },
    { name: 'engine-not-to-app', severity: 'error', comment: 'The engine knows nothing of the app (YouTube, stages, sinks, API, CLI).', from: { path: '^src/(engine/|index\\.ts$)' }, to: { path: '^src/app/' } },
    { name: 'example-uses-engine-only', severity: 'error', comment: 'The example builds on the public engine (src/index.ts) only.', from: { path: '^examples/' }, to: { path: '^src/app/' } },
    { name: 'engine-core-is-the-bottom', severity: 'error', comment: 'engine/core (contracts, errors, retry, time) imports nothing else of ours.', from: { path: '^src/engine/core/' }, to: { path: '^src/(?!engine/core/)' } },
    { name: 'log-backends-below-stream', severity: 'error', comment: 'The log backends implement the contract; the processor sits on top of them.', from: { path: '^src/engine/log/' }, to: { path: '^src/engine/stream/' } },
    { name: 'app-core-is-the-bottom', severity: 'error', comment: 'app/core (records, topic catalogue) imports only the engine.', from: { path: '^src/app/core/' }, to: { path: '^src/app/(?!core/)' } },
    { name: 'adapters-not-up', severity: 'error', comment: 'Adapters (log backends, YouTube, sinks, history store) never import stages, runtime, api or cli.', from: { path: ADAPTERS }, to: { path: '^src/app/(stages|runtime|api|cli)/' } },
    { name: 'stages-not-up', severity: 'error', comment: 'Stages never import the runtime, api or cli.', from: { path: '^src/app/stages/' }, to: { path: '^src/app/(runtime|api|cli)/' } },
    { name: 'config-not-up', severity: 'error', comment: 'The config schema gathers the components\' slices; it never imports the runtime, api or cli.', from: { path: '^src/app/config/' }, to: { path: '^src/app/(runtime|api|cli)/' } },
    { name: 'api-only-reads-the-store', severity: 'error', comment: 'The API reads the history store; the stages and the runtime that fill it are wired by the CLI.', from: { path: '^src/app/api/' }, to: { path: '^src/app/(stages|runtime|cli)/' } },
    { name: 'runtime-not-up', severity: 'error', comment: 'The runtime never imports the api or cli.', from: { path: '^src/app/runtime/' }, to: { path: '^src/app/(api|cli)/' } },
    { name: 'src-not-to-tests', severity: 'error', comment: 'Shipped code never imports tests, benchmarks or scripts.', from: { path: '^src/' }, to: { path: '^(test|bench|scripts)/' } },
    { name: 'not-to-unresolvable', severity: 'error', comment: 'An import that resolves to nothing.', from: {}, to: { couldNotResolve: true, dependencyTypesNot: ['type-only'] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/app/dashboard/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
