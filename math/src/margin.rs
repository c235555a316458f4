//! Margin: equity, requirements and health. Pure functions, no storage.
//!
//! A margin account's **equity** is what the account would be worth to the system if it were
//! closed now, counted conservatively:
//!
//! ```text
//! equity  = Σ collateral value × weight  +  quote balance  +  counted unrealized PnL
//! weight  = 1 − haircut            (initial test)
//!         = maintenance weight     (maintenance test; ≥ 1 − haircut)
//! counted = PnL × (1 − upnl haircut) if PnL > 0, else PnL in full
//! ```
//!
//! An account meets its **initial** margin when `initial equity ≥ initial requirement` and is
//! **healthy** when `maintenance equity ≥ maintenance requirement`. The health ratio is
//! `maintenance equity / maintenance requirement`; it is unbounded (reported as `None`) for an
//! account with no requirement, and below one exactly when the account is liquidatable.
//!
//! Every function here is total: overflow saturates towards the *less* healthy side, so a
//! pathological input can make an account look worse, never better.

use crate::{signed, Balance, SignedBalance};
use polkadot_sdk::sp_arithmetic::{FixedPointNumber, FixedU128, PerThing, Permill};

/// Margin requirements and unrealized PnL of an account's derivative positions, as the
/// derivative pallets report them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Requirements {
	/// Unrealized PnL, net of funding accrued but not settled.
	pub unrealized_pnl: SignedBalance,
	/// Margin needed to open or increase risk.
	pub initial: Balance,
	/// Margin below which the account is liquidatable.
	pub maintenance: Balance,
}

/// Whether `equity` meets `requirement` (the one health test: maintenance equity against the
/// maintenance requirement, or initial against initial). A requirement too large to represent
/// is never met.
pub fn is_healthy(equity: SignedBalance, requirement: Balance) -> bool {
	// Compared exactly in the unsigned domain: saturating the requirement into `i128` would let
	// an equity of `i128::MAX` meet a requirement it cannot represent.
	u128::try_from(equity).is_ok_and(|equity| equity >= requirement)
}

/// The one health ratio: `equity / requirement`. `None` when nothing is required (an account
/// without positions); zero when equity is not positive; saturates at the largest `FixedU128`
/// only when the true ratio is that large.
pub fn health_ratio(equity: SignedBalance, requirement: Balance) -> Option<FixedU128> {
	if requirement == 0 {
		return None;
	}
	let equity = u128::try_from(equity).unwrap_or(0);
	Some(
		FixedU128::checked_from_rational(equity, requirement)
			.unwrap_or(FixedU128::from_inner(u128::MAX)),
	)
}

/// One collateral holding, already valued.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CollateralLine {
	/// Value at the price used, in quote smallest units.
	pub value: Balance,
	/// Share of value not counted for the initial test.
	pub haircut: Permill,
	/// Share of value counted for the maintenance test.
	pub maintenance_weight: Permill,
}

impl CollateralLine {
	/// Value counted for the initial test: `value × (1 − haircut)`.
	pub fn initial_value(&self) -> Balance {
		self.haircut.left_from_one().mul_floor(self.value)
	}

	/// Value counted for the maintenance test: `value × maintenance weight`, never less than the
	/// initial value.
	pub fn maintenance_value(&self) -> Balance {
		self.maintenance_weight.mul_floor(self.value).max(self.initial_value())
	}
}

/// An account's margin position, everything in quote smallest units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Valuation {
	/// Σ collateral value before haircuts.
	pub collateral_value: Balance,
	/// Σ collateral value × (1 − haircut).
	pub initial_collateral: Balance,
	/// Σ collateral value × maintenance weight.
	pub maintenance_collateral: Balance,
	/// The quote balance (negative: debt).
	pub quote: SignedBalance,
	/// Unrealized PnL as reported by the derivative pallets.
	pub unrealized_pnl: SignedBalance,
	/// Unrealized PnL as counted (a gain is haircut, a loss is not).
	pub counted_pnl: SignedBalance,
	/// Equity for the initial test.
	pub initial_equity: SignedBalance,
	/// Equity for the maintenance test.
	pub maintenance_equity: SignedBalance,
	/// Initial margin requirement.
	pub initial_requirement: Balance,
	/// Maintenance margin requirement.
	pub maintenance_requirement: Balance,
}

