//! Haircuts and the volatility estimator.
//!
//! For a holding `h` of an asset with tracked volatility `σ` (the registry picks the band):
//!
//! ```text
//! add_on(h)  = min(max_add_on, slope × h / market_depth)          (rounded up)
//! haircut    = min(cap, band(σ) + add_on(h))
//! maint_w    = max(1 − haircut, liquidation_threshold − (haircut − base))
//! ```
//!
//! Volatility: per observation `r = |p − p_prev| / p_prev`,
//! `variance = λ·variance + (1 − λ)·r²`, `σ = sqrt(variance)` (saturating at 100 %, rounded up).

use crate::{
	units::{mul_div, Rounding},
	Balance, Price,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{CheckedDiv, One, Saturating, Zero},
	FixedPointNumber, FixedU128, PerThing, Permill,
};

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

/// The maintenance weight for a given (initial) `haircut`:
/// `max(1 − haircut, threshold − (haircut − base))`.
pub fn maintenance_weight(threshold: Permill, base: Permill, haircut: Permill) -> Permill {
	let extra = haircut.saturating_sub(base);
	haircut.left_from_one().max(threshold.saturating_sub(extra))
}

/// `|new − prev| / prev`, or `None` if `prev` is zero or the ratio overflows.
pub fn relative_change(prev: Price, new: Price) -> Option<FixedU128> {
	if prev.is_zero() {
		return None;
	}
	let diff = if new >= prev { new.saturating_sub(prev) } else { prev.saturating_sub(new) };
	diff.checked_div(&prev)
}

/// One EWMA step: `decay × variance + (1 − decay) × change²`, saturating.
pub fn next_variance(variance: FixedU128, change: FixedU128, decay: Permill) -> FixedU128 {
	let keep = FixedU128::from(decay);
	let fresh = FixedU128::from(decay.left_from_one());
	keep.saturating_mul(variance)
		.saturating_add(fresh.saturating_mul(change.saturating_mul(change)))
}

/// `sqrt(variance)` as a [`Permill`], saturating at 100 % and rounded up.
pub fn volatility_from_variance(variance: FixedU128) -> Permill {
	if variance >= FixedU128::one() {
		return Permill::one();
	}
	let Some(root) = variance.checked_sqrt() else { return Permill::one() };
	Permill::from_rational_with_rounding(
		root.into_inner(),
		FixedU128::DIV,
		polkadot_sdk::sp_arithmetic::Rounding::Up,
	)
	.unwrap_or(Permill::one())
}

/// The variance whose volatility is exactly `volatility`: `volatility²`.
pub fn variance_from_volatility(volatility: Permill) -> FixedU128 {
	let v = FixedU128::from(volatility);
	v.saturating_mul(v)
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

	#[test]
	fn volatility_round_trip() {
		let v = Permill::from_percent(3);
		assert_eq!(volatility_from_variance(variance_from_volatility(v)), v);
		assert_eq!(volatility_from_variance(FixedU128::from_u32(2)), Permill::one());
	}

	proptest! {
		#[test]
		fn maintenance_weight_is_never_below_the_initial_weight(t in 0u32..=1_000_000, b in 0u32..=1_000_000, h in 0u32..=1_000_000) {
			let h = Permill::from_parts(h);
			prop_assert!(maintenance_weight(Permill::from_parts(t), Permill::from_parts(b), h) >= h.left_from_one());
		}

		#[test]
		fn add_on_is_monotone_in_the_holding(a in 0u128..u128::MAX, b in 0u128..u128::MAX, depth in 1u128..u128::MAX) {
			let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
			let s = Permill::from_percent(7);
			let c = Permill::from_percent(30);
			prop_assert!(concentration_add_on(s, depth, c, lo) <= concentration_add_on(s, depth, c, hi));
		}

		#[test]
		fn variance_stays_between_its_inputs(var in 0u128..10u128.pow(18), change in 0u128..10u128.pow(18), d in 0u32..=1_000_000) {
			let var = FixedU128::from_inner(var);
			let c = FixedU128::from_inner(change);
			let next = next_variance(var, c, Permill::from_parts(d));
			let sq = c.saturating_mul(c);
			let (lo, hi) = if var <= sq { (var, sq) } else { (sq, var) };
			// Each product rounds down by at most one unit.
			prop_assert!(next <= hi && next.into_inner() + 2 >= lo.into_inner());
		}
	}
}
