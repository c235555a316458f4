//! # Ballast math
//!
//! Every formula that moves value in Ballast, once: pure functions of their arguments, no
//! storage, no runtime, `no_std`. Pallets call these; none keeps a private copy.
//!
//! | module | what |
//! | --- | --- |
//! | [`units`] | `10^d`, `a·b/c` and value ↔ amount conversion, in integers, with an explicit rounding direction |
//! | [`margin`] | equity, requirements, the one health ratio and the one `is_healthy` |
//! | [`haircut`] | concentration add-on, maintenance weight |
//! | [`volatility`] | the volatility estimator: a variance per unit of time over fixed time buckets, whatever the feed frequency |
//! | [`perp`] | execution price, funding, PnL, entry price, isolated liquidation price, and the one fill ([`perp::apply_fill`]) |
//! | [`liquidation`] | close fraction, Dutch-auction curve, lot sizing, auto-deleveraging share |
//! | [`safety`] | margin of safety: the gross price sensitivity and the triggers that say when an account must be valued again |
//! | [`fixed`] | fixed-point `ln`, `exp`, `sqrt` and the standard normal `Φ`, `φ` |
//! | [`options`] | Black–Scholes price and greeks of European calls and puts, the implied-volatility model, bid/ask |
//! | [`portfolio`] | portfolio margin: the worst loss of all positions together over a scenario grid (spot × volatility shocks, correlated by scenario sets), with a contingency floor |
//! | [`shares`] | pool shares minted and redeemed, with a virtual offset against first-depositor inflation |
//!
//! ## Conventions
//!
//! * Amounts are integers in an asset's smallest unit ([`Balance`]); signed amounts of the quote
//!   asset are [`SignedBalance`]. A [`Price`] is quote tokens per whole token, 18 decimals.
//! * Every function is total. Where a result cannot be represented, the fallback is the one
//!   that makes an account look *less* healthy: a holding or a gain counts as zero, a
//!   requirement or a loss as the maximum. Overflow never makes an account look healthier.
//! * Where a result must be rounded, the caller says which way ([`Rounding`]); the rule is that
//!   rounding never favours the trader over the system (a long's entry rounds up, its exit
//!   down; collateral value rounds down, collateral to seize rounds up).

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(
	test,
	allow(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects,
		clippy::panic
	)
)]

extern crate alloc;

pub mod fixed;
pub mod haircut;
pub mod liquidation;
pub mod margin;
pub mod options;
pub mod perp;
pub mod portfolio;
pub mod safety;
pub mod shares;
pub mod stress;
pub mod units;
pub mod volatility;

pub use polkadot_sdk::sp_arithmetic::{FixedI128, FixedU128, Permill};
pub use units::Rounding;

/// An amount of an asset in its smallest unit.
pub type Balance = u128;

/// A signed amount of the quote asset in its smallest unit (a quote balance, PnL, funding).
pub type SignedBalance = i128;

/// Quote tokens per whole token, 18 decimals of fixed-point precision.
pub type Price = FixedU128;

/// `v` as a [`SignedBalance`], saturating at `i128::MAX` (for requirements and costs: too
/// large to represent means "more than anything").
pub fn signed(v: Balance) -> SignedBalance {
	SignedBalance::try_from(v).unwrap_or(SignedBalance::MAX)
}

/// Properties across modules: the formulas agree with each other.
#[cfg(test)]
mod tests {
	use crate::{liquidation, margin, perp, units, Price};
	use polkadot_sdk::sp_arithmetic::Permill;
	use proptest::prelude::*;

	const BTC: u8 = 8;
	const USDC: u8 = 6;

