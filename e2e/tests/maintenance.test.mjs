// An operator's maintenance subcommands work on a real (ParityDB) database:
// export-blocks, import-blocks into a fresh node, revert, purge-chain.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { connect, runNodeSync, startDevNode, waitFor } from '../lib/node.mjs';

let dir;
let base;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-maint-'));
  base = join(dir, 'node');
  const node = await startDevNode('maintenance', ['--base-path', base]);
  const api = await connect(node.wsUrl);
  try {
    await waitFor((cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      (h) => h.number.toNumber() >= 3, 90_000, 'finalized block #3');
  } finally {
    await api.disconnect();
    await node.stop();
  }
});

after(() => rm(dir));

function rm(path) {
  if (path) rmSync(path, { recursive: true, force: true });
}

function ok(args) {
  const r = runNodeSync(args);
  assert.equal(r.status, 0, `ballast-node ${args.join(' ')}\n${r.stderr}`);
  return r;
}

test('the database is ParityDB by default', () => {
  const dbRoot = join(base, 'chains', 'ballast_dev');
  assert.ok(existsSync(join(dbRoot, 'paritydb')), `found ${readdirSync(dbRoot)}`);
});

test('export-blocks, then import-blocks into a fresh node', () => {
  const file = join(dir, 'blocks.bin');
  ok(['export-blocks', '--dev', '--base-path', base, '--from', '1', '--to', '3', '--binary', file]);
  assert.ok(statSync(file).size > 0, 'export wrote blocks');

  const fresh = join(dir, 'fresh');
  const r = ok(['import-blocks', '--dev', '--base-path', fresh, '--binary', file]);
  assert.match(`${r.stdout}${r.stderr}`, /Imported 3 blocks/);
});

test('revert drops unfinalized blocks without error', () => {
  ok(['revert', '--dev', '--base-path', base, '1']);
});

test('purge-chain removes the database', () => {
  ok(['purge-chain', '--dev', '--base-path', base, '-y']);
  assert.ok(!existsSync(join(base, 'chains', 'ballast_dev', 'paritydb')));
});
