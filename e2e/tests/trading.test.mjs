// A trader's session on a real dev node, through @polkadot/api with no custom types:
// deposit two collateral assets, go long in an isolated account and short in the cross account,
// watch MarginApi follow an oracle move, get an over-withdrawal refused with the module error,
// and realize PnL by closing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n; // FixedU128
const BTC = 10n ** 8n;
const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const BTC_PERP = 0;

describe('trading on the dev chain', () => {
  let node;
  let api;
  let alice;
  let operatorBob;
  let dave;

  // Two operators (Alice and Bob): the dev chain's oracle needs two values for a price.
  const feed = async (btc) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, operatorBob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
    return results[1];
  };

  /** Submit `txs` from `signer` with consecutive nonces, so they land in order, in one go. */
  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  const summaries = async () => {
    const list = await api.call.marginApi.accounts(dave.address);
    return Object.fromEntries(list.map((s) => [s.sub.toNumber(), s]));
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    operatorBob = keyring.addFromUri('//Bob');
    dave = keyring.addFromUri('//Dave');
    // This test feeds prices by hand: the node's price-feed worker is off, so a price server
    // that another test file runs concurrently on 127.0.0.1:8088 cannot feed this chain.
    node = await startDevNode('trading', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(60_000n);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('markets and the vault are there from genesis, readable through MarginApi', async () => {
    const markets = await api.call.marginApi.markets();
    assert.equal(markets.length, 3);
    assert.equal(markets[BTC_PERP].params.oracleKey.toNumber(), ID_BTC);
    assert.equal(markets[BTC_PERP].price.unwrap().toBigInt(), 60_000n * ONE);
    assert.equal(markets[BTC_PERP].priceStale.isTrue, false);
    const vault = await api.call.marginApi.vault();
    assert.equal(vault.cash.toBigInt(), 500_000n * USDC);
  });

  test('deposit BTC and ETH, long in an isolated account, short in the cross account', async () => {
    const results = await submitAll(dave, [
      api.tx.marginAccounts.deposit(0, ID_BTC, BTC),
      api.tx.marginAccounts.deposit(0, ID_ETH, 10n * ETH),
      api.tx.marginAccounts.createIsolated(BTC_PERP),
      api.tx.marginAccounts.deposit(1, ID_USDC, 10_000n * USDC),
      // 1 BTC long on 10 000 USDC: 6x.
      api.tx.perpetuals.trade(1, BTC_PERP, BTC, null),
      // 5 BTC short on 1 BTC + 10 ETH.
      api.tx.perpetuals.trade(0, BTC_PERP, -5n * BTC, null),
    ]);
    for (const r of results) assert.equal(r.error, null);

    const s = await summaries();
    assert.deepEqual(Object.keys(s).sort(), ['0', '1']);
    const cross = s[0];
    assert.deepEqual(cross.margin.collateral.map((c) => c.asset.toNumber()), [ID_BTC, ID_ETH]);
    assert.equal(cross.margin.collateral[0].value.toBigInt(), 60_000n * USDC);
    assert.ok(cross.margin.collateral[0].riskAdjustedValue.toBigInt() < 60_000n * USDC, 'haircut applies');
    assert.equal(cross.positions[0].quantity.toBigInt(), -5n * BTC);
    const iso = s[1];
    assert.equal(iso.margin.market.unwrap().toNumber(), BTC_PERP);
    assert.equal(iso.positions[0].quantity.toBigInt(), BTC);
    assert.ok(iso.margin.healthRatio.unwrap().toBigInt() > ONE, 'isolated account is healthy');
    assert.ok(iso.liquidationPrice.isSome, 'isolated account reports its liquidation price');
    const liq = iso.liquidationPrice.unwrap().toBigInt() / ONE;
    assert.ok(liq > 50_000n && liq < 60_000n, `liquidation price ${liq}`);
  });

  test('MarginApi follows the oracle: BTC to 66 000', async () => {
    await feed(66_000n);
    const s = await summaries();
    const longPnl = s[1].positions[0].unrealizedPnl.toBigInt();
    const shortPnl = s[0].positions[0].unrealizedPnl.toBigInt();
    assert.ok(longPnl > 5_900n * USDC && longPnl < 6_000n * USDC, `long PnL ${longPnl}`);
    assert.ok(shortPnl < -29_000n * USDC && shortPnl > -31_000n * USDC, `short PnL ${shortPnl}`);
    assert.equal(s[0].margin.collateral[0].value.toBigInt(), 66_000n * USDC);
  });

  test('an over-withdrawal is refused with the module error and changes nothing', async () => {
    const before = (await summaries())[0].margin.collateral[0].amount.toBigInt();
    const r = await signAndFinalize(api, api.tx.marginAccounts.withdraw(0, ID_BTC, BTC), dave);
    assert.equal(r.error, 'marginAccounts.InsufficientMargin');
    const afterAmount = (await summaries())[0].margin.collateral[0].amount.toBigInt();
    assert.equal(afterAmount, before);
  });

  test('a tipped trade never lands before the feed of its block', async () => {
    // The front-runner's move: see a price coming, trade ahead of it with a tip. Feeds carry the
    // FeedsFirst extension's top priority, so within a block they are always applied first.
    const BLST = 10n ** 12n;
    const values = [[ID_BTC, 66_000n * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    let checked = 0;
    for (let attempt = 0; attempt < 5 && checked === 0; attempt += 1) {
      // Right after a block, so all three reach the pool before the next one is authored.
      await new Promise((resolve) => {
        const sub = api.rpc.chain.subscribeNewHeads(() => { sub.then((u) => u()); resolve(); });
      });
      const trade = await api.tx.perpetuals.trade(0, BTC_PERP, 1_000_000n, null).signAsync(dave, { tip: 100n * BLST });
      const feeds = await Promise.all([alice, operatorBob].map((who) => api.tx.oracle.feedValues(values).signAsync(who)));
      const [t, ...f] = await Promise.all([trade, ...feeds].map((tx) => signAndFinalize(api, tx, null)));
      for (const r of f) assert.equal(r.error, null);
      if (f.some((r) => r.blockHash.toHex() !== t.blockHash.toHex())) continue; // not one block: again
      assert.equal(t.error, null, 'the trade ran at the price fed ahead of it');
      const index = (r) => r.events[0].phase.asApplyExtrinsic.toNumber();
      for (const r of f) assert.ok(index(r) < index(t), `feed #${index(r)} before the tipped trade #${index(t)}`);
      checked += 1;
    }
    assert.equal(checked, 1, 'a block held both the feeds and the tipped trade');
  });

  test('closing the long realizes its PnL into the quote balance', async () => {
    await feed(66_000n); // trading needs a price younger than a minute
    const quoteBefore = (await summaries())[1].margin.quote.toBigInt();
    const r = await signAndFinalize(api, api.tx.perpetuals.closePosition(1, BTC_PERP, null), dave);
    assert.equal(r.error, null);
    const traded = r.events.find(({ event }) => api.events.perpetuals.Traded.is(event)).event;
    const realized = traded.data.realizedPnl.toBigInt();
    assert.ok(realized > 5_900n * USDC, `realized ${realized}`);
    assert.equal(traded.data.newSize.toBigInt(), 0n);
    const s = await summaries();
    assert.equal(s[1].positions.length, 0);
    const quoteAfter = s[1].margin.quote.toBigInt();
    const fee = traded.data.fee.toBigInt();
    const funding = traded.data.funding.toBigInt();
    assert.equal(quoteAfter - quoteBefore, realized - fee - funding);
  });
});
