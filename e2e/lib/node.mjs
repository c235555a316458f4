// Helpers to run a real `ballast-node` and talk to it with @polkadot/api.
//
// Every node started here is stopped when the test file ends: on success, on failure, on an
// uncaught exception or a signal. As a last resort each node runs under `timeout`, so even a
// test runner killed with SIGKILL cannot leave a node running for more than NODE_LIFETIME_S.

import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiPromise, WsProvider } from '@polkadot/api';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const logDir = join(repoRoot, 'e2e', '.tmp');
const NODE_LIFETIME_S = 900;
/** Only catches a node that never starts: alone one opens RPC in ≈ 0.5 s (raw spec, cached
 * runtime) to 5 s (first compile); on a loaded 2-core machine, much longer. */
const START_LIMIT_S = 240;

/** Path of the release `ballast-node`: $BALLAST_NODE, else $CARGO_TARGET_DIR/release/ballast-node. */
export function nodeBinary() {
  const candidates = [
    process.env.BALLAST_NODE,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'ballast-node'),
    join(homedir(), '.cache', 'ballast', 'target', 'release', 'ballast-node'),
    join(repoRoot, 'target', 'release', 'ballast-node'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`ballast-node not found (tried ${candidates.join(', ')}); run \`make build\` first`);
  }
  return found;
}

/** Run `ballast-node ARGS` to completion (for CLI tests). The limit only catches a hang:
 * `build-spec` (which builds the genesis in the wasm runtime) takes 3–4 s on an idle machine and
 * took 53 s while eight test files started their nodes at once. */
export function runNodeSync(args, options = {}) {
  return spawnSync(nodeBinary(), args, { encoding: 'utf8', timeout: 240_000, env: nodeEnv(), ...options });
}

/** The environment of every node started here: the runtime's compiled code is cached in
 * e2e/.tmp/wasm-cache (`BALLAST_WASM_CACHE`, unless set already), so only the first node of a
 * binary compiles the runtime (≈ 4 s of both cores) and the others load it (≈ 0.5 s). */
function nodeEnv() {
  return { ...process.env, BALLAST_WASM_CACHE: process.env.BALLAST_WASM_CACHE || join(logDir, 'wasm-cache') };
}

/**
 * The dev chain's raw chain spec, built once per node binary (`build-spec --chain dev --raw`) and
 * shared by every test file. A node started with `--dev --chain <it>` is the dev chain (same
 * genesis, keys and flags as `--dev`) without building the genesis state in the wasm runtime at
 * start: that build took ≈ 15 CPU-seconds per node, and with eight test files starting together
 * on two cores their nodes took two minutes to open RPC. `npm test` builds it before the files
 * start (lib/prepare.mjs); a file run alone builds it here. Keyed by the binary's size and mtime,
 * so a rebuilt node never reads a stale genesis; written to a temp file and renamed, so a reader
 * never sees half of one.
 */
export function devChainSpec() {
  const binary = nodeBinary();
  const { size, mtimeMs } = statSync(binary);
  const path = join(logDir, `dev-raw-${size}-${Math.floor(mtimeMs)}.json`);
  if (existsSync(path)) return path;
  mkdirSync(logDir, { recursive: true });
  const r = runNodeSync(['build-spec', '--chain', 'dev', '--raw'], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`ballast-node build-spec --chain dev --raw failed (status ${r.status}): ${r.stderr || r.error}`);
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, r.stdout);
  renameSync(tmp, path);
  return path;
}

/** `ballast-node export-state` of the dev chain's genesis block, on a throw-away base path: a
 * client opens, so its executor compiles the runtime (into the cache, if one is set). `options`
 * go to `runNodeSync` (e.g. `env`). Returns its result (stdout: the state as a chain spec). */
