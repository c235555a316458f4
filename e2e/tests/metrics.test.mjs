// The node's risk metrics: `ballast_*` gauges on its Prometheus endpoint, read from the runtime
// APIs on every imported best block. A price crash moves them: the price gauge, the liquidated
// account's open interest and the insurance fund its penalty went to. The node's own price-feed
// worker counts every fetch of every source (one answering, one unreachable), and the
// round-robin backstop's gauges count the accounts with positions.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { scrape as scrapeMetrics, scrapeUntil as scrapeMetricsUntil } from '../lib/metrics.mjs';
import { connect, signAndFinalize, startDevNode, waitFor } from '../lib/node.mjs';

const ONE = 10n ** 18n;
const BTC = 10n ** 8n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const BTC_PERP = 0;
const hexOf = (s) => '0x' + Buffer.from(s, 'utf8').toString('hex');

/** A price source on a free port of 127.0.0.1: `GET /<symbol>` → `{"price": "<price>"}`. */
async function startSource(prices) {
  const server = createServer((req, res) => {
    const price = prices[req.url.slice(1)];
    // No keep-alive: a connection this server closes while the node's HTTP client holds it
    // idle would fail the node's next fetch on it (a transport error, counted as a failure).
    res.writeHead(price ? 200 : 404, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(price ? JSON.stringify({ price }) : '{}');
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  return server;
}

describe('risk metrics on the Prometheus endpoint', () => {
  let node;
  let api;
  let alice;
  let bob;
  let dave;
  let source;

  const scrape = () => scrapeMetrics(node.prometheusUrl);
  /** Scrape until `pred(metrics)` holds (the gauges follow the best block), or fail after `ms`. */
  const scrapeUntil = (pred, ms, what) => scrapeMetricsUntil(node.prometheusUrl, pred, ms, what);

  // Two operators (Alice and Bob): the dev chain's oracle needs two values for a price.
  const feed = async (btc) => {
    const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
    const results = await Promise.all([alice, bob].map((who) =>
      signAndFinalize(api, api.tx.oracle.feedValues(values), who)));
    for (const r of results) assert.equal(r.error, null);
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
    [alice, bob, dave] = ['//Alice', '//Bob', '//Dave'].map((u) => keyring.addFromUri(u));
    // Prices by hand. The node's worker runs, but on this node's own sources for every asset
    // (offchain_localStorageSet, set before the first block is built): one answering, one
    // unreachable (nothing listens on port 9), so that its counters move both ways and it never
    // submits (the dev feeds need two sane answers). A price server another test file runs on
    // 127.0.0.1:8088 cannot feed this chain either.
    source = await startSource({ BTC: '60000', ETH: '3000', DOT: '6' });
    node = await startDevNode('metrics');
    api = await connect(node.wsUrl);
    for (const [id, symbol] of [[ID_BTC, 'BTC'], [ID_ETH, 'ETH'], [ID_DOT, 'DOT']]) {
      const sources = [
        { url: `http://127.0.0.1:${source.address().port}/${symbol}`, path: 'price' },
        { url: 'http://127.0.0.1:9/', path: 'price' },
      ];
      await api.rpc.offchain.localStorageSet('PERSISTENT', hexOf(`price-feed::sources::${id}`), hexOf(JSON.stringify(sources)));
    }
    // If a block was built before the override (a slow start on a busy machine) while another
    // file's price server answered on 8088, a worker run may have signed a feed for Alice or Bob
    // from the genesis sources: let it land before signing theirs (the same nonce would be
    // refused by the pool as "priority too low"). Two blocks cover a run started before the override.
    const { number } = await api.rpc.chain.getHeader();
    await waitFor((cb) => api.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= number.toNumber() + 2,
      60_000, 'two blocks after the source override');
    await feed(60_000n);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
    source?.close();
  });

  test('every ballast_ family is exported with readable labels, in whole units', async () => {
    const m = await scrapeUntil((x) => x.get('ballast_price_usd{asset="BTC"}') === 60_000, 30_000, 'BTC at 60 000');
    assert.equal(m.get('ballast_price_usd{asset="ETH"}'), 3_000);
    assert.equal(m.get('ballast_price_usd{asset="DOT"}'), 6);
    assert.equal(m.get('ballast_price_stale{asset="BTC"}'), 0);
    assert.equal(m.get('ballast_price_max_age_seconds{asset="BTC"}'), 600);
    const age = m.get('ballast_price_age_seconds{asset="BTC"}');
    assert.ok(age >= 0 && age < 60, `BTC price age ${age}`);
    assert.ok(m.get('ballast_price_feed_sources{asset="BTC"}') >= 1);
    assert.ok(Math.abs(m.get('ballast_vault_cash_usd') - 500_000) < 1, 'the vault holds its 500 000 USDC seed');
    assert.ok(Math.abs(m.get('ballast_vault_nav_usd') - 500_000) < 1);
    assert.equal(m.get('ballast_bad_debt_usd'), 0);
    assert.equal(m.get('ballast_accounts_at_risk'), 0);
    assert.equal(m.get('ballast_sweep_backlog'), 0);
    assert.equal(m.get('ballast_auctions_live'), 0);
    for (const market of ['BTC-PERP', 'ETH-PERP', 'DOT-PERP']) {
      assert.equal(m.get(`ballast_open_interest{market="${market}",side="long"}`), 0, market);
      assert.equal(m.get(`ballast_market_price_stale{market="${market}"}`), 0, market);
    }
    assert.ok(m.has('ballast_insurance_global_usd'));
    assert.ok(m.get('ballast_metrics_block') >= 1);
    assert.equal(m.get('ballast_metrics_update_failures_total'), 0);
    // The stress test: nothing at risk yet, so no shortfall, coverage undefined (no gauge), no
    // tightening; capacity is the vaults' 700 000 USDC and the insurance funds.
    assert.equal(m.get('ballast_stress_worst_shortfall_usd'), 0);
    assert.ok(!m.has('ballast_stress_coverage'), 'coverage is absent while nothing is at risk');
    assert.ok(m.get('ballast_stress_capacity_usd') >= 700_000);
    assert.equal(m.get('ballast_stress_tightening_ratio'), 0);
    assert.equal(m.get('ballast_stress_alarm'), 0);
    assert.ok(m.has('ballast_stress_pass_visited'));
    for (const scenario of ['-30%', '-20%', '-10%', '+10%', '+20%', '+30%']) {
      assert.equal(m.get(`ballast_stress_shortfall_usd{scenario="${scenario}"}`), 0, scenario);
    }
    // The round-robin backstop: no account with a position yet (or a genesis one); a round's
    // position never exceeds its accounts.
    const accounts = m.get('ballast_sweep_backstop_accounts');
    const position = m.get('ballast_sweep_backstop_position');
    assert.ok(accounts >= 0 && position >= 0 && position <= accounts, `backstop ${position}/${accounts}`);
  });

  test("the node's own price-feed worker counts each source's fetches", async (t) => {
    const host = `127.0.0.1:${source.address().port}`;
    const key = (asset, index, h, result) => (result
      ? `ballast_price_feed_source_fetches_total{asset="${asset}",host="${h}",result="${result}",source="${index}"}`
      : `ballast_price_feed_source_last_error{asset="${asset}",host="${h}",source="${index}"}`);
    const counts = (m, asset) => ({
      ok: m.get(key(asset, 0, host, 'ok')),
      failedGood: m.get(key(asset, 0, host, 'failed')),
      failed: m.get(key(asset, 1, '127.0.0.1:9', 'failed')),
      okBad: m.get(key(asset, 1, '127.0.0.1:9', 'ok')),
    });
    const first = await scrapeUntil((x) => ['BTC', 'ETH', 'DOT'].every((a) => counts(x, a).ok >= 1 && counts(x, a).failed >= 1),
      60_000, 'the worker counting both sources of every asset');
    const before = counts(first, 'BTC');
    const later = await scrapeUntil((x) => counts(x, 'BTC').ok > before.ok && counts(x, 'BTC').failed > before.failed,
      60_000, 'the counters rising with the next runs');
    const after = counts(later, 'BTC');
    t.diagnostic(`BTC: ${host} ok ${before.ok} -> ${after.ok}; 127.0.0.1:9 failed ${before.failed} -> ${after.failed}`);
    // The answering source never fails, the unreachable one never answers.
    assert.equal(after.failedGood, 0);
    assert.equal(after.okBad, 0);
    assert.equal(later.get(key('BTC', 0, host)), 0, 'no error on the answering source');
    // 3: a transport error (connection refused).
    assert.ok(later.get(key('BTC', 1, '127.0.0.1:9')) > 0, 'the unreachable source has a last error');
    // No more sources than the override lists.
    assert.ok(![...later.keys()].some((k) => k.startsWith('ballast_price_feed_source_last_error{') && k.includes('source="2"')));
    // And the worker submits nothing on them (one sane answer, two needed; a submission from the
    // genesis sources before the override landed would be older than the first scrape).
    const submitted = 'ballast_price_feed_last_submit_block{asset="BTC"}';
    assert.equal(later.get(submitted), first.get(submitted), 'the worker submitted nothing');
  });

  test('a price crash moves the price, open interest and insurance gauges', async (t) => {
    // Dave: an isolated 7.5x BTC long (1 BTC on 8 000 USDC), liquidatable below ≈55 000.
    const opened = await submitAll(dave, [
      api.tx.marginAccounts.createIsolated(BTC_PERP),
      api.tx.marginAccounts.deposit(1, ID_USDC, 8_000n * USDC),
      api.tx.perpetuals.trade(1, BTC_PERP, BTC, null),
    ]);
    for (const r of opened) assert.equal(r.error, null);
    const before = await scrapeUntil(
      (x) => x.get('ballast_open_interest{market="BTC-PERP",side="long"}') === 1
        && x.get('ballast_stress_worst_shortfall_usd') > 0,
      30_000, 'the 1 BTC long in the open interest and the stress test');
    const notional = before.get('ballast_open_interest_usd{market="BTC-PERP",side="long"}');
    assert.ok(Math.abs(notional - 60_000) < 1, `notional ${notional}`);
    const fundBefore = before.get('ballast_insurance_market_usd{market="BTC-PERP"}') ?? 0;
    // The stress test: −30 % loses 18 000 on 8 000 of equity, −10 % is covered, rises gain.
    const worst = before.get('ballast_stress_worst_shortfall_usd');
    assert.ok(worst > 9_000 && worst < 11_000, `worst shortfall ${worst}`);
    assert.equal(before.get('ballast_stress_shortfall_usd{scenario="-30%"}'), worst);
    assert.ok(before.get('ballast_stress_shortfall_usd{scenario="-20%"}') > 0);
    assert.equal(before.get('ballast_stress_shortfall_usd{scenario="-10%"}'), 0);
    assert.equal(before.get('ballast_stress_shortfall_usd{scenario="+30%"}'), 0);
    // Dave's account is in the backstop's round.
    const accounts = before.get('ballast_sweep_backstop_accounts');
    const position = before.get('ballast_sweep_backstop_position');
    assert.ok(accounts >= 1 && position >= 0 && position <= accounts, `backstop ${position}/${accounts}`);
    const coverage = before.get('ballast_stress_coverage');
    assert.ok(Math.abs(coverage - before.get('ballast_stress_capacity_usd') / worst) < 0.01, `coverage ${coverage}`);

    // BTC −10 % (inside the circuit breaker: used at once). The sweep closes part of Dave's
    // long and pays the 2 % penalty into BTC-PERP's insurance fund.
    await feed(54_000n);
    const after = await scrapeUntil(
      (x) => x.get('ballast_price_usd{asset="BTC"}') === 54_000
        && x.get('ballast_open_interest{market="BTC-PERP",side="long"}') < 1
        && (x.get('ballast_insurance_market_usd{market="BTC-PERP"}') ?? 0) > fundBefore,
      60_000, 'the crash in the price, open interest and insurance gauges');
    const oi = after.get('ballast_open_interest{market="BTC-PERP",side="long"}');
    const fund = after.get('ballast_insurance_market_usd{market="BTC-PERP"}');
    t.diagnostic(`BTC 60000 -> 54000 USD: BTC-PERP long OI 1 -> ${oi} BTC, its insurance fund ${fundBefore} -> ${fund} USD`);
    assert.ok(oi > 0 && oi < 1, `a partial close left ${oi} BTC`);
    assert.ok(fund - fundBefore > 10, `penalty ${fund - fundBefore} USDC`);
    assert.equal(after.get('ballast_accounts_at_risk'), 0, 'the sweep left nobody crossed');
    assert.equal(after.get('ballast_bad_debt_usd'), 0);
    assert.ok(after.get('ballast_metrics_block') > before.get('ballast_metrics_block'));
    // The gauges agree with the runtime API they were read from.
    const btcPerp = (await api.call.marginApi.markets()).find((x) => x.id.toNumber() === BTC_PERP);
    assert.equal(Number(btcPerp.longOi.toBigInt()) / 1e8, oi);
  });
});
