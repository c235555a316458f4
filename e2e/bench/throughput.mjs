// Throughput benchmark (issue 12, item 5): how many `perpetuals.trade` fit in a block of a real
// dev node, next to how many `balances.transferKeepAlive` fit, measured in the same run.
//
// What it does
//   1. Starts its own `ballast-node --dev` on free ports with e2e/lib/node.mjs (`startDevNode`,
//      the way the e2e tests do; binary from $BALLAST_NODE, else
//      $CARGO_TARGET_DIR/release/ballast-node, else ~/.cache/ballast/target/release/ballast-node),
//      with the price-feed worker off (prices are fed here by Alice and Bob, the oracle's
//      minimum of two operators) and these node flags:
//        --pool-limit 600000 --pool-kbytes 512000   the default pool (8192 txs, 20 MiB) holds
//                                                   less than one phase's backlog (the limit is
//                                                   10 x BENCH_MAX_TXS, see below);
//        --rpc-max-response-size 256                a block of thousands of extrinsics and its
//                                                   events must fit in one RPC answer;
//        --rpc-max-connections 200                  headroom (this program uses two connections);
//        --rpc-message-buffer-capacity-per-connection 4096
//                                                   submissions are pipelined on one connection.
//      The pool's future queue is a tenth of --pool-limit, so it can hold a whole phase's
//      backlog while that waits for its gates (step 4).
//   2. Derives BENCH_TRADERS (default 600) trader keys `//Trader<N>` from the dev phrase; Alice
//      funds them in a few `utility.batchAll` calls: 100 BLST each (fees, and the 1 BLST deposit
//      a margin account holds) and 10,000 USDC minted by the governance account (the assets'
//      issuer; Alice acts as it with sudo + `utility.dispatchAs`). Each trader
//      deposits 5,000 USDC into its cross margin account (sub-account 0; the first deposit
//      opens it).
//   3. Keeps prices fresh: Alice and Bob feed BTC/ETH/DOT every BENCH_FEED_EVERY (3) blocks, and
//      once just before the trades are submitted (a trade needs a price younger than 60 s).
//   4. Phase A, then phase B, the same way: pre-sign (immortal, explicit consecutive nonces per
//      sender) enough extrinsics for about BENCH_FILL_BLOCKS (4) blocks plus one, as estimated
//      from the extrinsic's declared weight against the normal-class limit (transferKeepAlive
//      from each trader to the next; `perpetuals.trade` on the cross account, markets 0/1/2 in
//      turn, each trader alternating long and short per market, even traders starting long and
//      odd ones short, so the vault's skew stays near zero and its stress test never refuses;
//      sizes 0.01 BTC, 0.1 ETH, 50 DOT: 300-600 USDC, above the 10 USDC minimum notional), then
//      submit them all without waiting per transaction (raw `author_submitExtrinsic`, up to 256
//      in flight on a WebSocket of their own). Each sender's first transaction is its gate: the
//      others go first and wait in the pool's future queue, then the gates (one per sender)
//      release the whole backlog at once, so the measured blocks are built from a full pool
//      rather than raced by the submission (on a 2-core machine the client, the pool's
//      validation and the block author share the CPU). Then follow the chain until every
//      sender's nonce shows its last transaction applied (or nothing moves for 3 blocks).
//   5. Reads back every block of the phase (`chain_getBlock`, `system.events` and
//      `system.blockWeight` at its hash): per block, the extrinsics of the phase's kind that
//      succeeded, the failed ones by module error (`system.ExtrinsicFailed`), the normal-class
//      weight consumed against `system.blockWeights` and the length against
//      `system.blockLength`, and, from the node's log, how long the block author spent and why
//      it stopped adding transactions (sc-basic-authorship's `end:` reason:
//      NoMoreTransactions, HitBlockWeightLimit, HitBlockSizeLimit, HitDeadline). `backlog` is
//      what the pool had accepted but the chain had not yet applied when the block arrived.
//   6. Prints per-block tables and a summary: per-block counts (max, and median over the full
//      blocks: those whose author stopped for a limit, not for lack of transactions), the ratio
//      trades/transfers and whether it meets the 50 % target. Every figure is measured.
//
// Run: `make throughput` (builds the node first) or `cd e2e && npm run throughput`.
// Knobs (env): BENCH_TRADERS, BENCH_FILL_BLOCKS, BENCH_MAX_TXS (cap per phase, 60000),
// BENCH_FEED_EVERY, BALLAST_NODE. The node is stopped when the program ends; the helpers run it
// under `timeout` (15 minutes), so the whole run must fit in that.

