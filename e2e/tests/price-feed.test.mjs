// The price-feed offchain worker end to end: `ballast-node price-server` serves the synthetic
// path on 127.0.0.1:8088 (where the dev chain's sources point), a dev node's worker feeds the
// oracle with Alice's dev feed key, and the on-chain prices follow the served path. Then the
// server stops: no value arrives any more, nothing bogus is fed, and `PriceFeedApi` reports the
// prices aging and, after the feed's 60 s heartbeat, the feed late (the prices themselves stay
// usable until the price guard's 10-minute maximum age).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { connect, logDir, nodeBinary, startDevNode, waitFor } from '../lib/node.mjs';

const SERVER_PORT = 8088; // the dev genesis sources' port
const SERVER = `http://127.0.0.1:${SERVER_PORT}`;
const ASSETS = [
  { id: 1, symbol: 'BTC' },
  { id: 2, symbol: 'ETH' },
  { id: 3, symbol: 'DOT' },
];
const BUCKET_MS = 6_000;
const MAX_AGE_MS = 600_000; // the dev genesis price guard's `maxAge` for every key
const HEARTBEAT_MS = 60_000; // the dev genesis feeds' `heartbeat`

/** Whether something listens on 127.0.0.1:port. */
function listening(port) {
  return new Promise((res) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); res(true); });
    sock.once('error', () => res(false));
  });
}

/** Start `ballast-node price-server` on the dev port; resolves once it answers. */
async function startPriceServer() {
  if (await listening(SERVER_PORT)) {
    throw new Error(`port ${SERVER_PORT} is taken (a \`make dev\` price server?); stop it first`);
  }
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, 'price-server.log'));
  const child = spawn('timeout', ['--kill-after=5', '900', nodeBinary(), 'price-server', '--port', String(SERVER_PORT)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((res) => child.once('exit', res));
  for (let i = 0; i < 100; i += 1) {
    if (await listening(SERVER_PORT)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(await listening(SERVER_PORT), 'price server listens');
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      log.end();
    },
  };
}

/** "60000.12" → FixedU128 inner value (18 decimals) as a BigInt. */
function fixed(decimal) {
  const [int, frac = ''] = decimal.split('.');
  return BigInt(int) * 10n ** 18n + BigInt((frac + '0'.repeat(18)).slice(0, 18));
}

/** The served path of `symbol` in the bucket of `atMs`, as a FixedU128 inner value. */
async function served(symbol, atMs) {
  const body = await (await fetch(`${SERVER}/path?asset=${symbol}&at=${atMs}`)).json();
  return fixed(body.price);
}

describe('price feed: price server → offchain worker → oracle', () => {
  let server;
  let node;
  let api;

  before(async () => {
    server = await startPriceServer();
    node = await startDevNode('price-feed');
    api = await connect(node.wsUrl);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
    await server?.stop();
  });

  test('the worker feeds every asset and the values follow the served path', async () => {
    // For each block: which assets got a new value in it (value timestamp == block time).
    const fed = new Map(ASSETS.map((a) => [a.id, []]));
    await waitFor(async (cb) => api.rpc.chain.subscribeNewHeads(async (head) => {
      const hash = head.hash;
      const at = await api.at(hash);
      const now = (await at.query.timestamp.now()).toBigInt();
      for (const { id } of ASSETS) {
        const v = await at.query.oracle.values(id);
        if (v.isSome && v.unwrap().timestamp.toBigInt() === now) {
          fed.get(id).push({ block: head.number.toNumber(), now, value: v.unwrap().value.toBigInt() });
        }
      }
      cb(fed);
    }), (f) => [...f.values()].every((list) => list.length >= 3), 150_000,
    'three fed values for BTC, ETH and DOT');

    for (const { id, symbol } of ASSETS) {
      for (const { block, now, value } of fed.get(id)) {
        // The worker ran on the block before (or a few before, under load): the value is the
        // served path (the median of the three tickers is the Binance price) of one of the
        // last few 6 s buckets.
        const candidates = [];
        for (let back = 0; back <= 4; back += 1) {
          candidates.push(await served(symbol, Number(now) - back * BUCKET_MS));
        }
        assert.ok(candidates.includes(value),
          `${symbol} at #${block}: on-chain ${value} is not the served path near ${now} (${candidates.join(', ')})`);
      }
    }

    const statuses = (await api.call.priceFeedApi.prices()).map((s) => s.toJSON());
    assert.deepEqual(statuses.map((s) => s.asset).sort(), [1, 2, 3]);
    for (const s of statuses) {
      assert.equal(s.stale, false, `asset ${s.asset} is fresh while the server runs`);
      assert.equal(s.late, false, `asset ${s.asset} is fed in time while the server runs`);
      assert.equal(s.maxAge, MAX_AGE_MS);
      assert.equal(s.heartbeat, HEARTBEAT_MS);
      assert.equal(s.sources, 3);
    }
  });

  test('with the server stopped nothing more is fed and the feed turns late', async () => {
    await server.stop();
    // A feed signed just before the stop may still land in the next block or two.
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor((cb) => api.rpc.chain.subscribeNewHeads(cb),
      (h) => h.number.toNumber() >= start + 2, 60_000, 'two blocks');

    const snapshot = async () => new Map(await Promise.all(ASSETS.map(async ({ id }) => {
      const v = (await api.query.oracle.values(id)).unwrap();
      return [id, `${v.value.toBigInt()}@${v.timestamp.toBigInt()}`];
    })));
    const frozen = await snapshot();

    let lastAges = null;
    const final = await waitFor((cb) => api.rpc.chain.subscribeNewHeads(async () => {
      cb((await api.call.priceFeedApi.prices()).map((s) => s.toJSON()));
    }), (statuses) => {
      const ages = statuses.map((s) => s.age);
      if (lastAges) {
        ages.forEach((a, i) => assert.ok(a >= lastAges[i], 'ages only grow while nothing is fed'));
      }
      lastAges = ages;
      return statuses.every((s) => s.late);
    }, HEARTBEAT_MS + 60_000, 'every feed late');

    for (const s of final) {
      assert.ok(s.age > HEARTBEAT_MS, `asset ${s.asset} is ${s.age} ms old`);
      assert.equal(s.stale, s.age > MAX_AGE_MS, 'stale exactly past the guard\'s maximum age');
    }
    assert.deepEqual(await snapshot(), frozen, 'no value was fed after the server stopped');
    // The chain kept going (the worker logs and skips; it never panics).
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    assert.ok(head >= start + 10, `blocks kept coming (#${head})`);
  });
});
