//! Unit conversions of the `ballast_*` gauges: amounts in whole units as `f64` through their
//! exact decimal string (no float arithmetic), flags, ratios, scenario labels, URL hosts.

use ballast_primitives::Price;
use polkadot_sdk::sp_runtime::Permill;

/// `amount / 10^decimals` written out in decimal.
fn decimal(amount: u128, decimals: u8) -> String {
	if decimals == 0 {
		return amount.to_string();
	}
	let scale = 10u128.checked_pow(u32::from(decimals)).unwrap_or(u128::MAX);
	let int = amount.checked_div(scale).unwrap_or_default();
	let frac = amount.checked_rem(scale).unwrap_or_default();
	format!("{int}.{frac:0width$}", width = usize::from(decimals))
}

/// `amount / 10^decimals` as the nearest `f64`, through its decimal string (no float
/// arithmetic, exact rounding).
pub fn whole(amount: u128, decimals: u8) -> f64 {
	decimal(amount, decimals).parse().unwrap_or(f64::NAN)
}

/// A signed amount in whole units.
pub fn whole_signed(amount: i128, decimals: u8) -> f64 {
	let sign = if amount < 0 { "-" } else { "" };
	format!("{sign}{}", decimal(amount.unsigned_abs(), decimals)).parse().unwrap_or(f64::NAN)
}

/// A `FixedU128` price in USD.
pub fn usd(price: Price) -> f64 {
	whole(price.into_inner(), 18)
}

pub fn flag(value: bool) -> f64 {
	if value {
		1.0
	} else {
		0.0
	}
}

/// A `Permill` as a ratio in `0..=1`.
pub fn ratio(value: Permill) -> f64 {
	whole(u128::from(value.deconstruct()), 6)
}

/// A scenario's label: its spot shock in percent with its sign (`-300_000` ppm: `-30%`,
/// `+125_000`: `+12.5%`).
pub fn shock_label(ppm: i32) -> String {
	let sign = if ppm < 0 { "-" } else { "+" };
	let pct = decimal(u128::from(ppm.unsigned_abs()), 4);
	let pct = pct.trim_end_matches('0').trim_end_matches('.');
	format!("{sign}{pct}%")
}

/// Milliseconds as seconds.
pub fn seconds(ms: u64) -> f64 {
	whole(u128::from(ms), 3)
}

/// A count as `f64`, saturating at `u32::MAX`.
pub fn usize_f64(n: usize) -> f64 {
	u32::try_from(n).map(f64::from).unwrap_or(f64::from(u32::MAX))
}

/// A `u64` counter as `f64` (exact up to 2^53, far beyond any count of fetches).
pub fn count(n: u64) -> f64 {
	u32::try_from(n).map(f64::from).unwrap_or_else(|_| n.to_string().parse().unwrap_or(f64::NAN))
}

/// The host (and port) of a URL, without scheme, credentials, path or query: a label that
/// names a price source without exporting anything secret its URL may carry (an API key in
/// the query). Empty if there is none.
pub fn url_host(url: &[u8]) -> String {
	let url = String::from_utf8_lossy(url);
	let rest = url.split_once("://").map(|(_, rest)| rest).unwrap_or(&url);
	let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
	let host = authority.rsplit_once('@').map(|(_, host)| host).unwrap_or(authority);
	host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_runtime::FixedPointNumber;

	#[test]
	fn whole_units() {
		assert_eq!(whole(123_456_789, 6), 123.456789);
		assert_eq!(whole(5, 0), 5.0);
		assert_eq!(whole(1, 18), 1e-18);
		assert_eq!(whole_signed(-1_500_000, 6), -1.5);
		assert_eq!(seconds(61_500), 61.5);
		assert_eq!(usd(Price::saturating_from_integer(60_000u32)), 60_000.0);
		assert_eq!(ratio(Permill::from_percent(5)), 0.05);
		assert_eq!(ratio(Permill::one()), 1.0);
		assert_eq!(count(7), 7.0);
		assert_eq!(count(10_000_000_000), 1e10);
	}

	#[test]
	fn scenario_labels() {
		assert_eq!(shock_label(-300_000), "-30%");
		assert_eq!(shock_label(300_000), "+30%");
		assert_eq!(shock_label(125_000), "+12.5%");
		assert_eq!(shock_label(-1), "-0.0001%");
		assert_eq!(shock_label(0), "+0%");
		assert_eq!(shock_label(2_000_000), "+200%");
	}

	#[test]
	fn url_hosts() {
		assert_eq!(
			url_host(b"https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT"),
			"api.binance.com"
		);
		assert_eq!(url_host(b"http://127.0.0.1:8088/binance/price?asset=BTC"), "127.0.0.1:8088");
		assert_eq!(url_host(b"http://127.0.0.1:9/"), "127.0.0.1:9");
		assert_eq!(
			url_host(b"https://user:secret@Prices.Example.com?key=abc"),
			"prices.example.com"
		);
		assert_eq!(url_host(b"http://h.test#frag"), "h.test");
		assert_eq!(url_host(b""), "");
	}
}
