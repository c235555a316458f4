// Governance on a real dev node, with polkadot.js only: referenda on the RiskParameters track
// raise BTC's haircut (preimage noted, decision deposit placed, votes with conviction from
// several accounts, confirmation, enactment after the track's notice) and try an invalid one
// (refused at enactment with the registry's error); a council-initiated Emergency referendum
// enters safe mode and tightens ETH at once (within the emergency bound), after which a trade is
// refused and a deposit still works. The dev preset
// runs the tracks on development periods (blocks, not days).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import {
  connect, governanceAccount, mintAsGovernance, signAndFinalize, startDevNode,
} from '../lib/node.mjs';

const ONE = 10n ** 18n;
const USDC = 10n ** 6n;
const ID_BTC = 1;
const ID_ETH = 2;
const ID_USDC = 4;
const PERCENT = 10_000; // Permill parts per percent

describe('governance by referenda on a dev chain', () => {
  let node;
  let api;
  let alice; let bob; let charlie; let dave;
  // Everything that happens, block by block: { n, section, method, data }.
  const seen = [];
  let unsubHeads;

  const eventsOf = (r, section, method) => r.events
    .filter(({ event }) => event.section === section && event.method === method)
    .map(({ event }) => event);

  const ok = async (tx, signer) => {
    const r = await signAndFinalize(api, tx, signer);
    assert.equal(r.error, null, `${tx.method.section}.${tx.method.method}: ${r.error}`);
    return r;
  };

  const waitUntil = async (what, pred, ms) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await pred();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };

  const btcParams = async () => (await api.query.collateralRegistry.assetParams(ID_BTC)).unwrap();
  const feed = async () => {
    const values = [[1, 60_000n * ONE], [2, 3_000n * ONE], [3, 6n * ONE]];
    await Promise.all([alice, bob].map((w) => ok(api.tx.oracle.feedValues(values), w)));
  };

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, charlie, dave] = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((u) => keyring.addFromUri(u));
    node = await startDevNode('governance', ['--offchain-worker', 'never']);
    api = await connect(node.wsUrl);
    unsubHeads = await api.rpc.chain.subscribeNewHeads(async (h) => {
      const n = h.number.toNumber();
      const events = await api.query.system.events.at(h.hash);
      for (const { event } of events) {
        seen.push({ n, section: event.section, method: event.method, data: event.data });
      }
    });
  });

  after(async () => {
    unsubHeads?.();
    await api?.disconnect();
    await node?.stop();
  });

  test('the dev chain runs the tracks on short periods and the assets are governance-owned', async () => {
    const tracks = new Map(api.consts.referenda.tracks.map(([id, info]) => [id.toNumber(), info]));
    const risk = tracks.get(2);
    assert.equal(Buffer.from(risk.name.toU8a(true)).toString().replace(/\0+$/, ''), 'risk_parameters');
    assert.equal(risk.decisionPeriod.toNumber(), 40);
    assert.equal(risk.minEnactmentPeriod.toNumber(), 3);
    const gov = governanceAccount(api);
    const details = (await api.query.assets.asset(ID_USDC)).unwrap();
    for (const role of ['owner', 'issuer', 'admin', 'freezer']) assert.equal(details[role].toString(), gov);
    // Alice, the dev chain's sudo key, cannot mint as herself...
    const r = await signAndFinalize(api, api.tx.assets.mint(ID_USDC, dave.address, 1n), alice);
    assert.equal(r.error, 'assets.NoPermission');
    // ...only as the governance account, through Root.
    await ok(mintAsGovernance(api, [[ID_USDC, dave.address, 5_000n * USDC]]), alice);
  });

  test('referenda raise BTC\'s haircut after the notice, refuse an invalid one, and enter safe mode', async () => {
    const before = await btcParams();
    assert.equal(before.haircut.base.toNumber(), 10 * PERCENT);

    // Two proposals for the RiskParameters track: BTC's base haircut 10 % → 12 %, and an
    // invalid one (a 100 % haircut) that the registry refuses when it is enacted.
    const withBase = (parts) => {
      const p = before.toJSON();
      p.haircut.base = parts;
      return api.tx.collateralRegistry.updateParams(ID_BTC, p);
    };
    const raise = withBase(12 * PERCENT);
    const invalid = withBase(100 * PERCENT);

    // Note the preimages, then submit by hash.
    await ok(api.tx.utility.batchAll([raise, invalid].map((c) => api.tx.preimage.notePreimage(c.method.toHex()))), alice);
    for (const c of [raise, invalid]) {
      assert.ok((await api.query.preimage.requestStatusFor(c.method.hash)).isSome, 'preimage noted');
    }
    const lookup = (c) => ({ Lookup: { hash: c.method.hash.toHex(), len: c.method.encodedLength } });
    const submitted = await ok(api.tx.utility.batchAll([raise, invalid].map((c) =>
      api.tx.referenda.submit({ Origins: 'RiskParameters' }, lookup(c), { After: 1 }))), alice);
    const [iRaise, iInvalid] = eventsOf(submitted, 'referenda', 'Submitted').map((e) => e.data.index.toNumber());
    assert.equal(eventsOf(submitted, 'referenda', 'Submitted')[0].data.track.toNumber(), 2);

    // The Emergency track is council-initiated: Dave (not on the council) cannot submit to it,
    // Bob (on it) can. Its proposal — safe mode, and ETH tightened at once by 2 points on its
    // haircuts and 1 on its liquidation threshold (no notice, within the emergency bound) — is
    // small enough to go inline.
    const ethBefore = (await api.query.collateralRegistry.assetParams(ID_ETH)).unwrap();
    const enter = api.tx.utility.batchAll([
      api.tx.safeMode.forceEnter(),
      api.tx.collateralRegistry.emergencyTighten(ID_ETH, { haircutRise: 2 * PERCENT, thresholdCut: 1 * PERCENT }),
    ]);
    const emergency = (who) => signAndFinalize(api,
      api.tx.referenda.submit({ Origins: 'Emergency' }, { Inline: enter.method.toHex() }, { After: 1 }), who);
    assert.match((await emergency(dave)).error, /badOrigin/i);
    const em = await emergency(bob);
    assert.equal(em.error, null);
    const iEmergency = eventsOf(em, 'referenda', 'Submitted')[0].data.index.toNumber();

    // Decision deposits (1,000 BLST each on RiskParameters, 5,000 on Emergency).
    await ok(api.tx.utility.batchAll([iRaise, iInvalid, iEmergency].map((i) =>
      api.tx.referenda.placeDecisionDeposit(i))), bob);

    // Four holders vote aye with conviction, with most of their balance: well above the
    // tracks' initial support (10 % of the issuance).
    const convictions = { alice: 'Locked1x', bob: 'Locked2x', charlie: 'Locked3x', dave: 'Locked6x' };
    await Promise.all(Object.entries({ alice, bob, charlie, dave }).map(async ([name, who]) => {
      const free = (await api.query.system.account(who.address)).data.free.toBigInt();
      const balance = (free * 8n) / 10n;
      const vote = { Standard: { vote: { aye: true, conviction: convictions[name] }, balance } };
      await ok(api.tx.utility.batchAll([iRaise, iInvalid, iEmergency].map((i) =>
        api.tx.convictionVoting.vote(i, vote))), who);
    }));
    const tally = (await api.query.referenda.referendumInfoFor(iRaise)).unwrap().asOngoing.tally;
    assert.ok(tally.ayes.toBigInt() > tally.support.toBigInt(), 'conviction multiplies votes');

    // Confirmation, approval, and enactment after the minimum enactment period (the notice).
    const approvedAt = await waitUntil('the haircut referendum to be approved', async () => {
      const e = seen.find((x) => x.section === 'referenda' && x.method === 'Confirmed' && x.data.index.toNumber() === iRaise);
      return e?.n;
    }, 240_000);
    assert.ok(seen.some((x) => x.section === 'referenda' && x.method === 'ConfirmStarted' && x.data.index.toNumber() === iRaise));
    await waitUntil('BTC\'s new haircut', async () => (await btcParams()).haircut.base.toNumber() === 12 * PERCENT, 120_000);
    const dispatched = seen.filter((x) => x.section === 'scheduler' && x.method === 'Dispatched');
    const enacted = dispatched.find((x) => x.data.result.isOk && x.n >= approvedAt);
    assert.ok(enacted, 'the proposal was dispatched by the scheduler');
    const atApproval = await api.query.collateralRegistry.assetParams.at(await api.rpc.chain.getBlockHash(approvedAt), ID_BTC);
    assert.equal(atApproval.unwrap().haircut.base.toNumber(), 10 * PERCENT, 'unchanged when approved');
    const risk = api.consts.referenda.tracks.find(([id]) => id.toNumber() === 2)[1];
    const changedAt = await waitUntil('the block that changed it', async () => {
      for (let n = approvedAt; ; n += 1) {
        const p = await api.query.collateralRegistry.assetParams.at(await api.rpc.chain.getBlockHash(n), ID_BTC);
        if (p.unwrap().haircut.base.toNumber() === 12 * PERCENT) return n;
      }
    }, 30_000);
    assert.ok(changedAt - approvedAt >= risk.minEnactmentPeriod.toNumber(), `notice: approved #${approvedAt}, enacted #${changedAt}`);
    // The rest of the parameter set is untouched.
    const afterParams = (await btcParams()).toJSON();
    assert.deepEqual({ ...afterParams, haircut: { ...afterParams.haircut, base: 0 } },
      { ...before.toJSON(), haircut: { ...before.toJSON().haircut, base: 0 } });

    // The invalid referendum passes the vote but fails at enactment with the registry's error.
    const failed = await waitUntil('the invalid proposal\'s enactment', async () => seen.find((x) =>
      x.section === 'scheduler' && x.method === 'Dispatched' && x.data.result.isErr), 120_000);
    const err = failed.data.result.asErr;
    assert.ok(err.isModule);
    const { section, name } = api.registry.findMetaError(err.asModule);
    assert.equal(`${section}.${name}`, 'collateralRegistry.HaircutTooHigh');
    assert.equal((await btcParams()).haircut.base.toNumber(), 12 * PERCENT);

    // The Emergency referendum enters safe mode: a trade is refused, a deposit still works.
    await waitUntil('safe mode', async () => (await api.query.safeMode.enteredUntil()).isSome, 120_000);
    // In the same enactment, ETH was tightened at once.
    const eth = (await api.query.collateralRegistry.assetParams(ID_ETH)).unwrap();
    assert.equal(eth.haircut.base.toNumber(), ethBefore.haircut.base.toNumber() + 2 * PERCENT);
    assert.equal(eth.liquidationThreshold.toNumber(), ethBefore.liquidationThreshold.toNumber() - PERCENT);
    const total = (await api.query.collateralRegistry.emergencyTightenings(ID_ETH)).unwrap();
    assert.deepEqual(total.toJSON(), { haircutRise: 2 * PERCENT, thresholdCut: PERCENT });
    const bound = api.consts.collateralRegistry.emergencyBound;
    assert.equal(bound.haircutRise.toNumber(), 10 * PERCENT);
    assert.ok(seen.some((x) => x.section === 'collateralRegistry' && x.method === 'EmergencyTightened'));
    await feed();
    const trade = await signAndFinalize(api, api.tx.perpetuals.trade(0, 0, 1_000_000n, null), dave);
    assert.equal(trade.error, 'system.CallFiltered');
    const deposit = await signAndFinalize(api, api.tx.marginAccounts.deposit(0, ID_USDC, 1_000n * USDC), dave);
    assert.equal(deposit.error, null);
    // Liquidation stays open too (no auction here: refused for that reason, not filtered).
    const take = await signAndFinalize(api, api.tx.liquidation.take(0, 1n, ONE), dave);
    assert.notEqual(take.error, 'system.CallFiltered');
    // The council (two thirds of three: a motion two members vote for) exits safe mode.
    const exit = api.tx.safeMode.forceExit();
    const proposed = await ok(api.tx.riskCouncil.propose(2, exit, exit.method.encodedLength), alice);
    const { proposalHash, proposalIndex } = eventsOf(proposed, 'riskCouncil', 'Proposed')[0].data;
    for (const member of [alice, bob]) await ok(api.tx.riskCouncil.vote(proposalHash, proposalIndex, true), member);
    const weight = { refTime: 1_000_000_000n, proofSize: 100_000n };
    await ok(api.tx.riskCouncil.close(proposalHash, proposalIndex, weight, exit.method.encodedLength), bob);
    assert.ok((await api.query.safeMode.enteredUntil()).isNone, 'the council exited safe mode');
    const again = await signAndFinalize(api, api.tx.perpetuals.trade(0, 0, 1_000_000n, null), dave);
    assert.notEqual(again.error, 'system.CallFiltered');
  });
});
