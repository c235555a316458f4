//! `ballast-node price-server`: a tiny HTTP/1.1 server with a deterministic synthetic price
//! path for BTC, ETH and DOT, in the JSON shapes of real exchange tickers. The dev and local
//! chains' price-feed sources point at it (`http://127.0.0.1:8088`), so `make dev` shows live
//! prices with no internet.
//!
//! ## Endpoints
//!
//! | path | answer |
//! | --- | --- |
//! | `/binance/api/v3/ticker/price?symbol=BTCUSDT` (`ETHUSDT`, `DOTUSDT`) | `{"symbol":"BTCUSDT","price":"60000.00"}` |
//! | `/coinbase/v2/prices/BTC-USD/spot` (`ETH-USD`, `DOT-USD`) | `{"data":{"amount":"60030.00","base":"BTC","currency":"USD"}}` |
//! | `/kraken/0/public/Ticker?pair=XBTUSD` (`ETHUSD`, `DOTUSD`) | `{"error":[],"result":{"XXBTZUSD":{"a":[..],"b":[..],"c":["59970.00","0.00100000"],..}}}` |
//! | `/path?asset=BTC[&at=<unix ms>]` | `{"asset":"BTC","bucket":N,"price":"60000.00"}`: the path itself |
//! | `/health` | `{"ok":true}` |
//!
//! Anything else is a 404 with a JSON error.
//!
//! ## The path
//!
//! Time is cut into 6 s buckets `k = floor(unix_ms / 6000)` (one per block, so every request
//! for one block sees one value). For each asset with base price `P0` (BTC 60,000, ETH 3,000,
//! DOT 6) and per-step volatility `σ` (BTC 0.20 %, ETH 0.25 %, DOT 0.30 %):
//!
//! ```text
//! ε_j  = σ·z_j + J_j                        z_j ~ N(0,1); J_j = ±3% with probability 1/500
//! x_k  = Σ_{j=k−2999..k} φ^(k−j)·ε_j        φ = 0.999 (log-price, mean-reverting to 0)
//! c_k  = crash multiplier: 1, except during minutes 40–42 of every UTC hour, where it falls
//!        linearly to 0.65 (−35 % over 2 minutes), and minutes 42–52, where it climbs back to 1
//! P_k  = P0 · exp(x_k) · c_k               (Binance price)
//! ```
//!
//! `z_j` and `J_j` come from SplitMix64 keyed by `(seed, asset, j)`, so the path is a pure
//! function of the bucket and `--seed` (default 42): two servers with the same seed serve the
//! same prices. The log-price is a geometric random walk with jumps that slowly reverts
//! (an Ornstein–Uhlenbeck process, stationary spread ≈ 22·σ), so it never drifts out of the
//! assets' believable bounds. Coinbase quotes `P_k·(1 + 0.05 %)`, Kraken `P_k·(1 − 0.05 %)`,
//! so the median of the three is the Binance price. Prices are printed with 2 decimals (DOT 4).

// Floats are fine here: this is a dev tool in the node binary, not runtime code.
#![allow(clippy::float_arithmetic, clippy::arithmetic_side_effects)]

use std::{
	io::{BufRead, BufReader, Write},
	net::{TcpListener, TcpStream},
	time::{Duration, SystemTime, UNIX_EPOCH},
};

/// `ballast-node price-server`.
#[derive(Debug, Clone, clap::Parser)]
pub struct PriceServerCmd {
	/// Address to listen on.
	#[arg(long, default_value = "127.0.0.1")]
	pub host: String,
	/// Port to listen on (the dev chain's sources use 8088).
	#[arg(long, default_value_t = 8088)]
	pub port: u16,
	/// Seed of the synthetic path.
	#[arg(long, default_value_t = 42)]
	pub seed: u64,
}

/// Length of a price bucket: one block.
pub const BUCKET_MS: u64 = 6_000;
const WINDOW: u64 = 3_000;
const PHI: f64 = 0.999;
const JUMP_ODDS: u64 = 500;
const JUMP: f64 = 0.03;
const VENUE_SPREAD: f64 = 0.0005;

/// One synthetic asset.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
	/// Ticker.
	pub symbol: &'static str,
	/// Base price.
	pub base: f64,
	/// Per-step volatility of the log-price.
	pub sigma: f64,
	/// Decimals printed.
	pub decimals: usize,
	/// Binance symbol, Coinbase pair, Kraken pair, Kraken result key.
	pub binance: &'static str,
	pub coinbase: &'static str,
	pub kraken: &'static str,
	pub kraken_key: &'static str,
}

