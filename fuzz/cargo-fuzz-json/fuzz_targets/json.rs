//! Differential fuzz of the price feed's JSON reader (`pallet_price_feed::json`) against
//! `serde_json` (with `arbitrary_precision`: numbers keep their source text): both accept the
//! same documents, with the same structure, strings and number texts, and every number the
//! reader turns into a price (`to_price`, as the feed does) is the number serde_json read;
//! or both reject. The reader's one documented difference: it refuses nesting deeper than
//! `MAX_DEPTH` (32).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pallet_price_feed::json::{self, JsonError, Value};

fn number_matches(text: &str, ours: &Value) -> Result<(), String> {
	let reference: f64 = text.parse().map_err(|e| format!("{text}: {e}"))?;
	let price = json::to_price(ours, 0);
	if reference > 1e-15 && reference < 1e20 {
		let p = price.map_err(|e| format!("{text}: serde_json reads {reference}, reader {e:?}"))?;
		let got = p.into_inner() as f64 / 1e18;
		if ((got - reference) / reference).abs() > 1e-9 {
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
			if *a != b.to_string() {
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