/// Unrealized PnL as counted towards equity: gains lose `upnl_haircut`, losses count in full.
pub fn counted_pnl(pnl: SignedBalance, upnl_haircut: Permill) -> SignedBalance {
	if pnl > 0 {
		signed(upnl_haircut.left_from_one().mul_floor(pnl.unsigned_abs()))
	} else {
		pnl
	}
}

/// Value an account from its valued collateral, quote balance and derivative requirements.
pub fn valuation(
	lines: &[CollateralLine],
	quote: SignedBalance,
	exposure: &Requirements,
	upnl_haircut: Permill,
) -> Valuation {
	let mut v = Valuation {
		quote,
		unrealized_pnl: exposure.unrealized_pnl,
		counted_pnl: counted_pnl(exposure.unrealized_pnl, upnl_haircut),
		initial_requirement: exposure.initial,
		maintenance_requirement: exposure.maintenance,
		..Default::default()
	};
	for line in lines {
		v.collateral_value = v.collateral_value.saturating_add(line.value);
		v.initial_collateral = v.initial_collateral.saturating_add(line.initial_value());
		v.maintenance_collateral =
			v.maintenance_collateral.saturating_add(line.maintenance_value());
	}
	let base = quote.saturating_add(v.counted_pnl);
	v.initial_equity = signed(v.initial_collateral).saturating_add(base);
	v.maintenance_equity = signed(v.maintenance_collateral).saturating_add(base);
	v
}

impl Valuation {
	/// Whether the account meets its initial margin (may withdraw or add risk).
	pub fn meets_initial(&self) -> bool {
		is_healthy(self.initial_equity, self.initial_requirement)
	}

	/// Whether the account meets its maintenance margin (is not liquidatable).
	pub fn is_healthy(&self) -> bool {
		is_healthy(self.maintenance_equity, self.maintenance_requirement)
	}

	/// `maintenance equity / maintenance requirement`; `None` when nothing is required (an
	/// account without positions), zero when equity is negative.
	pub fn health_ratio(&self) -> Option<FixedU128> {
		health_ratio(self.maintenance_equity, self.maintenance_requirement)
	}

	/// Maintenance equity without the counted PnL of the positions: collateral at maintenance
	/// weights plus the quote balance (the `E` of an isolated liquidation price).
	pub fn equity_without_pnl(&self) -> SignedBalance {
		self.maintenance_equity.saturating_sub(self.counted_pnl)
	}