export function exportDevGenesis(options = {}) {
  const base = mkdtempSync(join(tmpdir(), 'ballast-export-'));
  try {
    return runNodeSync(['export-state', '--chain', devChainSpec(), '--base-path', base, '0'],
      { maxBuffer: 64 * 1024 * 1024, ...options });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const portDir = join(logDir, 'ports');
const claimed = new Set();
process.on('exit', () => { for (const file of claimed) { try { unlinkSync(file); } catch { /* gone */ } } });

/** Claim `port` among the e2e processes of this machine: an exclusively created file holding our
 * pid (a file left by a process that has died is taken over). */
function claimPort(port) {
  const file = join(portDir, String(port));
  for (let round = 0; round < 2; round++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      claimed.add(file);
      return true;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder = 0;
      try { holder = Number(readFileSync(file, 'utf8')); } catch { /* just removed */ }
      let alive = false;
      try { if (holder > 0) { process.kill(holder, 0); alive = true; } } catch (e) { alive = e.code === 'EPERM'; }
      if (alive) return false;
      try { unlinkSync(file); } catch { /* another process took it over first */ }
    }
  }
  return false;
}

/**
 * A TCP port on 127.0.0.1 for a node: free a moment ago and claimed by no other e2e process
 * (files in e2e/.tmp/ports, removed when the process exits), from 10000–19999: below Linux's
 * ephemeral range (32768–60999), where the system picks the local port of every outgoing
 * connection (the test clients' WebSockets among them) and could take a port between this check
 * and the node binding it; and apart from the networks' 20000–29999 (scripts/network.sh).
 */
export async function freePort() {
  mkdirSync(portDir, { recursive: true });
  const first = Math.floor(Math.random() * 10000);
  for (let i = 0; i < 10000; i++) {
    const port = 10000 + ((first + i) % 10000);
    if (!claimPort(port)) continue;
    const free = await new Promise((res) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 10000-19999');
}

const running = new Set();
/** SIGKILL a node's whole process group: `timeout` and the node under it (killing `timeout`
 * alone would orphan the node, with no time limit left). */
function killGroup(child) {
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}
function killAll() {
  for (const child of running) killGroup(child);
  running.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAll(); process.exit(130); });
}
process.on('uncaughtException', (err) => { killAll(); console.error(err); process.exit(1); });

/**
 * Start `ballast-node --dev` (plus `extraArgs`) on free ports and wait until its RPC server
 * listens. State goes to a temp dir unless `extraArgs` names a `--base-path`.
 * Returns { wsUrl, prometheusUrl, logPath, stop }.
 */
export async function startDevNode(name, extraArgs = []) {
  return startNode(name, ['--dev', '--chain', devChainSpec()], extraArgs);
}

/**
 * Start a second validator of the dev chain (`--chain dev --validator`, an empty keystore: no
 * `--alice`), peered with the node whose p2p address is `bootnode`. Returns what
 * `startDevNode` returns.
 */
export async function startPeerNode(name, bootnode, extraArgs = []) {
  // A validator needs a network key: a fresh one each run (the node's state is temporary too).
  return startNode(name, ['--chain', devChainSpec(), '--validator', '--unsafe-force-node-key-generation', '--bootnodes', bootnode],
    extraArgs);
}

async function startNode(name, chainArgs, extraArgs) {
  mkdirSync(logDir, { recursive: true });
  const [rpcPort, p2pPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const args = [
    '--kill-after=5', String(NODE_LIFETIME_S), nodeBinary(),
    ...chainArgs, ...(extraArgs.includes('--base-path') ? [] : ['--tmp']), '--no-telemetry', '--no-mdns',
    '--rpc-port', String(rpcPort), '--port', String(p2pPort), '--prometheus-port', String(promPort),
    ...extraArgs,
  ];
  // Its own process group, so that a kill reaches the node as well as `timeout`.
  const child = spawn('timeout', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: nodeEnv() });
  running.add(child);
  child.stdout.pipe(log);

  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const ready = new Promise((res, rej) => {
    let seen = '';
    child.stderr.on('data', (chunk) => {
      log.write(chunk);
      if (seen !== null) {
        seen = (seen + chunk.toString()).slice(-4096);
        if (/Running JSON-RPC server/.test(seen)) { seen = null; res(); }
      }
    });
    exited.then(({ code, signal }) => rej(new Error(`ballast-node exited early (code ${code}, signal ${signal}); see ${logPath}`)));
    setTimeout(() => rej(new Error(`ballast-node did not open its RPC port within ${START_LIMIT_S} s; see ${logPath}`)), START_LIMIT_S * 1000).unref();
  });
  await ready;

  return {
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    p2pPort,
    prometheusUrl: `http://127.0.0.1:${promPort}/metrics`,
    logPath,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) { running.delete(child); return; }
      child.kill('SIGINT');
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20_000))]);
      if (done === null) killGroup(child);
      await exited;
      running.delete(child);
      log.end();
    },
  };
}

