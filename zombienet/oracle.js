// The oracle under source faults (oracle.zndsl), run by zombienet's `js-script` on one node.
// One process serves every "exchange" the operators' nodes fetch from:
//   /good/<asset>     {"price":"<p>"} — the truth
//   /garbage/<asset>  a truncated JSON body (HTTP 200)
//   /hang/<asset>     accepts and never answers (the worker's 2 s deadline must expire)
// Each validator is an oracle operator. Their feed keys go into their keystores
// (author_insertKey) and their sources are overridden in offchain storage
// (offchain_localStorageSet, the operator's own override): Alice's all return garbage, Bob's
// all hang, Charlie's and Dave's are good. The oracle needs two operators' values: the combined
// price must be the truth, from Charlie and Dave only, with nothing from Alice or Bob.
const http = require('http');

const { ApiPromise, WsProvider, Keyring, util } = zombie;

const ONE = 10n ** 18n;
const TRUTH = { 1: ['60000.5', 60_000n * ONE + ONE / 2n], 2: ['3000.25', 3_000n * ONE + ONE / 4n], 3: ['6.125', 6n * ONE + ONE / 8n] };
const ROLE = { alice: 'garbage', bob: 'hang', charlie: 'good', dave: 'good' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hexOf = (s) => '0x' + Buffer.from(s, 'utf8').toString('hex');

function serve() {
  const hung = [];
  const server = http.createServer((req, res) => {
    const [, kind, asset] = new URL(req.url, 'http://127.0.0.1').pathname.split('/');
    if (kind === 'good' && TRUTH[asset]) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ price: TRUTH[asset][0] }));
    } else if (kind === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"price": "600');
    } else if (kind === 'hang') {
      hung.push(res); // never answered
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, hung })));
}

async function run(nodeName, networkInfo) {
  const { server, hung } = await serve();
  const port = server.address().port;
  const apis = {};
  try {
    await util.cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    for (const [name, node] of Object.entries(networkInfo.nodesByName)) {
      const api = await ApiPromise.create({ provider: new WsProvider(node.wsUri), noInitWarn: true });
      apis[name] = api;
      const suri = '//' + name[0].toUpperCase() + name.slice(1);
      const pair = keyring.addFromUri(suri);
      await api.rpc.author.insertKey('feed', suri, '0x' + Buffer.from(pair.publicKey).toString('hex'));
      for (const asset of Object.keys(TRUTH)) {
        const sources = [0, 1].map((i) => ({ url: `http://127.0.0.1:${port}/${ROLE[name]}/${asset}?s=${i}`, path: 'price', decimals: 0 }));
        await api.rpc.offchain.localStorageSet('PERSISTENT', hexOf(`price-feed::sources::${asset}`), hexOf(JSON.stringify(sources)));
      }
    }
    const api = apis[nodeName];
    const accounts = Object.fromEntries(Object.keys(ROLE).map((n) => [n, keyring.addFromUri('//' + n[0].toUpperCase() + n.slice(1)).address]));
    for (let i = 0; i < 60; i++) {
      await sleep(3000);
      const combined = await Promise.all(Object.keys(TRUTH).map((k) => api.query.oracle.values(k)));
      const ok = combined.every((v, i) => v.isSome && v.unwrap().value.toBigInt() === TRUTH[Object.keys(TRUTH)[i]][1]);
      if (!ok) continue;
      const raw = {};
      for (const [name, who] of Object.entries(accounts)) {
        raw[name] = (await Promise.all(Object.keys(TRUTH).map((k) => api.query.oracle.rawValues(who, k))))
          .map((v) => (v.isSome ? v.unwrap().value.toBigInt() : null));
      }
      console.log(`combined: ${combined.map((v) => v.unwrap().value.toString()).join(', ')}; raw per operator: ${JSON.stringify(raw, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}; hung requests: ${hung.length}`);
      const fromGood = ['charlie', 'dave'].every((n) => raw[n].every((v, i) => v === TRUTH[Object.keys(TRUTH)[i]][1]));
      const fromBad = ['alice', 'bob'].some((n) => raw[n].some((v) => v !== null));
      return fromGood && !fromBad && hung.length > 0 ? 1 : 0;
    }
    console.log('no combined price equal to the truth within 180 s');
    return 0;
  } finally {
    for (const res of hung) res.destroy();
    server.close();
    for (const api of Object.values(apis)) await api.disconnect();
  }
}

module.exports = { run };