	/// Initial equity above the initial requirement: what could still be withdrawn (in quote
	/// value) or used for new positions. Zero if none.
	pub fn free_margin(&self) -> Balance {
		u128::try_from(self.initial_equity.saturating_sub(signed(self.initial_requirement)))
			.unwrap_or(0)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_arithmetic::traits::Zero;
	use proptest::prelude::*;

	fn line(value: Balance, haircut: u32, weight: u32) -> CollateralLine {
		CollateralLine {
			value,
			haircut: Permill::from_percent(haircut),
			maintenance_weight: Permill::from_percent(weight),
		}
	}

	fn exposure(pnl: SignedBalance, im: Balance, mm: Balance) -> Requirements {
		Requirements { unrealized_pnl: pnl, initial: im, maintenance: mm }
	}

	#[test]
	fn worked_example() {
		// 10_000 of BTC at 10 % haircut / 95 % weight, 2_000 of DOT at 30 % / 80 %,
		// 500 of debt, +1_000 PnL haircut 20 %, IM 6_000, MM 3_000.
		let v = valuation(
			&[line(10_000, 10, 95), line(2_000, 30, 80)],
			-500,
			&exposure(1_000, 6_000, 3_000),
			Permill::from_percent(20),
		);
		assert_eq!(v.collateral_value, 12_000);
		assert_eq!(v.initial_collateral, 9_000 + 1_400);
		assert_eq!(v.maintenance_collateral, 9_500 + 1_600);
		assert_eq!(v.counted_pnl, 800);
		assert_eq!(v.initial_equity, 10_400 - 500 + 800);
		assert_eq!(v.maintenance_equity, 11_100 - 500 + 800);
		assert!(v.meets_initial());
		assert!(v.is_healthy());
		assert_eq!(v.free_margin(), 10_700 - 6_000);
		assert_eq!(v.health_ratio(), Some(FixedU128::from_rational(11_400, 3_000)));
	}

	#[test]
	fn losses_count_in_full_and_debt_without_positions_needs_collateral() {
		assert_eq!(counted_pnl(-700, Permill::from_percent(50)), -700);
		let v = valuation(&[line(1_000, 50, 60)], -600, &Requirements::default(), Permill::zero());
		// 500 counted against 600 of debt: fails the initial test, still healthy at 600.
		assert!(!v.meets_initial());
		assert!(v.is_healthy());
		assert_eq!(v.health_ratio(), None);
	}

	#[test]
	fn negative_equity_has_zero_ratio() {
		let v = valuation(&[], -10, &exposure(0, 10, 5), Permill::zero());
		assert_eq!(v.health_ratio(), Some(FixedU128::zero()));
		assert!(!v.is_healthy());
	}

	#[test]
	fn one_health_test_and_one_ratio() {
		assert!(is_healthy(5, 5));
		assert!(!is_healthy(4, 5));
		// A requirement beyond i128 is never met, whatever the equity.
		assert!(!is_healthy(i128::MAX - 1, u128::MAX));
		// Nor by the largest equity: saturating the requirement to i128::MAX would meet it.
		assert!(!is_healthy(i128::MAX, u128::MAX));
		assert!(!is_healthy(i128::MAX, i128::MAX as u128 + 1));
		assert!(is_healthy(i128::MAX, i128::MAX as u128));
		assert!(!is_healthy(-1, 0));
		assert_eq!(health_ratio(10, 0), None);
		assert_eq!(health_ratio(-10, 5), Some(FixedU128::zero()));
		assert_eq!(health_ratio(15, 10), Some(FixedU128::from_rational(3, 2)));
		assert_eq!(health_ratio(i128::MAX, 1), Some(FixedU128::from_inner(u128::MAX)));
	}

	#[test]
	fn maintenance_weight_never_below_initial_weight() {
		// A (mis)configured weight below 1 − haircut is lifted to it.
		let l = line(1_000, 10, 50);
		assert_eq!(l.maintenance_value(), 900);
	}

	fn arb_line() -> impl Strategy<Value = CollateralLine> {
		(0u128..1_000_000_000_000, 0u32..1_000_000, 0u32..=1_000_000).prop_map(|(v, h, w)| {
			CollateralLine {
				value: v,
				haircut: Permill::from_parts(h),
				maintenance_weight: Permill::from_parts(w),
			}
		})
	}

	proptest! {
		#[test]
		fn a_haircut_never_increases_value(l in arb_line()) {
			prop_assert!(l.initial_value() <= l.value);
			prop_assert!(l.maintenance_value() <= l.value);
			prop_assert!(l.initial_value() <= l.maintenance_value());
		}

		#[test]
		fn equity_is_monotone_in_collateral_prices(
			lines in proptest::collection::vec(arb_line(), 0..6),
			bump in 0usize..6,
			factor in 1u128..5,
			quote in -1_000_000_000i128..1_000_000_000,
			pnl in -1_000_000_000i128..1_000_000_000,
		) {
			let e = exposure(pnl, 1_000, 500);
			let before = valuation(&lines, quote, &e, Permill::from_percent(10));
			let mut up = lines.clone();
			if let Some(l) = up.get_mut(bump) {
				// A higher price means a proportionally higher value.
				l.value = l.value.saturating_mul(factor);
			}
			let after = valuation(&up, quote, &e, Permill::from_percent(10));
			prop_assert!(after.initial_equity >= before.initial_equity);
			prop_assert!(after.maintenance_equity >= before.maintenance_equity);
			prop_assert!(!before.is_healthy() || after.is_healthy());
		}

		#[test]
		fn equity_is_monotone_in_pnl(
			lines in proptest::collection::vec(arb_line(), 0..4),
			pnl in -1_000_000_000i128..1_000_000_000,
			gain in 0i128..1_000_000_000,
			h in 0u32..=1_000_000,
		) {
			let hc = Permill::from_parts(h);
			let a = valuation(&lines, 0, &exposure(pnl, 0, 0), hc);
			let b = valuation(&lines, 0, &exposure(pnl + gain, 0, 0), hc);
			prop_assert!(b.maintenance_equity >= a.maintenance_equity);
			// A counted gain is never more than the gain itself.
			prop_assert!(counted_pnl(pnl, hc) <= pnl);
		}

		#[test]
		fn initial_test_is_stricter_than_maintenance_when_requirements_are_ordered(
			lines in proptest::collection::vec(arb_line(), 0..4),
			quote in -1_000_000i128..1_000_000,
			mm in 0u128..1_000_000,
			extra in 0u128..1_000_000,
		) {
			let v = valuation(&lines, quote, &exposure(0, mm + extra, mm), Permill::zero());
			prop_assert!(!v.meets_initial() || v.is_healthy());
		}
	}
}