import { readFileSync } from 'node:fs';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { DEV_PHRASE, Keyring } from '@polkadot/keyring';
import { u8aConcat } from '@polkadot/util';
import {
  cryptoWaitReady, keyExtractSuri, keyFromPath, mnemonicToMiniSecret, sr25519PairFromSeed,
  sr25519Sign,
} from '@polkadot/util-crypto';

import { mintAsGovernance, signAndFinalize, startDevNode } from '../lib/node.mjs';

// ---------------------------------------------------------------------------------------------
// Configuration

const envInt = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
};
const TRADERS = envInt('BENCH_TRADERS', 600);
const FILL_BLOCKS = envInt('BENCH_FILL_BLOCKS', 4);
const MAX_TXS = envInt('BENCH_MAX_TXS', 60_000);
const FEED_EVERY = envInt('BENCH_FEED_EVERY', 3);
const SUBMIT_WINDOW = 256; // submissions in flight at once on the WebSocket
const IDLE_BLOCKS = 3; // a phase ends when no sender's nonce moved for this many blocks

const NODE_FLAGS = [
  '--offchain-worker', 'never',
  // The future queue (a tenth of the pool) must hold a phase's backlog.
  '--pool-limit', String(10 * MAX_TXS), '--pool-kbytes', '512000',
  '--rpc-max-response-size', '256',
  '--rpc-max-connections', '200',
  '--rpc-message-buffer-capacity-per-connection', '4096',
];

const ONE = 10n ** 18n; // FixedU128
const BLST = 10n ** 12n;
const USDC = 10n ** 6n;
const [ID_BTC, ID_ETH, ID_DOT, ID_USDC] = [1, 2, 3, 4];
const PRICES = [[ID_BTC, 60_000n * ONE], [ID_ETH, 3_000n * ONE], [ID_DOT, 6n * ONE]];
/** Trade size per market (base units): 0.01 BTC (600 USDC), 0.1 ETH (300), 50 DOT (300). */
const TRADE_SIZE = [1_000_000n, 10n ** 17n, 50n * 10n ** 10n];
const FUND_BLST = 100n * BLST;
const FUND_USDC = 10_000n * USDC;
const MARGIN_USDC = 5_000n * USDC;
const TRANSFER_AMOUNT = BLST / 1_000n; // the existential deposit; every recipient exists
const FUND_PER_BATCH = 100; // traders per utility.batchAll (two calls each)

const log = (...args) => console.log(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const yieldLoop = () => new Promise((r) => setImmediate(r));

// ---------------------------------------------------------------------------------------------
// Keys and signing

/**
 * sr25519 signing. @polkadot/util-crypto 14 signs in pure JS (@scure/sr25519, ~3 ms a
 * signature here); the WebAssembly signer of @polkadot/wasm-crypto (installed with util-crypto)
 * is ~6x faster and produces the same schnorrkel signatures, so it is used when available.
 */
async function loadSigner() {
  try {
    const wasm = await import('@polkadot/wasm-crypto');
    await wasm.waitReady();
    if (wasm.isReady()) return { name: 'wasm', sign: (msg, kp) => wasm.sr25519Sign(kp.publicKey, kp.secretKey, msg) };
  } catch { /* fall through */ }
  return { name: 'js', sign: (msg, kp) => sr25519Sign(msg, kp) };
}

/** A keyring-pair look-alike over a raw keypair, for `Extrinsic.sign` (MultiSignature: type 1). */
function signerPair(keyring, kp, signer) {
  return {
    address: keyring.encodeAddress(kp.publicKey),
    addressRaw: kp.publicKey,
    publicKey: kp.publicKey,
    type: 'sr25519',
    sign: (msg, options) => {
      const sig = signer.sign(msg, kp);
      return options?.withType ? u8aConcat(new Uint8Array([1]), sig) : sig;
    },
  };
}

/** `//Trader0` .. `//Trader<n-1>` from the dev phrase (what `Keyring.addFromUri` derives). */
function deriveTraders(n, keyring, signer) {
  const root = sr25519PairFromSeed(mnemonicToMiniSecret(DEV_PHRASE));
  const out = [];
  for (let i = 0; i < n; i += 1) {
    const kp = keyFromPath(root, keyExtractSuri(`${DEV_PHRASE}//Trader${i}`).path, 'sr25519');
    out.push(signerPair(keyring, kp, signer));
  }
  return out;
}

/** Sign `call` offline: immortal, explicit nonce (no RPC round trip per transaction). */
function signOffline(api, call, pair, nonce) {
  return call.sign(pair, {
    blockHash: api.genesisHash,
    genesisHash: api.genesisHash,
    era: 0,
    nonce,
    runtimeVersion: api.runtimeVersion,
    signedExtensions: api.registry.signedExtensions,
  });
}

// ---------------------------------------------------------------------------------------------
// Chain helpers

/** Connect like e2e/lib's `connect`, declaring the data-less `FeedsFirst` extension. */
async function connectApi(wsUrl) {
  const provider = new WsProvider(wsUrl, 1_000);
  return ApiPromise.create({
    provider, noInitWarn: true, throwOnConnect: true,
    signedExtensions: { FeedsFirst: { extrinsic: {}, payload: {} } },
  });
}

const errorName = (api, dispatchError) => {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.type ?? dispatchError.toString();
};

const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);
const fmtMap = (map) => (map.size === 0 ? 'none' : [...map].map(([k, v]) => `${k} x${v}`).join(', '));

