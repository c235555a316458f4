// A trader's options session on a real dev node, through @polkadot/api with no custom types:
// governance lists a short-dated BTC call and put, a trader buys both from the options vault,
// reads prices and greeks through OptionsApi and the account's scenario table through
// MarginApi, and the series expire and are settled by the
// chain itself (on_initialize) at the first oracle print after expiry, paid into the margin
// account: the put in the money pays (strike − settlement price) per BTC, the call nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode, waitFor } from '../lib/node.mjs';

const ONE = 10n ** 18n; // FixedU128
const BTC = 10n ** 8n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT] = [1, 2, 3];
const CROSS = 0;
const QUANTITY = BTC / 2n;

describe('options on the dev chain', () => {
  let node;
  let api;
  let alice;
  let operatorBob;
  let dave;
  let expiry;
  const ids = {};

  const feed = async (btc) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, operatorBob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
  };

  const event = (r, ev) => r.events.filter(({ event: e }) => ev.is(e)).map(({ event: e }) => e);
  const fixed = (f) => Number(f.toBigInt()) / 1e18;
  const summary = async () => (await api.call.marginApi.accountSummary(dave.address, CROSS)).unwrap();
  const quoteBalance = async () => (await summary()).margin.quote.toBigInt();

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    operatorBob = keyring.addFromUri('//Bob');
    dave = keyring.addFromUri('//Dave');
    node = await startDevNode('options', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(60_000n);
    const deposit = await signAndFinalize(api, api.tx.marginAccounts.deposit(CROSS, 4, 8_000n * USDC), dave);
    assert.equal(deposit.error, null);
  });

  /** Submit `txs` from `signer` with consecutive nonces, so they land in order, in one go. */
  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('genesis lists a call and a put per underlying, and seeds the options vault', async () => {
    const series = await api.call.optionsApi.series();
    const live = series.filter((s) => s.status.isLive);
    assert.equal(live.length, 6);
    assert.deepEqual([...new Set(live.map((s) => s.params.underlying.toNumber()))].sort(), [ID_BTC, ID_ETH, ID_DOT]);
    const vault = await api.call.optionsApi.vault();
    assert.equal(vault.cash.toBigInt(), 200_000n * USDC);
  });

  test('governance lists a short-dated BTC call and put; a signed account cannot', async () => {
    // The dev rules stop trading ten minutes before expiry; governance shortens it for this
    // rehearsal so a series can expire within the test.
    const rules = (await api.query.options.rules()).toJSON();
    const relaxed = await signAndFinalize(api, api.tx.sudo.sudo(api.tx.options.setVaultRules({ ...rules, tradeCutoff: 6_000 })), alice);
    assert.equal(relaxed.error, null);

    const now = (await api.query.timestamp.now()).toBigInt();
    expiry = now + 150_000n;
    const params = (kind) => ({ underlying: ID_BTC, strike: 60_000n * ONE, expiry, kind });
    const refused = await signAndFinalize(api, api.tx.options.listSeries(params('Put')), dave);
    assert.equal(refused.error, 'BadOrigin');
    const listed = await signAndFinalize(api, api.tx.sudo.sudo(api.tx.utility.batchAll([
      api.tx.options.listSeries(params('Call')),
      api.tx.options.listSeries(params('Put')),
    ])), alice);
    assert.equal(listed.error, null);
    for (const e of event(listed, api.events.options.SeriesListed)) {
      ids[e.data.params.kind.type] = e.data.series.toNumber();
    }
    assert.ok(ids.Call !== undefined && ids.Put !== undefined, 'both series listed');
  });

  test('a quote has bid < mid < ask, greeks with the right signs, and put–call parity holds', async () => {
    const call = (await api.call.optionsApi.seriesReport(ids.Call)).unwrap();
    const put = (await api.call.optionsApi.seriesReport(ids.Put)).unwrap();
    for (const s of [call, put]) {
      const q = s.quote.unwrap();
      assert.ok(q.bid.toBigInt() < q.mid.toBigInt() && q.mid.toBigInt() < q.ask.toBigInt(), 'spread around the model price');
      assert.ok(fixed(q.greeks.gamma) > 0 && fixed(q.greeks.vega) > 0, 'long convexity');
      assert.ok(fixed(q.greeks.theta) < 0, 'time decay');
    }
    const [c, p] = [call.quote.unwrap(), put.quote.unwrap()];
    assert.ok(fixed(c.greeks.delta) > 0 && fixed(c.greeks.delta) < 1);
    assert.ok(fixed(p.greeks.delta) < 0 && fixed(p.greeks.delta) > -1);
    // At the money, minutes to expiry: C − P = S − K·e^(−rT) ≈ 0 (rate 0 on dev).
    const parity = fixed(c.mid) - fixed(p.mid);
    assert.ok(Math.abs(parity) < 1, `C − P = ${parity}`);
    // Δcall − Δput = 1.
    assert.ok(Math.abs(fixed(c.greeks.delta) - fixed(p.greeks.delta) - 1) < 1e-9);
  });

  test('a long perp needs the grid\'s margin; buying a call and a put beside it lowers it', async () => {
    // Half a BTC long in the cross account: the portfolio grid's worst loss is the −16 % move.
    await feed(60_000n);
    const long = await signAndFinalize(api, api.tx.perpetuals.trade(CROSS, 0, BTC / 2n, null), dave);
    assert.equal(long.error, null);
    const naked = (await summary()).margin.initialRequirement.toBigInt();
    assert.ok(naked >= 4_800n * USDC && naked < 4_900n * USDC, `naked ${naked}`);
    // The account's scenario table: 9 spot moves × 3 volatilities on BTC; the −16 % cells
    // lose what the requirement asks.
    const nakedTable = (await api.call.marginApi.scenarioTable(dave.address, CROSS)).unwrap();
    assert.equal(nakedTable.cells.length, 27);
    const worstNaked = nakedTable.cells.reduce((w, c) => (c.pnl.toBigInt() < w.pnl.toBigInt() ? c : w));
    assert.equal(worstNaked.spotShock.toNumber(), -160_000);
    assert.equal(-worstNaked.pnl.toBigInt(), nakedTable.worstLoss.toBigInt());
    assert.equal(nakedTable.initialRequirement.toBigInt(), naked);

    const before = await quoteBalance();
    // One signing session, in order: a buy whose premium limit is too low, then the two buys.
    const [tooCheap, ...buys] = await submitAll(dave, [
      api.tx.options.buy(CROSS, ids.Put, QUANTITY, 1n),
      api.tx.options.buy(CROSS, ids.Call, QUANTITY, 1_000n * USDC),
      api.tx.options.buy(CROSS, ids.Put, QUANTITY, 1_000n * USDC),
    ]);
    assert.equal(tooCheap.error, 'options.SlippageExceeded');
    let paid = 0n;
    for (const r of buys) {
      assert.equal(r.error, null);
      const [bought] = event(r, api.events.options.Bought);
      assert.equal(bought.data.newQuantity.toBigInt(), QUANTITY);
      paid += bought.data.premium.toBigInt();
    }
    assert.ok(paid > 0n);
    assert.equal(before - (await quoteBalance()), paid, 'the premiums came out of the margin account');

    // The put pays on the way down what the perp loses: the requirement falls to a fraction.
    const hedged = (await summary()).margin.initialRequirement.toBigInt();
    assert.ok(hedged < naked / 2n, `hedged ${hedged} vs naked ${naked}`);
    // Cell by cell: the −16 % move now loses far less, and the table adds up to the requirement.
    const hedgedTable = (await api.call.marginApi.scenarioTable(dave.address, CROSS)).unwrap();
    assert.equal(hedgedTable.cells.length, 27);
    const cell = (t, shock, vol) => t.cells.find((c) => c.spotShock.toNumber() === shock && c.vol.toBigInt() === vol);
    assert.ok(cell(hedgedTable, -160_000, ONE).pnl.toBigInt() > cell(nakedTable, -160_000, ONE).pnl.toBigInt());
    assert.equal(cell(hedgedTable, 0, ONE).pnl.toBigInt(), 0n, 'the flat cell is exactly zero');
    const worstHedged = hedgedTable.cells.reduce((w, c) => (c.pnl.toBigInt() < w ? c.pnl.toBigInt() : w), 0n);
    assert.equal(-worstHedged, hedgedTable.worstLoss.toBigInt());
    const floor = hedgedTable.floor.toBigInt();
    assert.equal(hedgedTable.initialRequirement.toBigInt(), -worstHedged > floor ? -worstHedged : floor);
    assert.equal(hedgedTable.initialRequirement.toBigInt(), hedged);

    const positions = await api.call.optionsApi.positionGreeks(dave.address, CROSS);
    assert.equal(positions.length, 2);
    const byId = Object.fromEntries(positions.map((p) => [p.series.toNumber(), p]));
    assert.ok(fixed(byId[ids.Call].greeks.unwrap().delta) > 0);
    assert.ok(fixed(byId[ids.Put].greeks.unwrap().delta) < 0);
    const [btc] = await api.call.optionsApi.accountGreeks(dave.address, CROSS);
    assert.equal(btc.underlying.toNumber(), ID_BTC);
    // A straddle: deltas nearly cancel (half a BTC each), gamma and vega add up.
    const sum = positions.reduce((s, p) => s + fixed(p.greeks.unwrap().gamma), 0);
    assert.ok(Math.abs(fixed(btc.greeks.gamma) - sum) < 1e-9);
    assert.ok(Math.abs(fixed(btc.greeks.delta)) < 0.1);
    const vault = await api.call.optionsApi.vault();
    assert.ok(vault.greeks.some((g) => g.underlying.toNumber() === ID_BTC && fixed(g.greeks.gamma) < 0), 'the vault is short gamma');
  });

  test('the series expire, trading stops, and the chain settles them at the first print after expiry', async () => {
    // Close the perp first (its PnL and funding land in the quote balance now), so the balance
    // moves below by the put's payout alone.
    await feed(60_000n);
    const closedPerp = await signAndFinalize(api, api.tx.perpetuals.closePosition(CROSS, 0, null), dave);
    assert.equal(closedPerp.error, null);
    const putBefore = await quoteBalance();
    // BTC falls to 54,000 and stays there past the expiry.
    const wait = async () => {
      const now = (await api.query.timestamp.now()).toBigInt();
      return now <= expiry + 6_000n;
    };
    while (await wait()) await feed(54_000n);
    const closed = await signAndFinalize(api, api.tx.options.buy(CROSS, ids.Put, QUANTITY, 1_000n * USDC), dave);
    assert.match(closed.error, /options\.(TradingClosed|UnknownSeries)/);
    await feed(54_000n);

    await waitFor((cb) => api.query.options.activeSeries(cb),
      (active) => !active.some(([id]) => [ids.Call, ids.Put].includes(id.toNumber())), 120_000, 'both series settled');
    const put = (await api.query.options.allSeries(ids.Put)).unwrap();
    assert.ok(put.status.isSettled, `put status ${put.status.type}`);
    assert.equal(put.status.asSettled.price.toBigInt(), 54_000n * ONE, 'settled at the first print after expiry');

    // The put pays (60,000 − 54,000) × 0.5 = 3,000 USDC; the call pays nothing.
    assert.equal((await quoteBalance()) - putBefore, 3_000n * USDC);
    const positions = await api.call.optionsApi.positionGreeks(dave.address, CROSS);
    assert.equal(positions.length, 0, 'settled positions are gone');
  });
});