	/// Value one isolated account: collateral worth `collateral` at maintenance weight 100 %,
	/// a quote balance, one position marked at `price`.
	fn value(
		collateral: u128,
		quote: i128,
		quantity: i128,
		entry: u128,
		price: Price,
		mm: Permill,
	) -> (margin::Valuation, u128) {
		let m = perp::mark(quantity, entry, BTC, price, USDC);
		let line = margin::CollateralLine {
			value: collateral,
			haircut: Permill::zero(),
			maintenance_weight: Permill::one(),
		};
		let req = margin::Requirements {
			unrealized_pnl: m.pnl,
			initial: mm.mul_ceil(m.notional).saturating_mul(2),
			maintenance: mm.mul_ceil(m.notional),
		};
		(margin::valuation(&[line], quote, &req, Permill::from_percent(10)), m.notional)
	}

	proptest! {
		#[test]
		fn closing_the_close_fraction_through_apply_fill_restores_maintenance(
			size in 1_000_000i128..10_000_000_000,
			long in any::<bool>(),
			entry_price in 1_000u32..100_000,
			move_ppm in 0u32..200_000,
			deficit_ppm in 1u32..400_000,
			mm in 10_000u32..200_000,
			pen in 0u32..10_000,
		) {
			let q = if long { size } else { -size };
			let entry = units::quote_value(size as u128, BTC, Price::from_u32(entry_price), USDC, units::Rounding::Up).unwrap();
			// The price moves against the position.
			let factor = if long { 1_000_000 - move_ppm } else { 1_000_000 + move_ppm };
			let price = Price::from_rational(u128::from(entry_price) * u128::from(factor), 1_000_000);
			let mm = Permill::from_parts(mm);
			let pen = Permill::from_parts(pen);
			// Collateral that leaves the account `deficit` short of its requirement.
			let m = perp::mark(q, entry, BTC, price, USDC);
			let req = mm.mul_ceil(m.notional) as i128;
			let target = req - Permill::from_parts(deficit_ppm).mul_ceil(req as u128) as i128;
			let collateral = target - m.pnl.min(0) - margin::counted_pnl(m.pnl.max(0), Permill::from_percent(10));
			prop_assume!(collateral >= 0);
			let (v, notional) = value(collateral as u128, 0, q, entry, price, mm);
			prop_assume!(!v.is_healthy());
			let f = liquidation::close_fraction(v.maintenance_equity, v.maintenance_requirement, notional, pen, Permill::zero());
			prop_assume!(f < Permill::one());
			let closed = perp::fraction_of_size(q, f);
			let fill = perp::apply_fill(q, entry, perp::reducing_delta(q, closed), price, BTC, USDC).unwrap();
			let penalty = pen.mul_ceil(fill.exit_notional) as i128;
			let (after, _) = value(collateral as u128, fill.realized_pnl - penalty, fill.quantity, fill.entry_notional, price, mm);
			// Within the rounding of a few units (Permill fraction rounding on the size).
			let slack = 3 + (notional / 1_000_000) as i128;
			prop_assert!(
				after.maintenance_equity + slack >= after.maintenance_requirement as i128,
				"f={f:?} eq={} req={}", after.maintenance_equity, after.maintenance_requirement
			);
		}

		#[test]
		fn overflow_never_makes_an_account_look_healthier(
			amount in 0u128..u128::MAX,
			d in 0u8..=24,
			p in 1u128..u128::MAX,
			quote in -1_000_000_000i128..1_000_000_000,
			req in 0u128..1_000_000_000,
		) {
			// A holding whose value cannot be represented counts as nothing.
			let value = units::quote_value(amount, d, Price::from_inner(p), USDC, units::Rounding::Down).unwrap_or(0);
			let line = margin::CollateralLine { value, haircut: Permill::zero(), maintenance_weight: Permill::one() };
			let r = margin::Requirements { unrealized_pnl: 0, initial: req, maintenance: req };
			let with = margin::valuation(&[line], quote, &r, Permill::zero());
			let without = margin::valuation(&[], quote, &r, Permill::zero());
			prop_assert!(with.maintenance_equity >= without.maintenance_equity);
			// A requirement that cannot be represented is never met.
			prop_assert!(!margin::is_healthy(with.maintenance_equity, u128::MAX));
		}
	}
}
