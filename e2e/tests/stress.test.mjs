// The chain-wide stress test on a real dev node, through @polkadot/api with no custom types:
// `StressApi` reports six crash scenarios; a leveraged cross position shows up in the −30 %
// scenario within a block or two; governance raises the coverage thresholds above the chain's
// coverage and the controller tightens new risk step by step (a trade that passed before is
// refused, the existing position is untouched); thresholds back down and the tightening
// relaxes to zero. The node's `ballast_stress_*` gauges follow all of it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { scrape as scrapeMetrics, scrapeUntil as scrapeMetricsUntil } from '../lib/metrics.mjs';
import { connect, signAndFinalize, startDevNode } from '../lib/node.mjs';

const ONE = 10n ** 18n; // FixedU128
const BTC = 10n ** 8n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const BTC_PERP = 0;
const CROSS = 0;
const PERCENT = 10_000; // Permill parts
const SHOCKS = [-300_000, -200_000, -100_000, 100_000, 200_000, 300_000];
const LABELS = ['-30%', '-20%', '-10%', '+10%', '+20%', '+30%'];
// Bob: 3 BTC long (180,000 USDC of notional) on 30,000 USDC, about 6x: the cross grid asks
// 16 % (28,800), the −30 % scenario loses 54,000.
const DEPOSIT = 30_000n * USDC;
const SIZE = 3n * BTC;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fixed = (f) => Number(f.toBigInt()) / 1e18;
const usd = (x) => Number(x) / 1e6;

