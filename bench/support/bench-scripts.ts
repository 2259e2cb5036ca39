// The built entry points (dist/, compiled by `npm run bench`) that several benchmarks run as children.
export const RELAY_MAIN = 'dist/services/relay/src/main.js';
export const INDEXER_MAIN = 'dist/services/indexer/src/main.js';
export const DISPATCHER_MAIN = 'dist/services/webhook-dispatcher/src/main.js';
