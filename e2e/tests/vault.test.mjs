// A liquidity provider's session on a real dev node, through @polkadot/api with no custom types:
// deposit with a minimum of shares, ask to leave, get the early redemption refused with the
// module error, watch a trader's win land on the vault during the exit notice, and redeem at the
// NAV of the end of the notice: leaving just before losses land does not escape them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode, waitFor } from '../lib/node.mjs';

const ONE = 10n ** 18n; // FixedU128
const BTC = 10n ** 8n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const BTC_PERP = 0;

describe('the liquidity vault on the dev chain', () => {
  let node;
  let api;
  let alice;
  let operatorBob;
  let eve;
  let ferdie;

  const feed = async (btc) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, operatorBob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
  };

  const event = (r, ev) => r.events.find(({ event: e }) => ev.is(e))?.event;

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    operatorBob = keyring.addFromUri('//Bob');
    eve = keyring.addFromUri('//Eve');
    ferdie = keyring.addFromUri('//Ferdie');
    node = await startDevNode('vault', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed(60_000n);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('the vault rules are in storage, governed, with an exit notice', async () => {
    const rules = await api.query.perpetuals.rules();
    assert.equal(rules.exitNotice.toNumber(), 10);
    assert.equal(rules.stressMove.toNumber(), 100_000); // 10 %
    assert.equal(rules.minTradeNotional.toBigInt(), 10n * USDC);
  });

  test('a deposit below its minimum of shares is refused, at its minimum it goes through', async () => {
    const greedy = await signAndFinalize(api, api.tx.perpetuals.addLiquidity(100_000n * USDC, 100_000n * USDC + 1n), eve);
    assert.equal(greedy.error, 'perpetuals.BelowMinimumOutput');
    const r = await signAndFinalize(api, api.tx.perpetuals.addLiquidity(100_000n * USDC, 100_000n * USDC), eve);
    assert.equal(r.error, null);
    const added = event(r, api.events.perpetuals.LiquidityAdded);
    assert.equal(added.data.shares.toBigInt(), 100_000n * USDC);
  });

  test('leaving just before a loss lands does not escape it', async () => {
    const shares = (await api.query.perpetuals.lpShares(eve.address)).toBigInt();
    const asked = await signAndFinalize(api, api.tx.perpetuals.requestWithdrawal(shares), eve);
    assert.equal(asked.error, null);
    const requested = event(asked, api.events.perpetuals.WithdrawalRequested);
    const readyAt = requested.data.readyAt.toNumber();
    const early = await signAndFinalize(api, api.tx.perpetuals.withdrawLiquidity(0), eve);
    assert.equal(early.error, 'perpetuals.WithdrawalNotReady');

    // Meanwhile a trader goes 5 BTC long and BTC rises 10 %: the vault owes the trader 30,000.
    // (Trading needs a price younger than a minute: the operators feed just before.)
    const funded = await signAndFinalize(api, api.tx.marginAccounts.deposit(0, ID_USDC, 100_000n * USDC), ferdie);
    assert.equal(funded.error, null);
    await feed(60_000n);
    const traded = await signAndFinalize(api, api.tx.perpetuals.trade(0, BTC_PERP, 5n * BTC, null), ferdie);
    assert.equal(traded.error, null);
    await feed(66_000n);
    const vault = await api.call.marginApi.vault();
    assert.ok(vault.nav.unwrap().toBigInt() < 580_000n * USDC, `NAV ${vault.nav.unwrap()}`);

    await waitFor((cb) => api.rpc.chain.subscribeFinalizedHeads(cb), (h) => h.number.toNumber() >= readyAt, 180_000, 'the exit notice');
    const r = await signAndFinalize(api, api.tx.perpetuals.withdrawLiquidity(0), eve);
    assert.equal(r.error, null);
    const removed = event(r, api.events.perpetuals.LiquidityRemoved);
    // Eve held 1/6 of the vault when the trader won ≈ 30,000: she bears ≈ 5,000 of it.
    const amount = removed.data.amount.toBigInt();
    assert.ok(amount < 96_000n * USDC && amount > 90_000n * USDC, `redeemed ${amount}`);
    assert.equal((await api.query.perpetuals.pendingExits(eve.address)).isNone, true);
  });
});
