//! Differential fuzz of the price feed's JSON reader (`ballast_feed_json`, `pallet_price_feed::json`) against
//! `serde_json` (with `arbitrary_precision`: numbers keep their source text): both accept the
//! same documents, with the same structure, strings and number texts, and every number the
//! reader turns into a price (`to_price`, as the feed does) is the number serde_json read;
//! or both reject. The reader's one documented difference: it refuses nesting deeper than
//! `MAX_DEPTH` (32).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ballast_feed_json::{self as json, JsonError, Value};

/// A JSON number's exact value as `(negative, significant digits, exponent)`: `-1.50e2` →
/// `(true, "15", 1)`; zero is `(false, "0", 0)`.
fn canonical(text: &str) -> (bool, String, i128) {
	let (neg, rest) = match text.strip_prefix('-') {
		Some(r) => (true, r),
		None => (false, text),
	};
	let (mantissa, exp) = match rest.find(['e', 'E']) {
		// An exponent beyond i128 reads as its sign's bound on both sides alike.
		Some(i) => {
			let e = &rest[i + 1..];
			(&rest[..i], e.parse::<i128>().unwrap_or(if e.starts_with('-') { i128::MIN } else { i128::MAX }))
		},
		None => (rest, 0),
	};
	let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
	let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_string();
	let mut exp = exp.saturating_sub(frac.len() as i128);
	while digits.ends_with('0') {
		digits.pop();
		exp = exp.saturating_add(1);
	}
	if digits.is_empty() {
		return (false, "0".into(), 0);
	}
	(neg, digits, exp)
}

fn number_matches(text: &str, ours: &Value) -> Result<(), String> {
	let reference: f64 = text.parse().map_err(|e| format!("{text}: {e}"))?;
	let price = json::to_price(ours, 0);
	if reference > 1e-15 && reference < 1e20 {
		let p = price.map_err(|e| format!("{text}: serde_json reads {reference}, reader {e:?}"))?;
		let got = p.into_inner() as f64 / 1e18;
		// Exact to 18 decimals (the reader truncates below 10^-18), and to f64's precision.
		if (got - reference).abs() > reference * 1e-9 + 1e-18 {
			return Err(format!("{text}: serde_json reads {reference}, reader {got}"));
		}
	} else if reference <= 0.0 && price.is_ok() {
		return Err(format!("{text}: not positive, reader gives {price:?}"));
	}
	Ok(())
}

fn same(ours: &Value, theirs: &serde_json::Value) -> Result<(), String> {
	use serde_json::Value as S;
	match (ours, theirs) {
		(Value::Null, S::Null) => Ok(()),
		(Value::Bool(a), S::Bool(b)) if a == b => Ok(()),
		(Value::Number(a), S::Number(b)) => {
			// Same number, exactly (serde_json normalises the text, e.g. `1e5` → `1e+5`).
			if canonical(a) != canonical(&b.to_string()) {
				return Err(format!("number text {a} vs {b}"));
			}
			number_matches(a, ours)
		},
		(Value::String(a), S::String(b)) => {
			if a != b {
				return Err(format!("string {a:?} vs {b:?}"));
			}
			// A string holding a JSON number is a price as that number.
			if let Ok(serde_json::Value::Number(n)) = serde_json::from_str(a.trim()) {
				if n.to_string() == a.trim() {
					return number_matches(a.trim(), ours);
				}
			}
			Ok(())
		},
		(Value::Array(a), S::Array(b)) => {
			if a.len() != b.len() {
				return Err(format!("array lengths {} vs {}", a.len(), b.len()));
			}
			a.iter().zip(b).try_for_each(|(x, y)| same(x, y))
		},
		(Value::Object(a), S::Object(b)) => {
			let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
			keys.sort();
			keys.dedup();
			if keys.len() != b.len() {
				return Err(format!("object sizes {} vs {}", keys.len(), b.len()));
			}
			for k in keys {
				let theirs = b.get(k).ok_or_else(|| format!("key {k:?} missing"))?;
				// serde_json keeps the last of duplicate keys; the reader's `select` the first.
				let dup = a.iter().filter(|(x, _)| x == k).count() > 1;
				if !dup {
					let ours = a.iter().find(|(x, _)| x == k).map(|(_, v)| v).unwrap();
					same(ours, theirs)?;
				}
			}
			Ok(())
		},
		(a, b) => Err(format!("{a:?} vs {b:?}")),
	}
}

fuzz_target!(|data: &[u8]| {
	let ours = json::parse(data);
	let theirs = serde_json::from_slice::<serde_json::Value>(data);
	match (&ours, &theirs) {
		(Ok(a), Ok(b)) => {
			if let Err(e) = same(a, b) {
				panic!("differ on {:?}: {e}", String::from_utf8_lossy(data));
			}
		},
		(Err(JsonError::TooDeep), _) | (Err(_), Err(_)) => {},
		(Ok(_), Err(e)) => panic!(
			"reader accepts what serde_json rejects ({e}): {:?}",
			String::from_utf8_lossy(data)
		),
		(Err(e), Ok(_)) => panic!(
			"reader rejects ({e:?}) what serde_json accepts: {:?}",
			String::from_utf8_lossy(data)
		),
	}
});
