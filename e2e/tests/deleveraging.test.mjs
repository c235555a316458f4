// The loss waterfall past the insurance funds, on a real node: a price gap leaves an isolated
// long with a debt no collateral covers; the chain closes it, the market fund pays what it
// holds, and the next blocks auto-deleverage the most profitable opposing short — all without
// a keeper, observed through polkadot.js.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n;
const BTC = 10n ** 8n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const BTC_PERP = 0;

describe('auto-deleveraging on the dev chain', () => {
  let node;
  let api;
  let alice;
  let bob;
  let operatorBob;
  let charlie;
  let eve;

  // Two operators (Alice and Bob): the dev chain's oracle needs two values for a price.
  const feed = async (btc) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, operatorBob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
    return results[1];
  };

  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  /** Liquidation events from block `from` on, until `done(events)` or 60 s. */
  const liquidationEvents = async (from, done) => {
    const seen = [];
    const deadline = Date.now() + 60_000;
    let next = from;
    while (!done(seen) && Date.now() < deadline) {
      const head = (await api.rpc.chain.getHeader()).number.toNumber();
      for (; next <= head; next += 1) {
        const hash = await api.rpc.chain.getBlockHash(next);
        for (const { event } of await api.query.system.events.at(hash)) {
          if (event.section === 'liquidation') seen.push({ block: next, event });
        }
      }
      if (!done(seen)) await new Promise((r) => setTimeout(r, 2_000));
    }
    return seen;
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, charlie, eve] = ['//Alice', '//Bob', '//Charlie', '//Eve'].map((u) => keyring.addFromUri(u));
    operatorBob = bob; // Bob trades here too, and is an oracle operator
    // Prices are fed by hand: the price-feed worker is off.
    node = await startDevNode('deleveraging', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(62_000n);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('two shorts are filed in the ADL index, the one sold higher first', async () => {
    const early = await submitAll(charlie, [
      api.tx.marginAccounts.deposit(0, ID_USDC, 20_000n * USDC),
      api.tx.perpetuals.trade(0, BTC_PERP, -BTC / 2n, null),
    ]);
    for (const r of early) assert.equal(r.error, null);
    await feed(60_000n);
    const late = await Promise.all([
      submitAll(eve, [
        api.tx.marginAccounts.deposit(0, ID_USDC, 40_000n * USDC),
        api.tx.perpetuals.trade(0, BTC_PERP, -2n * BTC, null),
      ]),
      submitAll(bob, [
        api.tx.marginAccounts.createIsolated(BTC_PERP),
        api.tx.marginAccounts.deposit(1, ID_USDC, 6_500n * USDC),
        api.tx.perpetuals.trade(1, BTC_PERP, BTC, null),
      ]),
    ]);
    for (const r of late.flat()) assert.equal(r.error, null);
    const shorts = (await api.query.liquidation.adlIndex.keys())
      .filter((k) => k.args[0].toNumber() === BTC_PERP && k.args[1].toNumber() === 1);
    const owners = shorts.map((k) => k.args[3][0].toString());
    assert.deepEqual(new Set(owners), new Set([charlie.address, eve.address]));
    // Storage order is profit order; the keys sort as stored.
    const sorted = [...shorts].sort((a, b) => (a.toHex() < b.toHex() ? -1 : 1));
    assert.equal(sorted[0].args[3][0].toString(), charlie.address);
  });

  test('a gap bankrupts the long; the chain covers the shortfall by deleveraging the top short', async () => {
    const positionBefore = (await api.query.perpetuals.positions([charlie.address, 0], BTC_PERP)).unwrap().quantity.toBigInt();
    const fed = await feed(50_000n);
    const fedAt = (await api.rpc.chain.getHeader(fed.blockHash)).number.toNumber();
    const events = await liquidationEvents(fedAt + 1, (seen) => seen.some(({ event }) => event.method === 'AutoDeleveraged'));
    const names = events.map(({ event }) => event.method);
    assert.ok(names.includes('PositionsLiquidated'), names.join());
    assert.ok(names.includes('DeleveragePending'), names.join());
    const steps = events.filter(({ event }) => event.method === 'AutoDeleveraged').map(({ event }) => event.data);
    const pending = events.find(({ event }) => event.method === 'DeleveragePending').event.data.amount.toBigInt();
    assert.equal(steps[0].who.toString(), charlie.address, 'the short sold at 62 000 goes first');
    assert.equal(steps[0].bankrupt.toString(), bob.address);
    // Charlie's profit (≈ 6 000 USDC) covers the shortfall (≈ 3 500); funding settled on the
    // close may leave a few units for the next short in line.
    assert.ok(steps[0].haircut.toBigInt() > pending - USDC, `${steps[0].haircut} of ${pending}`);
    assert.equal(steps.reduce((sum, d) => sum + d.haircut.toBigInt(), 0n), pending);
    assert.ok(!names.includes('BadDebtRecorded'), names.join());

    // Bob's debt is gone; Charlie's short shrank, in part; nothing waits.
    const bobAccount = (await api.query.marginAccounts.accounts(bob.address, 1)).unwrap();
    assert.equal(bobAccount.quote.toBigInt(), 0n);
    const positionAfter = (await api.query.perpetuals.positions([charlie.address, 0], BTC_PERP)).unwrap().quantity.toBigInt();
    assert.ok(positionAfter > positionBefore && positionAfter < 0n, `${positionBefore} → ${positionAfter}`);
    const insurance = await api.call.liquidationApi.insurance();
    assert.equal(insurance.deleveraging.toBigInt(), 0n);
    assert.equal(insurance.badDebt.toBigInt(), 0n);
  });
});
