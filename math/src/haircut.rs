//! Haircuts.
//!
//! For a holding `h` of an asset with tracked volatility `σ` (the registry picks the band):
//!
//! ```text
//! add_on(h)  = min(max_add_on, slope × h / market_depth)          (rounded up)
//! haircut    = min(cap, band(σ) + add_on(h))
//! maint_w    = max(1 − haircut, liquidation_threshold − (haircut − base))
//! ```
//!
//! `σ` is the price guard's volatility per day ([`crate::volatility`]).

use crate::{
	units::{mul_div, Rounding},
	Balance,
};
use polkadot_sdk::sp_arithmetic::{traits::Saturating, PerThing, Permill};

/// The concentration add-on for `holding`: `min(max_add_on, slope × holding / market_depth)`,
/// rounded up (never understating risk). A zero `market_depth` gives `max_add_on`.
pub fn concentration_add_on(
	slope: Permill,
	market_depth: Balance,
	max_add_on: Permill,
	holding: Balance,
) -> Permill {
	let cap = max_add_on.deconstruct();
	if market_depth == 0 {
		return max_add_on;
	}
	// `None` only if the quotient overflows u128: far beyond any cap.
	let parts = mul_div(u128::from(slope.deconstruct()), holding, market_depth, Rounding::Up)
		.unwrap_or(u128::MAX);
	Permill::from_parts(u32::try_from(parts.min(u128::from(cap))).unwrap_or(cap))
}

/// The initial-margin haircut: `min(cap, band + add_on)`.
pub fn haircut(band: Permill, add_on: Permill, cap: Permill) -> Permill {
	band.saturating_add(add_on).min(cap)
}

/// The maintenance weight for a given (initial) `haircut` whose add-ons above the base haircut
/// (the volatility band's excess over the base plus the concentration add-on, *before* the cap)
/// are `add_ons`: `max(1 − haircut, threshold − add_ons)`.
///
/// The add-ons are taken before the haircut's cap so that raising the base and every band by the
/// same amount (an emergency tightening) never raises the weight: with the capped haircut, a
/// higher base would shrink `haircut − base` for a capped holding and count more of it.
pub fn maintenance_weight(threshold: Permill, add_ons: Permill, haircut: Permill) -> Permill {
	haircut.left_from_one().max(threshold.saturating_sub(add_ons))
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn add_on_is_linear_then_capped() {
		let slope = Permill::from_percent(10);
		let cap = Permill::from_percent(20);
		assert_eq!(concentration_add_on(slope, 1_000, cap, 0), Permill::zero());
		assert_eq!(concentration_add_on(slope, 1_000, cap, 1_000), Permill::from_percent(10));
		assert_eq!(concentration_add_on(slope, 1_000, cap, 10_000), cap);
		assert_eq!(concentration_add_on(slope, 0, cap, 1), cap);
		// A holding of u128::MAX does not overflow into a small add-on.
		assert_eq!(concentration_add_on(slope, 1, cap, u128::MAX), cap);
	}

	proptest! {
		#[test]
		fn maintenance_weight_is_never_below_the_initial_weight(t in 0u32..=1_000_000, b in 0u32..=1_000_000, h in 0u32..=1_000_000) {
			let h = Permill::from_parts(h);
			prop_assert!(maintenance_weight(Permill::from_parts(t), Permill::from_parts(b), h) >= h.left_from_one());
		}

		#[test]
		fn maintenance_weight_falls_as_add_ons_grow(t in 0u32..=1_000_000, a in 0u32..=1_000_000, b in 0u32..=1_000_000, h in 0u32..=1_000_000) {
			let (t, h) = (Permill::from_parts(t), Permill::from_parts(h));
			let (lo, hi) = (Permill::from_parts(a.min(b)), Permill::from_parts(a.max(b)));
			prop_assert!(maintenance_weight(t, hi, h) <= maintenance_weight(t, lo, h));
		}

		#[test]
		fn add_on_is_monotone_in_the_holding(a in 0u128..u128::MAX, b in 0u128..u128::MAX, depth in 1u128..u128::MAX) {
			let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
			let s = Permill::from_percent(7);
			let c = Permill::from_percent(30);
			prop_assert!(concentration_add_on(s, depth, c, lo) <= concentration_add_on(s, depth, c, hi));
		}

	}
}
