//! The settlement prices, without storage: one price per oracle key, each the key's current
//! valid price, or the first key that has none.

use alloc::vec::Vec;
use ballast_primitives::{OracleKey, Price};

/// One price per key of `keys` (sorted, without duplicates), from `valid`; the first key (in
/// key order) without a valid price, with the reason, if any has none: then nothing is fixed.
pub fn fix_prices<E>(
	keys: &[OracleKey],
	valid: impl Fn(OracleKey) -> Result<Price, E>,
) -> Result<Vec<(OracleKey, Price)>, (OracleKey, E)> {
	let mut keys = keys.to_vec();
	keys.sort_unstable();
	keys.dedup();
	keys.into_iter().map(|k| valid(k).map(|p| (k, p)).map_err(|e| (k, e))).collect()
}

/// Whether `prices` is what [`fix_prices`] returns: sorted by key, one per key, none zero.
pub fn well_formed(prices: &[(OracleKey, Price)]) -> bool {
	prices.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0))
		&& prices.iter().all(|(_, p)| *p > Price::from_inner(0))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_price_per_key_sorted_or_the_first_missing_key() {
		let valid = |k: OracleKey| if k == 9 { Err("stale") } else { Ok(Price::from_u32(k * 10)) };
		assert_eq!(
			fix_prices(&[3, 1, 3, 2], valid),
			Ok(vec![(1, Price::from_u32(10)), (2, Price::from_u32(20)), (3, Price::from_u32(30))])
		);
		assert_eq!(fix_prices(&[9, 1], valid), Err((9, "stale")));
		assert_eq!(fix_prices::<()>(&[], |_| Ok(Price::from_u32(1))), Ok(vec![]));
	}

	#[test]
	fn well_formed_prices_are_sorted_unique_and_positive() {
		let p = Price::from_u32;
		assert!(well_formed(&[(1, p(1)), (2, p(2))]));
		assert!(well_formed(&[]));
		assert!(!well_formed(&[(2, p(1)), (1, p(2))]));
		assert!(!well_formed(&[(1, p(1)), (1, p(2))]));
		assert!(!well_formed(&[(1, p(0))]));
	}
}
