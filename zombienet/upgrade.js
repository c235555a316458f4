// Steps of upgrade.zndsl, run by zombienet's `js-script` on one node:
//   before   on the old runtime: feed prices, Eve deposits BTC and opens a BTC perp; record the
//            spec version, the Ballast pallets' storage versions and every storage entry that
//            names Eve (margin accounts, positions, assets, system account)
//   upgrade  sudo(system.setCode(new runtime)); wait until the node reports the new spec version
//            and a block has run the migrations (System.LastRuntimeUpgrade is the new spec)
//   after    the spec rose, the four authorities became the session's validators (each its
//            Aura key's account, in authority order) and the validator set's; every Ballast
//            pallet's storage version is what the new runtime
//            declares (the migrations ran), Eve's entries are byte-identical, and she can close
//            her position on the new runtime
// Environment (set by scripts/network.sh): BALLAST_UPGRADE_WASM, the new runtime's wasm.
const fs = require('fs');
const path = require('path');

const { ApiPromise, WsProvider, Keyring, util } = zombie;

const ONE = 10n ** 18n;
const BTC = 10n ** 8n;
const [ID_BTC, ID_ETH, ID_DOT] = [1, 2, 3];
const BTC_PERP = 0;
const PALLETS = ['CollateralRegistry', 'MarginAccounts', 'Perpetuals', 'Liquidation', 'PriceFeed', 'PriceGuard'];
const SCANNED = ['MarginAccounts', 'Perpetuals', 'Assets', 'System'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const prefix = (name) => '0x' + hex(util.xxhashAsU8a(name, 128));

function send(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub;
    tx.signAndSend(signer, (res) => {
      if (res.dispatchError) {
        const e = res.dispatchError.isModule ? api.registry.findMetaError(res.dispatchError.asModule) : null;
        unsub?.();
        reject(new Error(e ? `${e.section}.${e.name}` : res.dispatchError.toString()));
      } else if (res.status.isInBlock) {
        const failed = res.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event)
          || (api.events.sudo?.Sudid?.is(event) && event.data[0].isErr));
        unsub?.();
        if (failed) reject(new Error(`failed: ${failed.event.data.toString()}`));
        else resolve(res);
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

async function storageVersions(api) {
  const out = {};
  for (const p of PALLETS) {
    const key = prefix(p) + hex(util.xxhashAsU8a(':__STORAGE_VERSION__:', 128));
    const raw = await api.rpc.state.getStorage(key);
    out[p] = raw.isSome ? raw.unwrap().toU8a(true).reduce((acc, b, i) => acc + (b << (8 * i)), 0) : 0;
  }
  return out;
}

async function entriesOf(api, who) {
  const id = hex(new Keyring().decodeAddress(who));
  const out = {};
  for (const p of SCANNED) {
    let start;
    for (;;) {
      const keys = await api.rpc.state.getKeysPaged(prefix(p), 1000, start);
      if (keys.length === 0) break;
      for (const k of keys) {
        if (!k.toHex().includes(id)) continue;
        const v = await api.rpc.state.getStorage(k);
        out[k.toHex()] = v.toHex();
      }
      start = keys[keys.length - 1];
      if (keys.length < 1000) break;
    }
  }
  return out;
}

async function feed(api, signers, btc) {
  const values = [[ID_BTC, btc * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
  await Promise.all(signers.map((s) => send(api, api.tx.oracle.feedValues(values), s)));
}

async function run(nodeName, networkInfo, args) {
  const [step] = args;
  const record = path.join(networkInfo.tmpDir, 'upgrade-record.json');
  const api = await ApiPromise.create({
    provider: new WsProvider(networkInfo.nodesByName[nodeName].wsUri), noInitWarn: true,
  });
  try {
    await util.cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const [alice, bob, eve] = ['//Alice', '//Bob', '//Eve'].map((u) => keyring.addFromUri(u));
    const spec = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();

    if (step === 'before') {
      await feed(api, [alice, bob], 60_000n);
      await send(api, api.tx.marginAccounts.deposit(0, ID_BTC, BTC), eve);
      await send(api, api.tx.perpetuals.trade(0, BTC_PERP, BTC / 100n, null), eve);
      const versions = await storageVersions(api);
      const entries = await entriesOf(api, eve.address);
      fs.writeFileSync(record, JSON.stringify({ spec, versions, entries }, null, 1));
      console.log(`before: spec ${spec}, storage versions ${JSON.stringify(versions)}, ${Object.keys(entries).length} entries of Eve`);
      return Object.keys(entries).length > 0 ? 1 : 0;
    }

    if (step === 'upgrade') {
      const wasm = fs.readFileSync(process.env.BALLAST_UPGRADE_WASM);
      const setCode = api.tx.system.setCode('0x' + wasm.toString('hex'));
      await send(api, api.tx.sudo.sudoUncheckedWeight(setCode, { refTime: 0, proofSize: 0 }), alice);
      for (let i = 0; i < 60; i++) {
        const now = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
        // The new code is in the state of setCode's block; its migrations run at the start of
        // the next block, which records the new spec in System.LastRuntimeUpgrade. Until then
        // the storage versions are the old ones: the next step must not read them earlier.
        const last = await api.query.system.lastRuntimeUpgrade();
        const migrated = last.isSome ? last.unwrap().specVersion.toNumber() : 0;
        if (now > spec && migrated === now) {
          console.log(`upgraded: spec ${spec} → ${now} (${wasm.length} bytes of code), migrations run`);
          return 1;
        }
        await sleep(2000);
      }
      return 0;
    }

    if (step === 'after') {
      const before = JSON.parse(fs.readFileSync(record, 'utf8'));
      // A fresh connection reads the new metadata.
      const versions = await storageVersions(api);
      const entries = await entriesOf(api, eve.address);
      const changed = Object.keys({ ...before.entries, ...entries })
        .filter((k) => before.entries[k] !== entries[k]);
      console.log(`after: spec ${before.spec} → ${spec}, storage versions ${JSON.stringify(before.versions)} → ${JSON.stringify(versions)}, Eve's entries changed: ${changed.length}`);
      if (spec <= before.spec || changed.length > 0) return 0;
      if (!PALLETS.every((p) => versions[p] >= 1)) return 0;
      // Validators chosen by governance from now on: the session pallet and the validator set
      // were seeded from the four Aura/GRANDPA authorities the old runtime ran with.
      const aura = (await api.query.aura.authorities()).map((a) => a.toHex());
      const session = (await api.query.session.validators()).map((a) => a.toHex());
      const set = await api.query.validatorSet.validators();
      console.log(`after: ${aura.length} Aura authorities, ${session.length} session validators, ${set.length} in the validator set`);
      if (aura.length !== 4 || session.length !== 4 || set.length !== 4) return 0;
      if (!session.every((who, i) => who === aura[i])) return 0;
      // The new runtime serves the old state: Eve closes at fresh prices.
      await feed(api, [alice, bob], 60_500n);
      await send(api, api.tx.perpetuals.closePosition(0, BTC_PERP, null), eve);
      console.log('after: Eve closed her position on the new runtime');
      return 1;
    }
    throw new Error(`unknown step ${step}`);
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
