// Run once by `npm test` before the test files start: builds the dev chain's raw spec that every
// file's node starts from (see devChainSpec in node.mjs), so the files, started together, do not
// each build the genesis in the wasm runtime; and compiles the runtime once into the cache the
// nodes share (BALLAST_WASM_CACHE).
import { devChainSpec, exportDevGenesis } from './node.mjs';

const started = Date.now();
const spec = devChainSpec();
// `build-spec` builds the genesis in sc-chain-spec's own executor (not cached); `export-state`
// of the genesis block opens a client, whose executor compiles the runtime into the cache.
const r = exportDevGenesis();
if (r.status !== 0) {
  console.error(`warming the runtime cache failed (status ${r.status}); each node will compile it:\n${r.stderr}`);
}
console.log(`e2e: dev chain spec ${spec} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