/**
 * Alice and Bob feed the oracle (two operators make a price). `feed()` calls are chained, so
 * two feeds never race for the same nonce; each resolves once both are in a block.
 */
function makeFeeder(api, operators) {
  let chain = Promise.resolve();
  let lastBlock = 0;
  let inFlight = false;
  const failures = new Map();
  let fed = 0;
  const feedOnce = async () => {
    inFlight = true;
    try {
      const results = await Promise.all(operators.map((who) => new Promise((res, rej) => {
        let unsub = null;
        let outcome;
        const done = (r) => { outcome = r; unsub?.(); res(r); };
        api.tx.oracle.feedValues(PRICES).signAndSend(who, { nonce: -1 }, ({ status, dispatchError }) => {
          if (outcome !== undefined) return;
          if (status.isInBlock || status.isFinalized) done(dispatchError ? errorName(api, dispatchError) : null);
          else if (status.isInvalid || status.isDropped || status.isUsurped) done(`pool: ${status.type}`);
        }).then((u) => { unsub = u; if (outcome !== undefined) u(); }, rej);
      })));
      for (const r of results) if (r !== null) bump(failures, r);
      fed += 1;
      lastBlock = (await api.rpc.chain.getHeader()).number.toNumber();
    } finally {
      inFlight = false;
    }
  };
  return {
    feed() { chain = chain.then(feedOnce, feedOnce); return chain; },
    /** Feed again if the last feed is FEED_EVERY blocks old (called on every new head). */
    onHead(number) { if (!inFlight && number - lastBlock >= FEED_EVERY) this.feed().catch((e) => bump(failures, String(e.message ?? e))); },
    report: () => `${fed} rounds, failures: ${fmtMap(failures)}`,
  };
}

/**
 * Submit signed extrinsics (hex) without waiting for inclusion, at most SUBMIT_WINDOW in flight,
 * as raw `author_submitExtrinsic` calls on `submitter` (a WsProvider of its own: no decoding and
 * re-encoding by the API layer, and the API's connection stays free for block headers).
 */
async function submitAll(submitter, txs, progress, rejected = new Map()) {
  let next = 0;
  const worker = async () => {
    while (next < txs.length) {
      const tx = txs[next];
      next += 1;
      try {
        await submitter.send('author_submitExtrinsic', [tx]);
        progress.accepted += 1;
      } catch (e) {
        bump(rejected, String(e.message ?? e).slice(0, 120));
      }
    }
  };
  await Promise.all(Array.from({ length: SUBMIT_WINDOW }, worker));
  return rejected;
}

/** On-chain nonces of `pairs` at `hash` (one RPC for all). */
async function nonces(api, pairs, hash) {
  const at = hash ? await api.at(hash) : api;
  const infos = await at.query.system.account.multi(pairs.map((p) => p.address));
  return infos.map((i) => i.nonce.toNumber());
}

/**
 * The block author's summary lines of the node log, by block number. (The hash it logs is the
 * pre-seal one, not the imported block's; with a single authority there is one proposal per
 * number, and the last one wins should there be more.)
 */