/** Connect @polkadot/api, with no custom types: everything comes from the chain's metadata. */
export async function connect(wsUrl) {
  const provider = new WsProvider(wsUrl, 1_000);
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}

/** Resolve with the first value of `subscribe` for which `pred` holds, or reject after `ms`. */
export function waitFor(subscribe, pred, ms, what) {
  return new Promise((res, rej) => {
    let unsub = null;
    let done = false;
    const timer = setTimeout(() => { done = true; unsub?.(); rej(new Error(`timed out after ${ms} ms waiting for ${what}`)); }, ms);
    subscribe((value) => {
      if (!done && pred(value)) {
        done = true;
        clearTimeout(timer);
        unsub?.();
        res(value);
      }
    }).then((u) => { unsub = u; if (done) u(); }, rej);
  });
}

/**
 * Sign and submit `tx`, resolving once it is finalized with its events and, if dispatch failed,
 * the decoded module error ("section.Name"). With `signer` null, `tx` is already signed.
 */
export function signAndFinalize(api, tx, signer, ms = 90_000) {
  return new Promise((res, rej) => {
    let unsub = null;
    const timer = setTimeout(() => { unsub?.(); rej(new Error(`transaction not finalized within ${ms} ms`)); }, ms);
    const onStatus = ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        clearTimeout(timer); unsub?.();
        rej(new Error(`transaction ${status.type}`));
        return;
      }
      if (!status.isFinalized) return;
      clearTimeout(timer); unsub?.();
      let error = null;
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          error = `${section}.${name}`;
        } else {
          error = dispatchError.toString();
        }
      }
      res({ blockHash: status.asFinalized, events, error });
    };
    const sent = signer === null ? tx.send(onStatus) : tx.signAndSend(signer, onStatus);
    sent.then((u) => { unsub = u; }, (e) => { clearTimeout(timer); rej(e); });
  });
}

/**
 * The keyless governance account: owner, issuer, admin and freezer of the chain's assets
 * (`origins.governanceAccount`, `modl` ++ `bal/govn`). Nobody signs for it.
 */
export function governanceAccount(api) {
  return api.consts.origins.governanceAccount.toString();
}

/**
 * `call` dispatched as the governance account, through the one path to it: Root with
 * `utility.dispatchAs`. On the dev chain Root is sudo (sign the result with Alice); in
 * production the same `utility.dispatchAs` is a `root` referendum's proposal.
 */
export function asGovernance(api, call) {
  return api.tx.sudo.sudo(api.tx.utility.dispatchAs({ system: { Signed: governanceAccount(api) } }, call));
}

/**
 * One call minting dev tokens, for Alice (the dev chain's sudo key) to sign:
 * `mints` is a list of [assetId, address, amount].
 */
export function mintAsGovernance(api, mints) {
  const calls = mints.map(([asset, who, amount]) => api.tx.assets.mint(asset, who, amount));
  return asGovernance(api, calls.length === 1 ? calls[0] : api.tx.utility.batchAll(calls));
}
