// Reading a node's Prometheus endpoint in the e2e tests.

import assert from 'node:assert/strict';

/** Prometheus text format → Map of `name{label="v",...}` (labels sorted, without the `chain`
 * label the node adds to every metric) → number. */
export function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .filter(([, k]) => k !== 'chain').map(([, k, v]) => `${k}="${v}"`).sort().join(',');
    out.set(labels ? `${m[1]}{${labels}}` : m[1], Number(m[3]));
  }
  return out;
}

/** The metrics at `url` (status 200 asserted). */
export async function scrape(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return parseMetrics(await res.text());
}

/** Scrape `url` every second until `pred(metrics)` holds (the gauges follow the best block), or
 * fail after `ms` showing the last metrics whose names start with `prefix`. */
export async function scrapeUntil(url, pred, ms, what, prefix = 'ballast_') {
  const deadline = Date.now() + ms;
  let last = null;
  while (Date.now() < deadline) {
    last = await scrape(url);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const shown = last ? [...last].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => `${k} ${v}`).join('\n') : '';
  throw new Error(`timed out after ${ms} ms waiting for ${what}; last ${prefix} metrics:\n${shown}`);
}