function proposerLog(logPath) {
  const byNumber = new Map();
  const re = /Prepared block for proposing at (\d+) \((\d+) ms\) hash: 0x[0-9a-f]+; parent_hash: \S+; end: (\w+); extrinsics_count: (\d+)/;
  // eslint-disable-next-line no-control-regex
  for (const line of readFileSync(logPath, 'utf8').replace(/\u001b\[[0-9;]*m/g, '').split('\n')) {
    const m = re.exec(line);
    if (m) byNumber.set(Number(m[1]), { ms: Number(m[2]), end: m[3], count: Number(m[4]) });
  }
  return byNumber;
}

// ---------------------------------------------------------------------------------------------
// One phase: pre-sign, submit, follow, read back

/**
 * `build(i, k)` is the k-th call of sender i. Signs `perSender` calls for every sender with
 * consecutive nonces (round-robin by k, so each sender's nonces reach the pool in order),
 * submits them and follows the chain until they are applied.
 */
async function runPhase(api, submitter, node, { label, section, method, senders, perSender, build, before }) {
  const total = senders.length * perSender;
  log(`\n== ${label}: ${section}.${method}, ${senders.length} senders x ${perSender} = ${total} extrinsics`);
  const base = await nonces(api, senders);
  const t0 = Date.now();
  const txs = [];
  for (let k = 0; k < perSender; k += 1) {
    for (const [i, pair] of senders.entries()) txs.push(signOffline(api, build(i, k), pair, base[i] + k).toHex());
    await yieldLoop(); // let the feeder answer new heads while signing
  }
  log(`   pre-signed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (before) await before();

  const progress = { accepted: 0 };
  const heads = []; // { number, hash, acceptedSoFar, applied }
  let submitted = false;
  let stop;
  const finished = new Promise((r) => { stop = r; });
  let idle = 0;
  let lastApplied = 0;
  const startNumber = (await api.rpc.chain.getHeader()).number.toNumber();
  let queue = Promise.resolve();
  const unsub = await api.rpc.chain.subscribeNewHeads((header) => {
    const number = header.number.toNumber();
    const hash = header.hash.toHex();
    const acceptedSoFar = progress.accepted;
    queue = queue.then(async () => {
      const now = await nonces(api, senders, hash);
      const applied = now.reduce((s, n, i) => s + Math.min(Math.max(n - base[i], 0), perSender), 0);
      heads.push({ number, hash, acceptedSoFar, applied });
      log(`   block #${number}: ${applied}/${total} applied, ${acceptedSoFar} accepted by the pool so far`);
      idle = applied === lastApplied ? idle + 1 : 0;
      lastApplied = applied;
      if (applied >= total || (submitted && idle >= IDLE_BLOCKS)) stop();
    }).catch((e) => log(`   (head ${number}: ${e.message})`));
  });

  // Every sender's first transaction (nonce + 0) is its gate: the others are submitted first and
  // wait in the pool's future queue, then the gates release the whole backlog at once. So the
  // blocks measured are built from a full pool, not raced by the submission itself.
  const gates = txs.slice(0, senders.length);
  const backlog = txs.slice(senders.length);
  const rejected = new Map();
  const ts = Date.now();
  await submitAll(submitter, backlog, progress, rejected);
  const tg = Date.now();
  await submitAll(submitter, gates, progress, rejected);
  const submitSecs = (Date.now() - ts) / 1000;
  submitted = true;
  log(`   submitted in ${submitSecs.toFixed(1)} s (${Math.round(total / submitSecs)}/s; the ${gates.length} gates took `
    + `${((Date.now() - tg) / 1000).toFixed(1)} s): ${progress.accepted} accepted, rejected: ${fmtMap(rejected)}`);
  const guard = setTimeout(() => { log('   (phase timed out)'); stop(); }, 10 * 60_000);
  await finished;
  clearTimeout(guard);
  unsub();
  await queue;

  // Read back every block since the submission started.
  const endNumber = heads.length ? heads[heads.length - 1].number : startNumber;
  await sleep(1_000); // let the node's last log lines reach the file
  const proposals = proposerLog(node.logPath);
  const limits = api.consts.system.blockWeights;
  const normalMax = limits.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const lengthMax = api.consts.system.blockLength.max.normal.toNumber();
  const blocks = [];
  const failures = new Map();
  for (let n = startNumber + 1; n <= endNumber; n += 1) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const [signed, events, weight] = await Promise.all([
      api.rpc.chain.getBlock(hash), api.query.system.events.at(hash), api.query.system.blockWeight.at(hash),
    ]);
    const xts = signed.block.extrinsics;
    const ofKind = new Set();
    let length = 0;
    xts.forEach((xt, idx) => {
      length += xt.encodedLength;
      if (xt.isSigned && xt.method.section === section && xt.method.method === method) ofKind.add(idx);
    });
    let ok = 0;
    let failed = 0;
    for (const { phase, event } of events) {
      if (!phase.isApplyExtrinsic || !ofKind.has(phase.asApplyExtrinsic.toNumber())) continue;
      if (api.events.system.ExtrinsicSuccess.is(event)) ok += 1;
      else if (api.events.system.ExtrinsicFailed.is(event)) { failed += 1; bump(failures, errorName(api, event.data.dispatchError)); }
    }
    const head = heads.find((h) => h.number === n);
    blocks.push({
      number: n, ok, failed, all: xts.length, length,
      normal: weight.normal.refTime.toBigInt(), mandatory: weight.mandatory.refTime.toBigInt(),
      proposal: proposals.get(n),
      backlog: head ? head.acceptedSoFar - head.applied : null,
    });
  }

  // Print the blocks that hold this phase's extrinsics.
  const ms = (ps) => (Number(ps) / 1e9).toFixed(0);
  log(`   normal-class limits: weight ${ms(normalMax)} ms, length ${(lengthMax / 1024).toFixed(0)} KiB`);
  log('   block    ok  fail  all-xts  normal weight (ms, % of limit)  length KiB (%)  mandatory ms  author ms  author stopped at      backlog');
  const used = blocks.filter((b) => b.ok + b.failed > 0);
  for (const b of used) {
    const pctW = (Number(b.normal) / Number(normalMax) * 100).toFixed(1);
    const pctL = (b.length / lengthMax * 100).toFixed(1);
    log(`   #${String(b.number).padEnd(6)}${String(b.ok).padStart(5)}${String(b.failed).padStart(6)}${String(b.all).padStart(9)}`
      + `  ${ms(b.normal).padStart(10)} (${pctW.padStart(5)} %)`.padEnd(34)
      + `${(b.length / 1024).toFixed(0).padStart(8)} (${pctL.padStart(4)} %)`
      + `${ms(b.mandatory).padStart(14)}${String(b.proposal?.ms ?? '?').padStart(11)}  ${(b.proposal?.end ?? '?').padEnd(22)}`
      + `${b.backlog === null ? '?' : b.backlog}`);
  }
  return { label, section, method, total, accepted: progress.accepted, rejected, submitSecs, blocks: used, failures, normalMax, lengthMax };
}

