// The command line behaves like a production node's: help and version work, and bad input
// gives a clear error and a non-zero exit, never a panic.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { exportDevGenesis, runNodeSync } from '../lib/node.mjs';

function assertNoPanic(r) {
  const out = `${r.stdout}\n${r.stderr}`;
  assert.doesNotMatch(out, /panicked|RUST_BACKTRACE|Backtrace/i, out);
}

test('--version names the binary and the commit it was built from', () => {
  const r = runNodeSync(['--version']);
  assert.equal(r.status, 0, r.stderr);
  // The binary's build script passes `<version>-<commit>` to the node library (node/src/main.rs).
  assert.match(r.stdout, /^ballast-node \d+\.\d+\.\d+-([0-9a-f]{7,}|unknown)\b/);
});

test('BALLAST_WASM_CACHE: the compiled runtime is written there; a second start adds no entry', () => {
  const cache = mkdtempSync(join(tmpdir(), 'ballast-wasm-cache-'));
  const env = { ...process.env, BALLAST_WASM_CACHE: cache };
  // Every file under the cache (a walk: `readdirSync`'s `recursive` needs Node ≥ 18.17).
  const files = (dir = cache) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
  const exportGenesis = () => {
    const r = exportDevGenesis({ env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /compiled runtimes cached in/);
    return JSON.parse(r.stdout);
  };
  const first = exportGenesis();
  const cached = files();
  assert.ok(cached.length > 0, 'the first start writes the compiled runtime');
  // The second start finds its entry (same code hash and compiler): same result, no new file.
  assert.deepEqual(exportGenesis().genesis, first.genesis);
  assert.deepEqual(files().sort(), cached.sort());
  rmSync(cache, { recursive: true, force: true });
});

test('--help lists the standard subcommands', () => {
  const r = runNodeSync(['--help']);
  assert.equal(r.status, 0, r.stderr);
  for (const sub of ['build-spec', 'key', 'purge-chain', 'export-blocks', 'import-blocks', 'revert']) {
    assert.match(r.stdout, new RegExp(`\\b${sub}\\b`), `--help mentions ${sub}`);
  }
});

test('build-spec carries token properties and the development preset', () => {
  const r = runNodeSync(['build-spec', '--chain', 'dev'], { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  assert.equal(spec.id, 'ballast_dev');
  assert.deepEqual(spec.properties, { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'BLST' });
  assert.equal(spec.genesis.runtimeGenesis.patch.assets.metadata.length, 4);
});

test('an unknown --chain is a clear error, not a panic', () => {
  const r = runNodeSync(['--chain', 'no-such-chain', '--tmp']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown chain `no-such-chain`/);
  assertNoPanic(r);
});

test('a corrupt chain-spec file is a clear error, not a panic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-spec-'));
  const path = join(dir, 'corrupt.json');
  writeFileSync(path, '{"name": "Ballast", "id": ');
  const r = runNodeSync(['--chain', path, '--tmp']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /invalid chain-spec file/);
  assertNoPanic(r);
});

test('an unknown flag is a clear error, not a panic', () => {
  const r = runNodeSync(['--no-such-flag']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--no-such-flag/);
  assertNoPanic(r);
});
