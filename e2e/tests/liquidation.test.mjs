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
  let bob;
  let dave;
  let ferdie;
  let eve;

  // Two operators (Alice and Bob): the dev chain's oracle needs two values for a price.
  const feed = async (btc, eth) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, eth * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, bob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
    const numbers = await Promise.all(results.map(async (r) =>
      (await api.rpc.chain.getHeader(r.blockHash)).number.toNumber()));
    return numbers[0] >= numbers[1] ? results[0] : results[1];
  };

  /** Events of blocks `from..=to`, with their block numbers. */
  const eventsOf = async (from, to) => {
    const all = [];
    for (let n = from; n <= to; n += 1) {
      const hash = await api.rpc.chain.getBlockHash(n);
      for (const { event } of await api.query.system.events.at(hash)) all.push([n, event]);
    }
    return all;
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
    [alice, bob, dave, ferdie, eve] = ['//Alice', '//Bob', '//Dave', '//Ferdie', '//Eve'].map((u) => keyring.addFromUri(u));
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

  test('a price move makes them liquidatable and the chain liquidates them by itself; a tripled print waits for the circuit breaker', async () => {
    // BTC −10 %: inside the price guard's 25 % circuit breaker, used at once. ETH ×3: held as a
    // possible outlier (nothing executes at it) until operators have kept printing it for a
    // minute. Nobody but the oracle operators submits anything from here on.
    const fed = await feed(54_000n, 9_000n);
    const fedAt = (await api.rpc.chain.getHeader(fed.blockHash)).number.toNumber();
    const liquidated = new Map();
    let confirmedAt = null;
    let next = fedAt;
    const scan = async () => {
      const head = (await api.rpc.chain.getHeader()).number.toNumber();
      for (const [n, event] of await eventsOf(next, head)) {
        if (api.events.liquidation.PositionsLiquidated.is(event) && !liquidated.has(event.data.who.toString())) liquidated.set(event.data.who.toString(), n);
        if (api.events.priceGuard.JumpConfirmed.is(event) && event.data.key.toNumber() === ID_ETH) confirmedAt ??= n;
      }
      next = head + 1;
    };
    // Dave's BTC long goes within two blocks; Ferdie's ETH short is untouched while ETH is held.
    const deadline = Date.now() + 30_000;
    while (!liquidated.has(dave.address) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2_000));
      await scan();
    }
    assert.ok(liquidated.has(dave.address), 'Dave liquidated');
    assert.ok(liquidated.get(dave.address) - fedAt <= 2, `Dave acted on in #${liquidated.get(dave.address)}, fed in #${fedAt}`);
    assert.ok(!liquidated.has(ferdie.address), 'nothing executes at an unconfirmed jump');
    assert.equal((await api.query.priceGuard.lastValid(ID_ETH)).unwrap().price.toBigInt(), 3_000n * ONE);
    const held = (await eventsOf(fedAt, fedAt + 1)).some(([, e]) => api.events.priceGuard.JumpHeld.is(e) && e.data.key.toNumber() === ID_ETH);
    assert.ok(held, 'the guard reported the held jump');

    // The operators keep printing ETH at 9 000: after a minute the move is confirmed, and the
    // chain liquidates Ferdie within two blocks of that.
    const confirmBy = Date.now() + 120_000;
    while (confirmedAt === null && Date.now() < confirmBy) {
      await feed(54_000n, 9_000n);
      await scan();
    }
    assert.ok(confirmedAt !== null, 'the jump was confirmed');
    const liquidateBy = Date.now() + 30_000;
    while (!liquidated.has(ferdie.address) && Date.now() < liquidateBy) {
      await new Promise((r) => setTimeout(r, 2_000));
      await scan();
    }
    assert.ok(liquidated.has(ferdie.address), 'Ferdie liquidated');
    assert.ok(liquidated.get(ferdie.address) - confirmedAt <= 2, `Ferdie acted on in #${liquidated.get(ferdie.address)}, confirmed in #${confirmedAt}`);

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