/// The served assets.
pub const ASSETS: [Asset; 3] = [
	Asset {
		symbol: "BTC",
		base: 60_000.0,
		sigma: 0.002,
		decimals: 2,
		binance: "BTCUSDT",
		coinbase: "BTC-USD",
		kraken: "XBTUSD",
		kraken_key: "XXBTZUSD",
	},
	Asset {
		symbol: "ETH",
		base: 3_000.0,
		sigma: 0.0025,
		decimals: 2,
		binance: "ETHUSDT",
		coinbase: "ETH-USD",
		kraken: "ETHUSD",
		kraken_key: "XETHZUSD",
	},
	Asset {
		symbol: "DOT",
		base: 6.0,
		sigma: 0.003,
		decimals: 4,
		binance: "DOTUSDT",
		coinbase: "DOT-USD",
		kraken: "DOTUSD",
		kraken_key: "DOTUSD",
	},
];

fn splitmix64(mut x: u64) -> u64 {
	x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
	let mut z = x;
	z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
	z ^ (z >> 31)
}

/// A uniform number in (0, 1) from `(seed, asset, step, lane)`.
fn uniform(seed: u64, asset: usize, step: u64, lane: u64) -> f64 {
	let h = splitmix64(
		seed ^ splitmix64(asset as u64 ^ splitmix64(step ^ splitmix64(lane.wrapping_add(1)))),
	);
	((h >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The log-return shock of step `j`.
fn shock(seed: u64, asset: usize, j: u64) -> f64 {
	let a = &ASSETS[asset];
	// Box–Muller.
	let (u1, u2) = (uniform(seed, asset, j, 0), uniform(seed, asset, j, 1));
	let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
	let jump_draw = splitmix64(seed ^ splitmix64(j ^ (asset as u64).wrapping_mul(0xA5A5)));
	let jump = if jump_draw % JUMP_ODDS == 0 {
		if jump_draw & (1 << 40) == 0 {
			JUMP
		} else {
			-JUMP
		}
	} else {
		0.0
	};
	a.sigma * z + jump
}

/// The crash multiplier at `unix_ms`: −35 % over minutes 40–42 of each hour, back over 42–52.
pub fn crash(unix_ms: u64) -> f64 {
	let s = (unix_ms / 1_000) % 3_600;
	match s {
		2_400..2_520 => 1.0 - 0.35 * (s - 2_400) as f64 / 120.0,
		2_520..3_120 => 0.65 + 0.35 * (s - 2_520) as f64 / 600.0,
		_ => 1.0,
	}
}

/// The path price of `asset` (index into [`ASSETS`]) in the bucket of `unix_ms`.
pub fn price(seed: u64, asset: usize, unix_ms: u64) -> f64 {
	let k = unix_ms / BUCKET_MS;
	let mut x = 0.0;
	let mut w = 1.0;
	for back in 0..WINDOW {
		let Some(j) = k.checked_sub(back) else { break };
		x += w * shock(seed, asset, j);
		w *= PHI;
	}
	ASSETS[asset].base * x.exp() * crash(k * BUCKET_MS)
}

fn fmt(asset: &Asset, p: f64) -> String {
	format!("{:.*}", asset.decimals, p)
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn query<'a>(q: &'a str, key: &str) -> Option<&'a str> {
	q.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

/// The answer to `GET target` at `unix_ms`: status and JSON body.
pub fn respond(seed: u64, target: &str, unix_ms: u64) -> (u16, String) {
	let (path, q) = target.split_once('?').unwrap_or((target, ""));
	let find = |f: &dyn Fn(&Asset) -> bool| ASSETS.iter().position(f);
	let not_found = (404, r#"{"error":"not found"}"#.to_string());
	match path {
		"/health" => (200, r#"{"ok":true}"#.into()),
		"/binance/api/v3/ticker/price" => {
			let Some(i) = query(q, "symbol").and_then(|s| find(&|a| a.binance == s)) else {
				return (400, r#"{"code":-1121,"msg":"Invalid symbol."}"#.into());
			};
			let a = &ASSETS[i];
			let p = price(seed, i, unix_ms);
			(200, format!(r#"{{"symbol":"{}","price":"{}"}}"#, a.binance, fmt(a, p)))
		},
		"/path" => {
			let Some(i) = query(q, "asset").and_then(|s| find(&|a| a.symbol == s)) else {
				return not_found;
			};
			let at = query(q, "at").and_then(|t| t.parse().ok()).unwrap_or(unix_ms);
			let a = &ASSETS[i];
			let p = price(seed, i, at);
			(
				200,
				format!(
					r#"{{"asset":"{}","bucket":{},"price":"{}"}}"#,
					a.symbol,
					at / BUCKET_MS,
					fmt(a, p)
				),
			)
		},
		"/kraken/0/public/Ticker" => {
			let Some(i) = query(q, "pair").and_then(|s| find(&|a| a.kraken == s)) else {
				return (200, r#"{"error":["EQuery:Unknown asset pair"]}"#.into());
			};
			let a = &ASSETS[i];
			let p = fmt(a, price(seed, i, unix_ms) * (1.0 - VENUE_SPREAD));
			(
				200,
				format!(
					r#"{{"error":[],"result":{{"{key}":{{"a":["{p}","1","1.000"],"b":["{p}","1","1.000"],"c":["{p}","0.00100000"],"v":["1000.0","2000.0"],"p":["{p}","{p}"],"t":[100,200],"l":["{p}","{p}"],"h":["{p}","{p}"],"o":"{p}"}}}}}}"#,
					key = a.kraken_key
				),
			)
		},
		_ => {
			// `/coinbase/v2/prices/<pair>/spot`
			let pair = path
				.strip_prefix("/coinbase/v2/prices/")
				.and_then(|rest| rest.strip_suffix("/spot"));
			let Some(i) = pair.and_then(|s| find(&|a| a.coinbase == s)) else { return not_found };
			let a = &ASSETS[i];
			let p = fmt(a, price(seed, i, unix_ms) * (1.0 + VENUE_SPREAD));
			(
				200,
				format!(r#"{{"data":{{"amount":"{p}","base":"{}","currency":"USD"}}}}"#, a.symbol),
			)
		},
	}
}

fn serve(seed: u64, stream: TcpStream) -> std::io::Result<()> {
	stream.set_read_timeout(Some(Duration::from_secs(5)))?;
	stream.set_write_timeout(Some(Duration::from_secs(5)))?;
	let mut reader = BufReader::new(stream.try_clone()?);
	let mut request_line = String::new();
	reader.read_line(&mut request_line)?;
	// Skip the headers.
	loop {
		let mut line = String::new();
		if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
			break;
		}
	}
	let mut parts = request_line.split_whitespace();
	let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
	let (status, body) = if method == "GET" {
		respond(seed, target, now_ms())
	} else {
		(405, r#"{"error":"method not allowed"}"#.into())
	};
	let reason = match status {
		200 => "OK",
		400 => "Bad Request",
		404 => "Not Found",
		_ => "Method Not Allowed",
	};
	let mut stream = stream;
	write!(
		stream,
		"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)?;
	stream.flush()
}

impl PriceServerCmd {
	/// Serve until killed.
	pub fn run(&self) -> Result<(), String> {
		let listener = TcpListener::bind((self.host.as_str(), self.port)).map_err(|e| {
			format!("price-server: cannot listen on {}:{}: {e}", self.host, self.port)
		})?;
		eprintln!(
			"price-server: synthetic prices (seed {}) on http://{}:{} — e.g. /binance/api/v3/ticker/price?symbol=BTCUSDT",
			self.seed, self.host, self.port
		);
		for stream in listener.incoming() {
			let Ok(stream) = stream else { continue };
			let seed = self.seed;
			std::thread::spawn(move || {
				let _ = serve(seed, stream);
			});
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_path_is_deterministic_and_bucketed() {
		let t = 1_700_000_000_000;
		assert_eq!(price(42, 0, t), price(42, 0, t + 5_999 - t % 6_000));
		assert_ne!(price(42, 0, t), price(7, 0, t));
		let p = price(42, 0, t);
		assert!(p > 20_000.0 && p < 180_000.0, "{p}");
	}

	#[test]
	fn the_crash_is_minus_35_percent_over_two_minutes() {
		let hour = 1_700_002_800_000u64; // a whole UTC hour
		assert_eq!(hour % 3_600_000, 0);
		assert_eq!(crash(hour + 39 * 60_000), 1.0);
		assert!((crash(hour + 42 * 60_000) - 0.65).abs() < 1e-9);
		assert!((crash(hour + 41 * 60_000) - 0.825).abs() < 1e-9);
		assert_eq!(crash(hour + 52 * 60_000), 1.0);
	}

	#[test]
	fn tickers_have_the_exchange_shapes_and_the_median_is_binance() {
		let t = 1_700_000_000_000;
		let (s, b) = respond(42, "/binance/api/v3/ticker/price?symbol=BTCUSDT", t);
		assert_eq!(s, 200);
		let binance: serde_json::Value = serde_json::from_str(&b).unwrap();
		let bp = binance["price"].as_str().unwrap().to_string();
		let (_, c) = respond(42, "/coinbase/v2/prices/BTC-USD/spot", t);
		let coinbase: serde_json::Value = serde_json::from_str(&c).unwrap();
		let (_, k) = respond(42, "/kraken/0/public/Ticker?pair=XBTUSD", t);
		let kraken: serde_json::Value = serde_json::from_str(&k).unwrap();
		let num = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
		let (bp_, cp, kp) = (
			num(&binance["price"]),
			num(&coinbase["data"]["amount"]),
			num(&kraken["result"]["XXBTZUSD"]["c"][0]),
		);
		assert!(kp <= bp_ && bp_ <= cp);
		let (_, path) = respond(42, &format!("/path?asset=BTC&at={t}"), 0);
		let path: serde_json::Value = serde_json::from_str(&path).unwrap();
		assert_eq!(path["price"].as_str().unwrap(), bp);
		assert_eq!(respond(42, "/nope", t).0, 404);
		assert_eq!(respond(42, "/binance/api/v3/ticker/price?symbol=XXX", t).0, 400);
	}
}