describe('the stress test on the dev chain', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let delta; // the extra long that fits untightened but not tightened (BTC smallest units)

  // Two operators (Alice and Charlie; Bob trades): the dev chain's oracle needs two values.
  const feed = async (btc = 60_000n) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, charlie].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
  };

  /** Submit `txs` from `signer` with consecutive nonces, so they land in order, in one go. */
  const submitAll = async (signer, txs) => {
    const base = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const signed = [];
    for (const [i, tx] of txs.entries()) signed.push(await tx.signAsync(signer, { nonce: base + i }));
    return Promise.all(signed.map((tx) => signAndFinalize(api, tx, null)));
  };

  const report = () => api.call.stressApi.report();
  const summary = async () => (await api.call.marginApi.accountSummary(bob.address, CROSS)).unwrap();
  const blockOf = async (hash) => (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const best = async () => (await api.rpc.chain.getHeader()).number.toNumber();
  const tightening = async () => (await report()).tightening.toNumber();

  /** Poll `read()` every second until `pred(value)` holds, or fail after `ms`. */
  const until = async (read, pred, ms, what) => {
    const deadline = Date.now() + ms;
    let last;
    while (Date.now() < deadline) {
      last = await read();
      if (pred(last)) return last;
      await sleep(1_000);
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last?.toHuman?.() ?? String(last))}`);
  };

  /** `[{ block, event }]` of the stressTest events of blocks `from..=to`. */
  const stressEvents = async (from, to) => {
    const out = [];
    for (let n = from; n <= to; n++) {
      const at = await api.at(await api.rpc.chain.getBlockHash(n));
      for (const { event } of await at.query.system.events()) {
        if (event.section === 'stressTest') out.push({ block: n, event });
      }
    }
    return out;
  };

  const scrape = () => scrapeMetrics(node.prometheusUrl);
  const scrapeUntil = (pred, ms, what) =>
    scrapeMetricsUntil(node.prometheusUrl, pred, ms, what, 'ballast_stress');

  /** `stressTest.setParams` through sudo: the parameters in force with `changes`. */
  const setParams = async (changes) => {
    const p = await api.query.stressTest.params();
    const params = {
      scenarios: p.scenarios,
      tightenBelow: p.tightenBelow,
      relaxAbove: p.relaxAbove,
      step: p.step,
      maxTightening: p.maxTightening,
      accountsPerBlock: p.accountsPerBlock,
      ...changes,
    };
    const r = await signAndFinalize(api, api.tx.sudo.sudo(api.tx.stressTest.setParams(params)), alice);
    assert.equal(r.error, null);
    const set = r.events.find(({ event }) => api.events.stressTest.ParamsSet.is(event));
    assert.ok(set, 'ParamsSet');
    // Sudo's own result.
    const sudid = r.events.find(({ event }) => api.events.sudo.Sudid.is(event));
    assert.ok(sudid.event.data.sudoResult.isOk, `sudo: ${sudid.event.data.sudoResult.toString()}`);
    return blockOf(r.blockHash);
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((u) => keyring.addFromUri(u));
    // Prices by hand: the worker is off, so a price server another test file runs on
    // 127.0.0.1:8088 cannot feed this chain.
    node = await startDevNode('stress', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    await feed();
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('StressApi reports six scenarios, coverage and no tightening; the gauges agree', async (t) => {
    const r = await report();
    assert.deepEqual(r.scenarios.map((s) => s.shock.toNumber()), SHOCKS);
    for (const s of r.scenarios) assert.ok(fixed(s.vol) >= 1 && fixed(s.vol) <= 2, `vol x${fixed(s.vol)}`);
    assert.equal(r.passTotals.length, 6);
    const coverage = r.coverage.isSome ? fixed(r.coverage.unwrap()) : null;
    assert.ok(coverage === null || (Number.isFinite(coverage) && coverage > 0), `coverage ${coverage}`);
    assert.equal(r.tightening.toNumber(), 0);
    assert.equal(r.alarm.isTrue, false);
    // Insurance funds + the perps vault's 500,000 + the options vault's 200,000 USDC.
    const capacity = r.capacity.toBigInt();
    assert.ok(capacity >= 700_000n * USDC, `capacity ${capacity}`);
    const [pass, started, visited] = r.pass;
    t.diagnostic(`pass ${pass} from #${started} (${visited} accounts so far), worst ${usd(r.worstShortfall.toBigInt())} USD, capacity ${usd(capacity)} USD, coverage ${coverage}`);

    const m = await scrapeUntil((x) => x.has('ballast_stress_capacity_usd') && x.get('ballast_metrics_block') >= 2, 30_000, 'the stress gauges');
    assert.equal(m.get('ballast_stress_tightening_ratio'), 0);
    assert.equal(m.get('ballast_stress_alarm'), 0);
    assert.ok(m.get('ballast_stress_capacity_usd') >= 700_000);
    assert.ok(m.has('ballast_stress_pass_visited'));
    assert.ok(m.has('ballast_stress_worst_shortfall_usd'));
    for (const l of LABELS) assert.ok(m.has(`ballast_stress_shortfall_usd{scenario="${l}"}`), l);
    // Nothing at risk yet: coverage is undefined and its gauge absent.
    if (m.get('ballast_stress_worst_shortfall_usd') === 0) assert.ok(!m.has('ballast_stress_coverage'));
    else assert.ok(m.get('ballast_stress_coverage') > 0);
  });

  test('a leveraged cross long falls short in the crash scenarios within a few blocks', async (t) => {
    await feed();
    const opened = await submitAll(bob, [
      api.tx.marginAccounts.deposit(CROSS, ID_USDC, DEPOSIT),
      api.tx.perpetuals.trade(CROSS, BTC_PERP, SIZE, null),
    ]);
    for (const r of opened) assert.equal(r.error, null);
    const traded = await blockOf(opened[1].blockHash);

    const shortfalls = await until(
      () => api.call.stressApi.account(bob.address, CROSS),
      (s) => s.length === 6 && s[0].toBigInt() > 0n, 30_000, "Bob's shortfall in the -30% scenario");
    const r = await until(report, (x) => x.worstShortfall.toBigInt() > 0n, 30_000, 'a worst shortfall');
    const seen = await best();
    const s = shortfalls.map((x) => x.toBigInt());
    const equity = (await summary()).margin.maintenanceEquity.toBigInt();
    t.diagnostic(`Bob 3 BTC long on ${usd(equity)} USD of equity: shortfalls ${s.map(usd).join(', ')} USD; `
      + `worst ${usd(r.worstShortfall.toBigInt())} USD (block #${seen}, traded in #${traded})`);
    // −30 %: 3 × 60,000 × 30 % = 54,000 of loss, less the equity.
    const expected = 54_000n * USDC - equity;
    const diff = s[0] > expected ? s[0] - expected : expected - s[0];
    assert.ok(diff < 1_500n * USDC, `-30%: ${usd(s[0])} vs about ${usd(expected)}`);
    assert.ok(s[1] > 0n && s[1] < s[0], '-20% falls short by less');
    assert.equal(s[2], 0n, '-10%: 18,000 of loss is within the equity');
    for (const up of s.slice(3)) assert.equal(up, 0n, 'a long gains when prices rise');
    assert.ok(r.worstShortfall.toBigInt() >= s[0] - 1_500n * USDC);
    const coverage = fixed(r.coverage.unwrap());
    assert.ok(coverage > 2 && coverage < 50, `coverage ${coverage}`);

    // Every block's pass visits every account on the dev chain: it completes, with Bob in it.
    const events = await stressEvents(traded, seen);
    const completed = events.filter(({ event }) => api.events.stressTest.PassCompleted.is(event));
    assert.ok(completed.some(({ event }) => event.data.worstShortfall.toBigInt() > 0n), 'PassCompleted with a shortfall');
    assert.ok(seen - traded <= 5, `seen ${seen - traded} blocks after the trade`);

    const m = await scrapeUntil((x) => x.get('ballast_stress_worst_shortfall_usd') > 0
      && x.get('ballast_stress_shortfall_usd{scenario="-30%"}') > 0 && x.has('ballast_stress_coverage'),
    30_000, 'the shortfall in the gauges');
    assert.ok(Math.abs(m.get('ballast_stress_shortfall_usd{scenario="-30%"}') - usd(s[0])) < 1_500);
    assert.equal(m.get('ballast_stress_shortfall_usd{scenario="+30%"}'), 0);
    assert.ok(Math.abs(m.get('ballast_stress_coverage') - coverage) < 1, `gauge ${m.get('ballast_stress_coverage')} vs ${coverage}`);
    assert.ok(m.get('ballast_stress_pass_visited') >= 0);

    // A small long that fits: 40 % of the free margin at the grid's requirement per BTC (with
    // 1 % for fees and spread). It passes now; under a 5 % tightening it will not.
    const { freeMargin, initialRequirement } = (await summary()).margin;
    const perBtc = initialRequirement.toBigInt() / 3n;
    delta = (freeMargin.toBigInt() * 4n / 10n) * BTC / (perBtc + perBtc / 100n);
    assert.ok(delta > 0n, `free margin ${freeMargin.toBigInt()}`);
    await feed();
    const small = await signAndFinalize(api, api.tx.perpetuals.trade(CROSS, BTC_PERP, delta, null), bob);
    assert.equal(small.error, null, 'the small long passes untightened');
  });

  test('thresholds above coverage tighten new risk step by step: the same trade is refused, the position untouched', async (t) => {
    const before = (await summary()).margin;
    const positionBefore = (await summary()).positions.map((p) => p.quantity.toBigInt());
    const coverage = fixed((await report()).coverage.unwrap());
    assert.ok(coverage < 50, `coverage ${coverage}`);
    // Bob is near his initial margin: a 5 % tightening of the requirement exceeds his free margin.
    const R = before.initialRequirement.toBigInt();
    const E = before.initialEquity.toBigInt();
    assert.ok(E >= R && R * 105n / 100n > E, `equity ${usd(E)} vs requirement ${usd(R)}`);

    const set = await setParams({ tightenBelow: 50n * ONE, relaxAbove: 60n * ONE, step: PERCENT, maxTightening: 5 * PERCENT });
    await until(tightening, (l) => l === 5 * PERCENT, 90_000, 'the tightening at 5 %');
    const reached = await best();
    const events = await stressEvents(set, reached);
    const low = events.filter(({ event }) => api.events.stressTest.CoverageLow.is(event));
    assert.equal(low.length, 1, 'one CoverageLow');
    assert.equal(low[0].event.data.threshold.toBigInt(), 50n * ONE);
    assert.ok(fixed(low[0].event.data.coverage) < 50);
    const steps = events.filter(({ event }) => api.events.stressTest.TighteningChanged.is(event));
    assert.deepEqual(steps.map(({ event }) => [event.data.from.toNumber(), event.data.to.toNumber()]),
      [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]].map(([a, b]) => [a * PERCENT, b * PERCENT]));
    const blocks = steps.map(({ block }) => block);
    assert.equal(new Set(blocks).size, 5, `one step per block: ${blocks}`);
    assert.ok(blocks[4] - blocks[0] >= 4 && blocks[0] >= set, `steps in blocks ${blocks} after #${set}`);
    t.diagnostic(`setParams in #${set}; CoverageLow in #${low[0].block} (coverage ${fixed(low[0].event.data.coverage).toFixed(2)}); tightening 1..5 % in #${blocks.join(', #')}`);
    const r = await report();
    assert.equal(r.alarm.isTrue, true);

    const m = await scrapeUntil((x) => x.get('ballast_stress_tightening_ratio') === 0.05, 30_000, 'the tightening gauge at 0.05');
    assert.equal(m.get('ballast_stress_alarm'), 1);

    // The same small long is refused now; the position and its maintenance are as they were.
    await feed();
    const refused = await signAndFinalize(api, api.tx.perpetuals.trade(CROSS, BTC_PERP, delta, null), bob);
    assert.equal(refused.error, 'marginAccounts.InsufficientMargin');
    const now = await summary();
    assert.deepEqual(now.positions.map((p) => p.quantity.toBigInt()), positionBefore, 'the position is untouched');
    assert.equal(now.margin.maintenanceRequirement.toBigInt(), before.maintenanceRequirement.toBigInt(), 'maintenance unchanged');
    const tightened = now.margin.initialRequirement.toBigInt();
    assert.ok(tightened > R && tightened <= R * 105n / 100n + 1n, `initial ${usd(R)} -> ${usd(tightened)}`);
    assert.ok(fixed(now.margin.healthRatio.unwrap()) > 1, 'still healthy: nobody is liquidated by the tightening');
    t.diagnostic(`initial requirement ${usd(R)} -> ${usd(tightened)} USD (equity ${usd(now.margin.initialEquity.toBigInt())}), maintenance ${usd(now.margin.maintenanceRequirement.toBigInt())} unchanged`);
  });

  test('thresholds back down: coverage restored, the tightening relaxes to zero and the trade passes again', async (t) => {
    const set = await setParams({ tightenBelow: ONE / 1000n, relaxAbove: ONE / 500n, step: PERCENT, maxTightening: 25 * PERCENT });
    await until(tightening, (l) => l === 0, 90_000, 'the tightening back to 0');
    const reached = await best();
    const events = await stressEvents(set, reached);
    assert.ok(events.some(({ event }) => api.events.stressTest.CoverageRestored.is(event)), 'CoverageRestored');
    const steps = events.filter(({ event }) => api.events.stressTest.TighteningChanged.is(event))
      .map(({ event }) => event.data.to.toNumber());
    assert.deepEqual(steps, [4, 3, 2, 1, 0].map((x) => x * PERCENT));
    assert.equal((await report()).alarm.isTrue, false);
    const m = await scrapeUntil((x) => x.get('ballast_stress_tightening_ratio') === 0 && x.get('ballast_stress_alarm') === 0,
      30_000, 'the tightening gauge back at 0');
    t.diagnostic(`relaxed in ${steps.length} blocks after #${set}; coverage gauge ${m.get('ballast_stress_coverage')}`);

    await feed();
    const again = await signAndFinalize(api, api.tx.perpetuals.trade(CROSS, BTC_PERP, delta, null), bob);
    assert.equal(again.error, null, 'the small long passes again');
  });
});
