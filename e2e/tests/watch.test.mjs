// A cross portfolio — BTC and ETH collateral, a BTC long and an ETH short — among two hundred
// other accounts, is liquidated by the chain in the first block after the price that sinks it:
// the watch files every account with a position under each price it is exposed to, and the
// sweep looks at exactly the accounts a move could have sunk. Everything through polkadot.js.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, mintAsGovernance, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n;
const BTC = 10n ** 8n;
const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const BLST = 10n ** 12n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const [BTC_PERP, ETH_PERP] = [0, 1];
const CROSS = 0;
const CROWD = 200;

describe('the watch on a dev chain with hundreds of accounts', () => {
  let node;
  let api;
  let alice;
  let bob;
  let owner;
  let crowd;

  const feed = async (btc, eth) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, eth * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, bob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
    const numbers = await Promise.all(results.map(async (r) =>
      (await api.rpc.chain.getHeader(r.blockHash)).number.toNumber()));
    return Math.max(...numbers);
  };

  /** Sign `txs` for `signer` with consecutive nonces and wait for all of them. */
  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, owner] = ['//Alice', '//Bob', '//Portfolio'].map((u) => keyring.addFromUri(u));
    crowd = Array.from({ length: CROWD }, (_, i) => keyring.addFromUri(`//Crowd/${i}`));
    node = await startDevNode('watch', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(60_000n, 3_000n);

    // Alice funds everyone: native tokens for fees and the margin account's deposit; USDC for
    // margin is minted by the governance account (the assets' issuer), which Alice, as the dev
    // chain's sudo, acts as. The portfolio also gets BTC and ETH.
    const fund = (ws, usdc, more = []) => [
      ...ws.map((w) => api.tx.balances.transferKeepAlive(w.address, 10n * BLST)),
      mintAsGovernance(api, [...ws.map((w) => [ID_USDC, w.address, usdc]), ...more]),
    ];
    const batches = [];
    for (let i = 0; i < CROWD; i += 50) {
      batches.push(api.tx.utility.batchAll(fund(crowd.slice(i, i + 50), 2_000n * USDC)));
    }
    batches.push(api.tx.utility.batchAll(fund([owner], 3_000n * USDC, [
      [ID_BTC, owner.address, BTC / 5n],
      [ID_ETH, owner.address, 3n * ETH],
    ])));
    for (const r of await submitAll(alice, batches)) assert.equal(r.error, null);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('two hundred accounts and a cross portfolio open positions; each is in the watch', async () => {
    await feed(60_000n, 3_000n);
    const crowdTxs = crowd.map((w, i) => submitAll(w, [
      api.tx.marginAccounts.deposit(CROSS, ID_USDC, 1_000n * USDC),
      api.tx.perpetuals.trade(CROSS, i % 2 === 0 ? BTC_PERP : ETH_PERP,
        (i % 4 < 2 ? 1n : -1n) * (i % 2 === 0 ? BTC / 500n : ETH / 20n), null),
    ]));
    const mine = submitAll(owner, [
      api.tx.marginAccounts.deposit(CROSS, ID_BTC, BTC / 10n),
      api.tx.marginAccounts.deposit(CROSS, ID_ETH, 2n * ETH),
      api.tx.marginAccounts.deposit(CROSS, ID_USDC, 2_000n * USDC),
      api.tx.perpetuals.trade(CROSS, BTC_PERP, (12n * BTC) / 10n, null),
      api.tx.perpetuals.trade(CROSS, ETH_PERP, -10n * ETH, null),
    ]);
    for (const r of (await Promise.all([...crowdTxs, mine])).flat()) assert.equal(r.error, null);

    // The portfolio is filed under the mark and funding index of both markets and the price
    // and band weight of both collateral assets.
    const triggers = (await api.query.liquidation.watching([owner.address, CROSS])).unwrap();
    assert.equal(triggers.length, 2 * 3 + 2 * 2);
    const watched = await api.query.liquidation.watching.entries();
    assert.equal(watched.length, CROWD + 1);
    const health = (await api.call.liquidationApi.health(owner.address, CROSS)).unwrap();
    assert.ok(health.maintenanceEquity.toBigInt() > health.maintenanceRequirement.toBigInt());
  });

  test('BTC falls 7 %: the portfolio is liquidated in the next block, nobody else is touched', async () => {
    // Under the cross account's portfolio grid (BTC alone −16 %: 80 % of 11,520 USDC of
    // maintenance before the fall) a 7 % fall sinks the portfolio, not far enough to close it
    // in full (its health ratio stays above the 50 % of a full liquidation).
    const fedAt = await feed(56_000n, 3_000n);
    let liquidatedAt = null;
    let fraction = null;
    const others = [];
    for (let n = fedAt; n <= fedAt + 3; n += 1) {
      // Wait for block n to exist.
      while ((await api.rpc.chain.getHeader()).number.toNumber() < n) {
        await new Promise((r) => setTimeout(r, 500));
      }
      const hash = await api.rpc.chain.getBlockHash(n);
      for (const { event } of await api.query.system.events.at(hash)) {
        if (!api.events.liquidation.PositionsLiquidated.is(event)) continue;
        if (event.data.who.toString() === owner.address) {
          liquidatedAt ??= n;
          fraction ??= event.data.fraction.toNumber();
        } else {
          others.push(event.data.who.toString());
        }
      }
    }
    assert.equal(liquidatedAt, fedAt + 1, `fed in #${fedAt}, liquidated in #${liquidatedAt}`);
    assert.ok(fraction > 0 && fraction < 1_000_000, `partially closed (${fraction} ppm)`);
    assert.deepEqual(others, [], 'no healthy account was liquidated');
    // Partially closed, healthy again (the partial close is sized to restore maintenance; its
    // fills may cost more than the penalty it budgets, and then the next block's check closes
    // a little more), and filed again around the new prices.
    const health = (await api.call.liquidationApi.health(owner.address, CROSS)).unwrap();
    assert.ok(health.positions.toNumber() > 0, 'positions remain open');
    assert.ok(health.maintenanceEquity.toBigInt() >= health.maintenanceRequirement.toBigInt(),
      `equity ${health.maintenanceEquity} vs requirement ${health.maintenanceRequirement}`);
    assert.ok((await api.query.liquidation.watching([owner.address, CROSS])).isSome);
  });
});