/** Per-block statistics of a phase: full blocks are those whose author stopped for a limit. */
function stats(phase) {
  const counts = phase.blocks.map((b) => b.ok);
  let full = phase.blocks.filter((b) => b.proposal && b.proposal.end !== 'NoMoreTransactions');
  let fullRule = 'author stopped for a limit (weight, size or deadline), not for lack of transactions';
  if (full.length === 0 && phase.blocks.length > 2) {
    full = phase.blocks.slice(1, -1);
    fullRule = 'no block hit a limit: interior blocks of the phase (first and last left out)';
  } else if (full.length === 0) {
    full = phase.blocks;
    fullRule = 'no block hit a limit: all blocks of the phase';
  }
  const sorted = full.map((b) => b.ok).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : (sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
  const reasons = new Map();
  for (const b of phase.blocks) bump(reasons, b.proposal?.end ?? 'unknown');
  const maxWeightPct = Math.max(0, ...full.map((b) => Number(b.normal) / Number(phase.normalMax) * 100));
  const maxLenPct = Math.max(0, ...full.map((b) => b.length / phase.lengthMax * 100));
  const maxAuthorMs = Math.max(0, ...full.map((b) => b.proposal?.ms ?? 0));
  // Wall-clock authoring time per extrinsic of the kind, over full blocks with a log line.
  const timed = full.filter((b) => b.proposal);
  const authorUsPerXt = timed.length
    ? timed.reduce((t, b) => t + b.proposal.ms, 0) * 1000 / Math.max(1, timed.reduce((t, b) => t + b.ok + b.failed, 0))
    : null;
  return {
    max: Math.max(0, ...counts), median, fullCount: full.length, fullRule, reasons,
    ok: counts.reduce((a, b) => a + b, 0), failed: phase.blocks.reduce((a, b) => a + b.failed, 0),
    maxWeightPct, maxLenPct, maxAuthorMs, authorUsPerXt,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  await cryptoWaitReady();
  const signer = await loadSigner();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');

  const node = await startDevNode('throughput', NODE_FLAGS);
  log(`ballast-node --dev on ${node.wsUrl} (log: ${node.logPath})`);
  log(`node flags: ${NODE_FLAGS.join(' ')}`);
  let api;
  let submitter;
  let unsubFeeder;
  // Everything after the node started runs under this try, so the node is stopped (SIGINT,
  // relayed by `timeout`) whatever fails.
  try {
    api = await connectApi(node.wsUrl);
    submitter = new WsProvider(node.wsUrl, 1_000);
    await submitter.isReady;
    const feeder = makeFeeder(api, [alice, bob]);
    unsubFeeder = await api.rpc.chain.subscribeNewHeads((h) => feeder.onHead(h.number.toNumber()));

    const t0 = Date.now();
    const traders = deriveTraders(TRADERS, keyring, signer);
    log(`${TRADERS} traders derived in ${((Date.now() - t0) / 1000).toFixed(1)} s; signing with the ${signer.name} sr25519 signer`);
    await feeder.feed();

    // Funding: BLST and USDC from Alice, a few batches with consecutive nonces.
    const aliceNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const batches = [];
    for (let i = 0; i < TRADERS; i += FUND_PER_BATCH) {
      const slice = traders.slice(i, i + FUND_PER_BATCH);
      const calls = [
        ...slice.map((t) => api.tx.balances.transferKeepAlive(t.address, FUND_BLST)),
        mintAsGovernance(api, slice.map((t) => [ID_USDC, t.address, FUND_USDC])),
      ];
      batches.push(await api.tx.utility.batchAll(calls).signAsync(alice, { nonce: aliceNonce + batches.length }));
    }
    const funded = await Promise.all(batches.map((tx) => signAndFinalize(api, tx, null, 180_000)));
    const fundErrors = funded.filter((r) => r.error !== null).map((r) => r.error);
    if (fundErrors.length) throw new Error(`funding failed: ${fundErrors.join(', ')}`);
    log(`funded ${TRADERS} traders with ${FUND_BLST / BLST} BLST and ${FUND_USDC / USDC} USDC in ${batches.length} batchAll calls`);

    // Cross margin accounts: each trader's first deposit opens it.
    const deposits = await runPhase(api, submitter, node, {
      label: 'setup', section: 'marginAccounts', method: 'deposit', senders: traders, perSender: 1,
      build: () => api.tx.marginAccounts.deposit(0, ID_USDC, MARGIN_USDC),
    });
    const dep = stats(deposits);
    if (dep.ok !== TRADERS) throw new Error(`only ${dep.ok}/${TRADERS} deposits succeeded: ${fmtMap(deposits.failures)}`);
    log(`   ${TRADERS} cross accounts hold ${MARGIN_USDC / USDC} USDC each`);

    // How many of each kind a block can take by declared weight, to size each phase: the weight
    // of the signed extrinsic (call + transaction extensions, `paymentInfo`) plus the base weight
    // of an extrinsic; the call's own weight (`queryCallInfo`) splits the first apart.
    const us = (ps) => (Number(ps) / 1e6).toFixed(0);
    const baseXt = api.consts.system.blockWeights.perClass.normal.baseExtrinsic.refTime.toBigInt();
    const normalMax = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
    const sampleTransfer = api.tx.balances.transferKeepAlive(traders[1].address, TRANSFER_AMOUNT);
    const sampleTrade = api.tx.perpetuals.trade(0, 0, TRADE_SIZE[0], null);
    const weightOf = async (tx) => (await tx.paymentInfo(traders[0].address)).weight.refTime.toBigInt();
    const callWeightOf = async (tx) => (await api.call.transactionPaymentCallApi
      .queryCallInfo(tx.method, tx.method.encodedLength)).weight.refTime.toBigInt();
    const [wTransfer, wTrade] = [await weightOf(sampleTransfer), await weightOf(sampleTrade)];
    const [cTransfer, cTrade] = [await callWeightOf(sampleTransfer), await callWeightOf(sampleTrade)];
    const declaredUs = { transferKeepAlive: Number(wTransfer + baseXt) / 1e6, trade: Number(wTrade + baseXt) / 1e6 };
    const capacity = (w) => Number(normalMax / (w + baseXt));
    const perSender = (w) => Math.max(1, Math.ceil(Math.min(capacity(w) * (FILL_BLOCKS + 1), MAX_TXS) / TRADERS));
    log(`\ndeclared weight per extrinsic (ref time) = call + transaction extensions + base extrinsic, `
      + `and how many fit in the normal-class limit of ${(Number(normalMax) / 1e9).toFixed(0)} ms:`);
    for (const [name, w, c] of [['transferKeepAlive', wTransfer, cTransfer], ['trade', wTrade, cTrade]]) {
      log(`   ${name.padEnd(18)} ${us(w + baseXt).padStart(5)} us = ${us(c)} + ${us(w - c)} + ${us(baseXt)} -> at most ${capacity(w)} per block`);
    }

    // Phase A: transfers, each trader to the next.
    const phaseA = await runPhase(api, submitter, node, {
      label: 'phase A', section: 'balances', method: 'transferKeepAlive', senders: traders,
      perSender: perSender(wTransfer),
      build: (i) => api.tx.balances.transferKeepAlive(traders[(i + 1) % TRADERS].address, TRANSFER_AMOUNT),
    });

    // Phase B: trades on the cross account, markets in turn, long/short alternating.
    const phaseB = await runPhase(api, submitter, node, {
      label: 'phase B', section: 'perpetuals', method: 'trade', senders: traders,
      perSender: perSender(wTrade),
      build: (i, k) => {
        const market = k % 3;
        const long = (i + Math.floor(k / 3)) % 2 === 0;
        return api.tx.perpetuals.trade(0, market, long ? TRADE_SIZE[market] : -TRADE_SIZE[market], null);
      },
      before: () => feeder.feed(), // fresh prices just before trading
    });

    // Summary.
    const a = stats(phaseA);
    const b = stats(phaseB);
    log('\n== Summary');
    for (const [p, s] of [[phaseA, a], [phaseB, b]]) {
      log(`${p.section}.${p.method}: submitted ${p.total} (${p.accepted} accepted by the pool in ${p.submitSecs.toFixed(1)} s; rejected: ${fmtMap(p.rejected)})`);
      log(`   succeeded ${s.ok}, failed ${s.failed} (${fmtMap(p.failures)}), over ${p.blocks.length} blocks`);
      log(`   per block: max ${s.max}, median ${s.median} over ${s.fullCount} full blocks (${s.fullRule})`);
      log(`   full blocks peaked at ${s.maxWeightPct.toFixed(1)} % of the normal weight limit, ${s.maxLenPct.toFixed(1)} % of the length limit, `
        + `${s.maxAuthorMs} ms of authoring; author stop reasons: ${fmtMap(s.reasons)}`);
      if (s.authorUsPerXt !== null) {
        log(`   authoring wall clock ${s.authorUsPerXt.toFixed(0)} us per extrinsic vs ${declaredUs[p.method].toFixed(0)} us declared weight (incl. base)`);
      }
    }
    const ratio = a.median > 0 ? b.median / a.median : 0;
    log(`trades/transfers per block (medians over full blocks): ${b.median} / ${a.median} = ${(ratio * 100).toFixed(1)} %`);
    log(`target trades per block >= 50 % of transfers per block: ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
    log(`by declared weight alone the ratio would be ${(capacity(wTrade) / capacity(wTransfer) * 100).toFixed(1)} % `
      + `(${capacity(wTrade)} / ${capacity(wTransfer)})`);
    // What the target asks of the trade's weight, with today's extension and base weights.
    const budget = 2n * (wTransfer + baseXt);
    log(`for 50 % by weight a trade may weigh at most 2 x ${us(wTransfer + baseXt)} = ${us(budget)} us in all, `
      + `i.e. a call weight <= ${us(budget - (wTrade - cTrade) - baseXt)} us (declared now: ${us(cTrade)} us)`);
    log(`price feeds: ${feeder.report()}`);
  } finally {
    unsubFeeder?.();
    await sleep(100);
    await submitter?.disconnect().catch(() => {});
    await api?.disconnect().catch(() => {});
    await node.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
