// Smoke test of the dev chain with a real client: blocks, finality, genesis state, a signed
// transfer, the oracle through its extrinsic and its runtime API, and Prometheus.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode, waitFor } from '../lib/node.mjs';

const ASSETS = [
  { id: 1, symbol: 'BTC', decimals: 8 },
  { id: 2, symbol: 'ETH', decimals: 18 },
  { id: 3, symbol: 'DOT', decimals: 10 },
  { id: 4, symbol: 'USDC', decimals: 6 },
];
const FIXED_ONE = 10n ** 18n; // FixedU128 precision

describe('ballast-node --dev', () => {
  let node;
  let api;
  let keyring;

  before(async () => {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    // This test feeds prices by hand: the node's price-feed worker is off, so a price server
    // that another test file runs concurrently on 127.0.0.1:8088 cannot feed this chain.
    node = await startDevNode('dev-chain', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('describes itself: chain name, token properties, runtime pallets', async () => {
    assert.equal((await api.rpc.system.chain()).toString(), 'Ballast Development');
    const props = await api.rpc.system.properties();
    assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'BLST');
    assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
    assert.equal(props.ss58Format.unwrap().toNumber(), 42);
    assert.equal(api.runtimeVersion.specName.toString(), 'ballast');
    for (const pallet of ['system', 'timestamp', 'aura', 'grandpa', 'balances', 'transactionPayment',
      'sudo', 'assets', 'oracle', 'oracleMembership', 'utility']) {
      assert.ok(api.query[pallet] || api.tx[pallet], `pallet ${pallet} is in the metadata`);
    }
    assert.equal(typeof api.call.oracleApi?.getValue, 'function', 'OracleApi is decorated from metadata');
  });

  test('produces a block every 6 s and finalizes blocks', async () => {
    const head = await waitFor((cb) => api.rpc.chain.subscribeNewHeads(cb),
      (h) => h.number.toNumber() >= 3, 60_000, 'block #3');
    const n = head.number.toNumber();
    const stamps = [];
    for (const k of [n - 1, n]) {
      const hash = await api.rpc.chain.getBlockHash(k);
      stamps.push((await api.query.timestamp.now.at(hash)).toNumber());
    }
    const gap = stamps[1] - stamps[0];
    assert.ok(gap >= 5_500 && gap <= 6_500 * 2, `blocks ${n - 1} and ${n} are ${gap} ms apart`);
    assert.equal(gap % 6_000 < 1_000 || gap % 6_000 > 5_000, true, `gap ${gap} ms is a whole number of 6 s slots`);

    const fin = await waitFor((cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      (h) => h.number.toNumber() >= 2, 60_000, 'finalized block #2');
    assert.ok(fin.number.toNumber() >= 2);
  });

  test('genesis lists the four collateral assets with metadata', async () => {
    for (const { id, symbol, decimals } of ASSETS) {
      const details = await api.query.assets.asset(id);
      assert.ok(details.isSome, `asset ${id} exists`);
      const meta = await api.query.assets.metadata(id);
      assert.equal(meta.symbol.toUtf8(), symbol);
      assert.equal(meta.decimals.toNumber(), decimals);
      const alice = keyring.addFromUri('//Alice');
      const account = await api.query.assets.account(id, alice.address);
      assert.ok(account.isSome && account.unwrap().balance.toBigInt() > 0n, `Alice holds ${symbol}`);
    }
  });

  test('genesis makes Alice, Bob and Charlie oracle operators', async () => {
    const members = (await api.query.oracleMembership.members()).map((m) => m.toString());
    const expected = ['//Alice', '//Bob', '//Charlie'].map((u) => keyring.addFromUri(u).address);
    assert.deepEqual([...members].sort(), [...expected].sort());
  });

  test('a signed transferKeepAlive from Alice is finalized', async () => {
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const amount = 123n * 10n ** 12n;
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();

    const { events, error, blockHash } = await signAndFinalize(api,
      api.tx.balances.transferKeepAlive(bob.address, amount), alice);

    assert.equal(error, null);
    assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)));
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)));
    const afterAt = (await api.query.system.account.at(blockHash, bob.address)).data.free.toBigInt();
    assert.equal(afterAt - before, amount);
  });

  test('two operators feed a price; OracleApi returns it with its timestamp; others are refused', async () => {
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const price = 97_000n * FIXED_ONE;
    const first = await signAndFinalize(api, api.tx.oracle.feedValues([[1, price]]), alice);
    assert.equal(first.error, null);
    assert.ok(first.events.some(({ event }) => api.events.oracle.NewFeedData.is(event)));
    // One operator is not the oracle: the dev chain's feed rules want two values.
    assert.ok((await api.call.oracleApi.getValue(0, 1)).isNone, 'one value makes no price');
    const fed = await signAndFinalize(api, api.tx.oracle.feedValues([[1, price]]), bob);
    assert.equal(fed.error, null);

    const value = await api.call.oracleApi.getValue(0, 1);
    assert.ok(value.isSome, 'OracleApi has a BTC price');
    const { value: v, timestamp } = value.unwrap();
    assert.equal(v.toBigInt(), price);
    const blockTime = (await api.query.timestamp.now.at(fed.blockHash)).toBigInt();
    assert.ok(timestamp.toBigInt() > 0n && timestamp.toBigInt() <= blockTime);

    const dave = keyring.addFromUri('//Dave');
    const refused = await signAndFinalize(api, api.tx.oracle.feedValues([[1, 1n]]), dave);
    assert.equal(refused.error, 'oracle.NoPermission');
  });

  test('exposes Prometheus metrics', async () => {
    const body = await (await fetch(node.prometheusUrl)).text();
    assert.match(body, /substrate_block_height\{status="best"/);
    assert.match(body, /substrate_block_height\{status="finalized"/);
  });
});
