// The global settlement on a real dev node, through @polkadot/api with no custom types
// (issue 14 §4): 100 accounts, funded from the dev accounts in batches, each deposit USDC and
// hold two perpetual positions (200 in all: longs and shorts on BTC and ETH). Sudo triggers
// `globalSettlement.trigger()`: the settlement fixes one price per key, settles the positions
// over several blocks (at most `maxSettlePerBlock` each), a trade is refused with
// `perpetuals.GlobalSettlementActive` while a deposit is accepted, and once it is complete every
// account withdraws its whole quote balance and receives exactly what its account showed.
//
// Runnable alone: `cd e2e && node --test tests/settlement.test.mjs` (needs the release node).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, mintAsGovernance, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n; // FixedU128
const BLST = 10n ** 12n;
const BTC = 10n ** 8n;
const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const [BTC_PERP, ETH_PERP] = [0, 1];
const CROSS = 0;
const ACCOUNTS = 100;
const DEPOSIT = 20_000n * USDC;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('the global settlement on the dev chain', () => {
  let node;
  let api;
  let alice;
  let charlie;
  let traders;
  let triggerBlock;
  let completedBlock;

  // Two operators (Alice and Charlie): the dev chain's oracle needs two values.
  const feed = async (btc = 60_000n, eth = 3_000n) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, eth * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, charlie].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
  };

  const blockOf = async (hash) => (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const best = async () => (await api.rpc.chain.getHeader()).number.toNumber();
  const status = async () => (await api.query.globalSettlement.status()).toJSON();
  const quote = async (who) => {
    const a = await api.query.marginAccounts.accounts(who.address, CROSS);
    return a.isSome ? a.unwrap().quote.toBigInt() : 0n;
  };
  const walletUsdc = async (who) => {
    const a = await api.query.assets.account(ID_USDC, who.address);
    return a.isSome ? a.unwrap().balance.toBigInt() : 0n;
  };

  /** Poll `read()` every second until `pred(value)` holds, or fail after `ms`. */
  const until = async (read, pred, ms, what) => {
    const deadline = Date.now() + ms;
    let last;
    while (Date.now() < deadline) {
      last = await read();
      if (pred(last)) return last;
      await sleep(1_000);
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
  };

  /** `[{ block, event }]` of the `section` events of blocks `from..=to`. */
  const eventsOf = async (section, from, to) => {
    const out = [];
    for (let n = from; n <= to; n++) {
      const at = await api.at(await api.rpc.chain.getBlockHash(n));
      for (const { event } of await at.query.system.events()) {
        if (event.section === section) out.push({ block: n, event });
      }
    }
    return out;
  };

  /** Sign all `[signer, tx]` pairs (each signer's first nonce onward) and wait for all. */
  const submitEach = async (pairs) => {
    const nonces = new Map();
    const signed = [];
    for (const [signer, tx] of pairs) {
      if (!nonces.has(signer.address)) {
        nonces.set(signer.address, (await api.rpc.system.accountNextIndex(signer.address)).toNumber());
      }
      const nonce = nonces.get(signer.address);
      nonces.set(signer.address, nonce + 1);
      signed.push(await tx.signAsync(signer, { nonce }));
    }
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null, 400_000)));
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, charlie] = ['//Alice', '//Charlie'].map((u) => keyring.addFromUri(u));
    traders = Array.from({ length: ACCOUNTS }, (_, i) => keyring.addFromUri(`//Settle${i}`));
    node = await startDevNode('settlement', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed();
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('100 accounts are funded in batches and open 200 positions', { timeout: 900_000 }, async () => {
    // BLST for fees and the margin-account deposit, from Alice in one batch; USDC minted by the
    // governance account (sudo) in one batch.
    const blst = traders.map((t) => api.tx.balances.transferKeepAlive(t.address, 100n * BLST));
    const mints = traders.map((t) => [ID_USDC, t.address, 30_000n * USDC]);
    const [funded, minted] = await submitEach([
      [alice, api.tx.utility.batchAll(blst)],
      [alice, mintAsGovernance(api, mints)],
    ]);
    assert.equal(funded.error, null);
    assert.equal(minted.error, null);
    for (const t of traders) assert.equal(await walletUsdc(t), 30_000n * USDC);

    // Fresh prices for the trades (the dev guard's maximum age is ten minutes).
    await feed();
    // Each account: deposit, then a long and a short (sides alternate: the vault's skew stays
    // small), in one batch of its own.
    const results = await submitEach(traders.map((t, i) => {
      const side = i % 2 === 0 ? 1n : -1n;
      return [t, api.tx.utility.batchAll([
        api.tx.marginAccounts.deposit(CROSS, ID_USDC, DEPOSIT),
        api.tx.perpetuals.trade(CROSS, BTC_PERP, side * BTC / 20n, null),
        api.tx.perpetuals.trade(CROSS, ETH_PERP, -side * ETH, null),
      ])];
    }));
    for (const r of results) {
      assert.equal(r.error, null);
      assert.ok(r.events.some(({ event }) => api.events.utility.BatchCompleted.is(event)), 'batch completed');
    }
    const positions = await api.query.perpetuals.positions.entries();
    assert.equal(positions.length, 2 * ACCOUNTS);
  });

  test('sudo triggers it: one price per key, settled over several blocks within the cap', { timeout: 900_000 }, async () => {
    // Fresh prices for the trigger (BTC a little lower: longs lose, shorts gain).
    await feed(58_000n, 3_050n);
    const r = await signAndFinalize(api, api.tx.sudo.sudo(api.tx.globalSettlement.trigger()), alice);
    assert.equal(r.error, null);
    const sudid = r.events.find(({ event }) => api.events.sudo.Sudid.is(event));
    assert.ok(sudid.event.data.sudoResult.isOk, `sudo: ${sudid.event.data.sudoResult.toString()}`);
    const triggered = r.events.find(({ event }) => api.events.globalSettlement.Triggered.is(event));
    assert.ok(triggered, 'Triggered');
    const prices = triggered.event.data.prices.map(([k, p]) => [k.toNumber(), p.toBigInt()]);
    assert.deepEqual(prices, [[ID_BTC, 58_000n * ONE], [ID_ETH, 3_050n * ONE], [ID_DOT, 6n * ONE]]);
    triggerBlock = await blockOf(r.blockHash);

    // Trading is refused with the precise error; a deposit goes through.
    const [who] = traders;
    const refused = await signAndFinalize(api, api.tx.perpetuals.trade(CROSS, BTC_PERP, BTC / 100n, null), who);
    assert.equal(refused.error, 'perpetuals.GlobalSettlementActive');
    const deposited = await signAndFinalize(api, api.tx.marginAccounts.deposit(CROSS, ID_USDC, 100n * USDC), who);
    assert.equal(deposited.error, null);
    assert.ok(deposited.events.some(({ event }) => api.events.marginAccounts.Deposited.is(event)), 'Deposited');

    const done = await until(status, (s) => s && s.settled !== undefined, 180_000, 'the settlement to complete');
    completedBlock = done.settled.at;
    assert.equal(done.settled.settled, 2 * ACCOUNTS);
    assert.equal((await api.query.perpetuals.positions.entries()).length, 0);

    const cap = api.consts.globalSettlement.maxSettlePerBlock.toNumber();
    const progress = (await eventsOf('globalSettlement', triggerBlock, completedBlock))
      .filter(({ event }) => api.events.globalSettlement.Progress.is(event));
    const perBlock = progress.map(({ block, event }) => [block, event.data.settled.toNumber()]);
    console.log(`settled ${2 * ACCOUNTS} positions in blocks ${JSON.stringify(perBlock)} (cap ${cap})`);
    assert.ok(perBlock.length > 1, 'several blocks');
    for (const [, n] of perBlock) assert.ok(n <= cap, `${n} > ${cap}`);
    assert.equal(perBlock.reduce((a, [, n]) => a + n, 0), 2 * ACCOUNTS);
    const completed = (await eventsOf('globalSettlement', completedBlock, completedBlock))
      .find(({ event }) => api.events.globalSettlement.Completed.is(event));
    assert.ok(completed, 'Completed');
  });

  test('every account withdraws its whole balance and gets exactly what its account showed', { timeout: 900_000 }, async () => {
    const owed = await Promise.all(traders.map(quote));
    const wallets = await Promise.all(traders.map(walletUsdc));
    for (const q of owed) assert.ok(q > 0n, `owed ${q}`);
    const results = await submitEach(traders.map((t, i) =>
      [t, api.tx.marginAccounts.withdraw(CROSS, ID_USDC, owed[i])]));
    for (const r of results) assert.equal(r.error, null);
    for (const [i, t] of traders.entries()) {
      assert.equal(await walletUsdc(t), wallets[i] + owed[i], `account ${i}`);
      assert.equal(await quote(t), 0n);
    }
    // The chain keeps going, settled for good.
    const now = await best();
    await until(best, (n) => n > now + 1, 30_000, 'two more blocks');
    assert.ok((await status()).settled, 'still settled');
  });
});
