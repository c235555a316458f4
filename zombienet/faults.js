// Checks for faults.zndsl, run by zombienet's `js-script` assertion on one node:
//   run(nodeName, networkInfo, [check, ...args]) → 1 when the check holds, 0 (or a throw) when not.
//
//   advance,N      the node's finalized head advances by N blocks (while faults are in place)
//   stalled,S      over S seconds the node's best block advances but its finalized head does not
//   caught-up      the node's finalized head reaches what the most advanced node had finalized
//                  when the check began
//   no-fork        every node has the same block hash at every height up to the lowest finalized
//                  head (the last 64 heights), and the same finalized head's ancestry
const { ApiPromise, WsProvider } = zombie;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connect(uri) {
  return ApiPromise.create({ provider: new WsProvider(uri), noInitWarn: true, throwOnConnect: true });
}

async function heads(api) {
  const fin = await api.rpc.chain.getFinalizedHead();
  const finNum = (await api.rpc.chain.getHeader(fin)).number.toNumber();
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  return { fin: finNum, best };
}

async function run(nodeName, networkInfo, args) {
  const [check, param] = args;
  const nodes = networkInfo.nodesByName;
  const api = await connect(nodes[nodeName].wsUri);
  try {
    if (check === "advance") {
      const want = Number(param || 5);
      const start = await heads(api);
      for (;;) {
        const now = await heads(api);
        if (now.fin >= start.fin + want) {
          console.log(`${nodeName}: finalized ${start.fin} → ${now.fin}, best ${start.best} → ${now.best}`);
          return 1;
        }
        await sleep(2000);
      }
    }
    if (check === "stalled") {
      const secs = Number(param || 30);
      // A round already under way when the voters stopped may still conclude: settle first.
      await sleep(12000);
      const start = await heads(api);
      await sleep(secs * 1000);
      const end = await heads(api);
      console.log(`${nodeName}: over ${secs}s finalized ${start.fin} → ${end.fin}, best ${start.best} → ${end.best}`);
      return end.fin === start.fin && end.best > start.best ? 1 : 0;
    }
    if (check === "caught-up") {
      let target = 0;
      for (const [name, node] of Object.entries(nodes)) {
        if (name === nodeName) continue;
        const other = await connect(node.wsUri);
        try {
          target = Math.max(target, (await heads(other)).fin);
        } finally {
          await other.disconnect();
        }
      }
      for (;;) {
        const now = await heads(api);
        if (now.fin >= target) {
          console.log(`${nodeName}: finalized ${now.fin} ≥ ${target} (best ${now.best})`);
          return 1;
        }
        await sleep(2000);
      }
    }
    if (check === "no-fork") {
      const apis = [];
      try {
        for (const node of Object.values(nodes)) apis.push(await connect(node.wsUri));
        const fins = await Promise.all(apis.map(async (a) => (await heads(a)).fin));
        const top = Math.min(...fins);
        for (let h = Math.max(1, top - 63); h <= top; h++) {
          const hashes = await Promise.all(apis.map((a) => a.rpc.chain.getBlockHash(h)));
          const distinct = new Set(hashes.map((x) => x.toHex()));
          if (distinct.size !== 1) {
            console.log(`fork at height ${h}: ${[...distinct].join(", ")}`);
            return 0;
          }
        }
        console.log(`no fork: ${apis.length} nodes agree on heights ${Math.max(1, top - 63)}..${top} (finalized ${fins.join("/")})`);
        return 1;
      } finally {
        for (const a of apis) await a.disconnect();
      }
    }
    throw new Error(`unknown check ${check}`);
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
