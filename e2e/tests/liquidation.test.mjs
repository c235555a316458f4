// The chain liquidates on its own: an oracle move makes two accounts liquidatable, the next
// blocks' sweep acts on them with no keeper, the seized collateral goes to a Dutch auction, and a
// bidder takes a lot through polkadot.js.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n;
const BTC = 10n ** 8n;
const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const [BTC_PERP, ETH_PERP] = [0, 1];

describe('liquidation on the dev chain', () => {
  let node;
  let api;
  let alice;
  let dave;
  let ferdie;
  let eve;

  const feed = async (btc, eth) => {
    const r = await signAndFinalize(api, api.tx.oracle.feedValues([
      [ID_BTC, btc * ONE], [ID_ETH, eth * ONE], [ID_DOT, 6n * ONE],
    ]), alice);
    assert.equal(r.error, null);
    return r;
  };

  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, dave, ferdie, eve] = ['//Alice', '//Dave', '//Ferdie', '//Eve'].map((u) => keyring.addFromUri(u));
    // This test feeds prices by hand: the node's price-feed worker is off, so a price server
    // that another test file runs concurrently on 127.0.0.1:8088 cannot feed this chain.
    node = await startDevNode('liquidation', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(60_000n, 3_000n);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('accounts open risk: an isolated 7.5x BTC long and a cross ETH short on BTC collateral', async () => {
    const [a, b] = await Promise.all([
      submitAll(dave, [
        api.tx.marginAccounts.createIsolated(BTC_PERP),
        api.tx.marginAccounts.deposit(1, ID_USDC, 8_000n * USDC),
        api.tx.perpetuals.trade(1, BTC_PERP, BTC, null),
      ]),
      submitAll(ferdie, [
        api.tx.marginAccounts.deposit(0, ID_BTC, BTC),
        api.tx.perpetuals.trade(0, ETH_PERP, -10n * ETH, null),
      ]),
    ]);
    for (const r of [...a, ...b]) assert.equal(r.error, null);
    const [iso] = await api.call.marginApi.accounts(dave.address);
    const liq = iso.liquidationPrice.unwrap().toBigInt() / ONE;
    assert.ok(liq > 54_000n && liq < 56_000n, `liquidation price ${liq}`);
    assert.equal((await api.call.liquidationApi.atRisk(10)).length, 0);
  });

  test('a price move makes them liquidatable and the chain liquidates them by itself', async () => {
    // BTC −10 %, ETH ×3. Nobody but the oracle operator submits anything from here on.
    const fed = await feed(54_000n, 9_000n);
    const fedAt = (await api.rpc.chain.getHeader(fed.blockHash)).number.toNumber();
    // Read every block since the feed (the sweep may well have run before this line).
    const liquidated = new Map();
    const deadline = Date.now() + 60_000;
    let next = fedAt + 1;
    while (liquidated.size < 2 && Date.now() < deadline) {
      const head = (await api.rpc.chain.getHeader()).number.toNumber();
      for (; next <= head; next += 1) {
        const hash = await api.rpc.chain.getBlockHash(next);
        for (const { event } of await api.query.system.events.at(hash)) {
          if (api.events.liquidation.PositionsLiquidated.is(event) && !liquidated.has(event.data.who.toString())) liquidated.set(event.data.who.toString(), next);
        }
      }
      if (liquidated.size < 2) await new Promise((r) => setTimeout(r, 2_000));
    }
    assert.ok(liquidated.has(dave.address) && liquidated.has(ferdie.address));
    for (const [who, at] of liquidated) {
      assert.ok(at - fedAt <= 2, `${who} acted on in block #${at}, price fed in #${fedAt}`);
    }

    // Dave's isolated long was partially closed and is healthy again.
    const health = (await api.call.liquidationApi.health(dave.address, 1)).unwrap();
    assert.ok(health.maintenanceEquity.toBigInt() >= health.maintenanceRequirement.toBigInt());
    // Ferdie's short was closed; the debt left seized his BTC into an auction.
    const auctions = await api.call.liquidationApi.auctions();
    assert.equal(auctions.length, 1);
    assert.equal(auctions[0].who.toString(), ferdie.address);
    assert.equal(auctions[0].asset.toNumber(), ID_BTC);
    assert.equal(auctions[0].needsReset.isTrue, false);
    const insurance = await api.call.liquidationApi.insurance();
    assert.ok(insurance.global.toBigInt() > 0n, 'penalties reached the insurance fund');
  });

  test('a bidder takes a lot through polkadot.js; the proceeds repay the debt', async () => {
    const [auction] = await api.call.liquidationApi.auctions();
    const id = auction.id.toNumber();
    const price = auction.price.unwrap().toBigInt();
    assert.ok(price >= auction.floor.unwrap().toBigInt(), 'never below the floor');
    const debtBefore = (await api.query.marginAccounts.accounts(ferdie.address, 0)).unwrap().quote.toBigInt();
    const half = auction.lot.toBigInt() / 2n;
    const r = await signAndFinalize(api, api.tx.liquidation.take(id, half, price + price / 100n), eve);
    assert.equal(r.error, null);
    const taken = r.events.find(({ event }) => api.events.liquidation.AuctionTaken.is(event)).event;
    assert.equal(taken.data.amount.toBigInt(), half);
    const paid = taken.data.paid.toBigInt();
    assert.ok(paid > 20_000n * USDC, `paid ${paid}`);
    const debtAfter = (await api.query.marginAccounts.accounts(ferdie.address, 0)).unwrap().quote.toBigInt();
    assert.equal(debtAfter - debtBefore, paid);
    const [left] = await api.call.liquidationApi.auctions();
    assert.equal(left.lot.toBigInt(), auction.lot.toBigInt() - half);
  });
});
