//! Margin of safety: how far any price an account is exposed to may move before the account
//! could reach its maintenance limit. Pure functions, no storage.
//!
//! The liquidation engine values an account once and files it under a **trigger** per *source*
//! it is exposed to: for every source, the level at which that source has moved, in the
//! direction that can hurt, by the account's margin of safety `s`. As long as no source has
//! reached its trigger, the account is provably still healthy, so nobody needs to look at it;
//! the first block in which one source reaches it, the engine values the account again.
//!
//! # The bound
//!
//! Maintenance equity is a sum of terms, each linear in one source (between valuations the
//! positions and holdings do not change: any change files the account again):
//!
//! | term | source | loss when the source moves by a relative `x` |
//! | --- | --- | --- |
//! | holding of value `V` (price `p`, weight `w ≤ w₀`) | its price, down | `V·w·x ≤ V·x` |
//! | the same holding | its band weight `w₀` (weight at zero holding), down by `z = Δ/w₀` | `≤ V·Δ ≤ V·z` (a band moves every holding's weight by the same `Δ`) |
//! | position of notional `N`, requirement `R` | its mark, either way | `≤ (N + R)·x` (PnL and requirement) |
//! | the same position | its funding index, against the position, by `N·x` per whole token at valuation | `≤ N·x` |
//! | a portfolio-grid requirement (cross accounts), sensitivity `Q` | the marks of its positions, either way | `≤ Q·x` beyond the `R·x` above ([`crate::portfolio::price_sensitivity`]) |
//!
//! (a gain counted with a haircut still moves by at most the move of the PnL; the quote balance
//! does not move.) So while every source's adverse move stays below `s`, the buffer falls by
//! less than `s · G`, with the **gross sensitivity**
//!
//! ```text
//! G = 2·Σ V + 2·Σ N + Σ R + Q        (= 2·collateral value + 2·notional + requirement + Q)
//! s = (maintenance equity − requirement − slack) / G        (0 when not positive)
//! ```
//!
//! and the account stays healthy. `slack` ([`SLACK_UNITS`] quote units per term) covers the
//! integer rounding of the valuation, so that the integer health test never finds an account
//! unhealthy before one of its triggers has fired.
//!
//! # Triggers
//!
//! A source at `level` (a price, a weight, or a funding index, as an integer of its fixed-point
//! representation) with `scale` (what a relative move is relative to: the level itself for
//! prices and weights, the mark in funding units for a funding index) gets
//! `trigger = level ∓ ⌊s · scale⌋`; it has **fired** when the source's level now is at or past
//! it. Rounding the distance down fires early, never late.

use crate::{signed, Balance, FixedU128, SignedBalance};
use polkadot_sdk::sp_arithmetic::FixedPointNumber;

/// Quote units of rounding slack per valued term (holding, position): the integer valuation
/// rounds each term by at most one unit per operation, a few operations per term.
pub const SLACK_UNITS: Balance = 4;

/// Which way a source's move can hurt an account.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum Direction {
	/// The account is hurt when the source's level falls.
	Down,
	/// The account is hurt when the source's level rises.
	Up,
}

/// The gross price sensitivity `G = 2·collateral value + 2·notional + requirement +
/// requirement sensitivity` (see the module docs; the last is zero for linear requirements),
/// saturating.
pub fn sensitivity(
	collateral_value: Balance,
	notional: Balance,
	requirement: Balance,
	requirement_sensitivity: Balance,
) -> Balance {
	collateral_value
		.saturating_mul(2)
		.saturating_add(notional.saturating_mul(2))
		.saturating_add(requirement)
		.saturating_add(requirement_sensitivity)
}

/// The margin of safety `s = (equity − requirement − slack) / G` for an account valued with
/// `terms` holdings and positions, rounded down; zero when the buffer is not positive.
/// `None` when nothing the account holds moves with a price (`G = 0`): no move can sink it.
pub fn margin_of_safety(
	maintenance_equity: SignedBalance,
	requirement: Balance,
	sensitivity: Balance,
	terms: u32,
) -> Option<FixedU128> {
	if sensitivity == 0 {
		return None;
	}
	let slack = SLACK_UNITS.saturating_mul(Balance::from(terms).saturating_add(1));
	let buffer =
		maintenance_equity.saturating_sub(signed(requirement)).saturating_sub(signed(slack));
	let Ok(buffer) = Balance::try_from(buffer) else { return Some(FixedU128::from_inner(0)) };
	// ⌊buffer / G⌋ in 18 decimals: never larger than the true ratio.
	Some(
		crate::units::mul_div(buffer, FixedU128::DIV, sensitivity, crate::Rounding::Down)
			.map_or(FixedU128::from_inner(u128::MAX), FixedU128::from_inner),
	)
}

/// The level at which a source now at `level` has moved by the margin of safety `s` in
/// `direction`: `level ∓ ⌊s · scale⌋` (saturating).
pub fn trigger(level: i128, scale: u128, s: FixedU128, direction: Direction) -> i128 {
	let distance = signed(s.saturating_mul_int(scale));
	match direction {
		Direction::Down => level.saturating_sub(distance),
		Direction::Up => level.saturating_add(distance),
	}
}

/// Whether a source at `now` has reached `trigger` in `direction`.
pub fn fired(direction: Direction, now: i128, trigger: i128) -> bool {
	match direction {
		Direction::Down => now <= trigger,
		Direction::Up => now >= trigger,
	}
}

/// The scale of a funding index: the mark `price` in funding-index units (quote smallest units
/// per whole token, 18 decimals), so that a move of `s · scale` in the index costs a position
/// `s` of its notional at that mark.
pub fn funding_scale(price: FixedU128, quote_decimals: u8) -> u128 {
	crate::units::pow10(quote_decimals).map_or(u128::MAX, |q| price.into_inner().saturating_mul(q))
}

/// `v` saturated into the signed level space.
pub fn level_of(v: u128) -> i128 {
	signed(v)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::margin::{self, CollateralLine, Requirements};
	use polkadot_sdk::sp_arithmetic::{PerThing, Permill};
	use proptest::prelude::*;

	#[test]
	fn an_account_with_no_buffer_fires_at_once() {
		let s = margin_of_safety(100, 100, 1_000, 1).unwrap();
		assert_eq!(s, FixedU128::from_inner(0));
		assert!(fired(Direction::Down, 50, trigger(50, 50, s, Direction::Down)));
		assert!(fired(Direction::Up, 50, trigger(50, 50, s, Direction::Up)));
	}

	#[test]
	fn nothing_sensitive_needs_no_trigger() {
		assert_eq!(margin_of_safety(100, 0, 0, 0), None);
	}

	#[test]
	fn distance_rounds_down_so_triggers_fire_early() {
		// s = 1/3, level 100: ⌊33.3⌋ = 33 → fires at 67 (true boundary 66.6…).
		let s = FixedU128::from_rational(1, 3);
		assert_eq!(trigger(100, 100, s, Direction::Down), 67);
		assert_eq!(trigger(100, 100, s, Direction::Up), 133);
		assert!(fired(Direction::Down, 67, 67) && !fired(Direction::Down, 68, 67));
	}

	#[test]
	fn slack_is_taken_from_the_buffer() {
		// buffer 1_000 − slack 4·(2+1) = 988 over G = 10_000.
		let s = margin_of_safety(11_000, 10_000, 10_000, 2).unwrap();
		assert_eq!(s, FixedU128::from_rational(988, 10_000));
	}

	/// One holding and one position, a simple but faithful model of the valuation: collateral
	/// `qty × price × weight` (rounded down), PnL `size × (mark − entry) − size × Δfunding`,
	/// counted with a haircut on gains, requirement `mm × |size| × mark` (rounded up).
	#[derive(Clone, Debug)]
	struct Account {
		qty: u128,
		price: u128,
		weight: Permill,
		base_weight: Permill,
		quote: i128,
		size: i128,
		entry: u128,
		mark: u128,
		mm: Permill,
		upnl_haircut: Permill,
	}

	fn buffer_at(a: &Account, price: u128, weight_drop: u32, mark: u128, funding: i128) -> bool {
		let w = Permill::from_parts(a.weight.deconstruct().saturating_sub(weight_drop));
		let value = a.qty * price;
		let line = CollateralLine { value, haircut: w.left_from_one(), maintenance_weight: w };
		let pnl = a.size * (mark as i128 - a.entry as i128) - a.size * funding;
		let notional = a.size.unsigned_abs() * mark;
		let req = a.mm.mul_ceil(notional);
		let v = margin::valuation(
			&[line],
			a.quote,
			&Requirements { unrealized_pnl: pnl, initial: req, maintenance: req },
			a.upnl_haircut,
		);
		v.is_healthy()
	}

	fn account() -> impl Strategy<Value = Account> {
		(
			(0u128..1_000, 1u128..100_000, 1u32..=1_000_000, 0u32..=1_000_000),
			-1_000_000i128..100_000_000,
			(-1_000i128..1_000, 1u128..100_000, 1u128..100_000),
			(0u32..200_000, 0u32..=1_000_000),
		)
			.prop_map(|((qty, price, w, extra), quote, (size, entry, mark), (mm, h))| {
				let weight = Permill::from_parts(w);
				Account {
					qty,
					price,
					weight,
					base_weight: Permill::from_parts(w.saturating_add(extra).min(1_000_000)),
					quote,
					size,
					entry,
					mark,
					mm: Permill::from_parts(mm),
					upnl_haircut: Permill::from_parts(h),
				}
			})
	}

	proptest! {
		#![proptest_config(ProptestConfig { max_global_rejects: 1_000_000, ..ProptestConfig::default() })]
		/// The module's claim: while no source has reached its trigger (adverse or favourable
		/// moves of any size below it), an account healthy at valuation stays healthy.
		#[test]
		fn no_trigger_fired_means_still_healthy(
			a in account(),
			moves in (0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000),
			up in (any::<bool>(), any::<bool>()),
		) {
			let notional = a.size.unsigned_abs() * a.mark;
			let req = a.mm.mul_ceil(notional);
			let value = a.qty * a.price;
			let pnl = a.size * (a.mark as i128 - a.entry as i128);
			let line = CollateralLine {
				value,
				haircut: a.weight.left_from_one(),
				maintenance_weight: a.weight,
			};
			let v = margin::valuation(
				&[line],
				a.quote,
				&Requirements { unrealized_pnl: pnl, initial: req, maintenance: req },
				a.upnl_haircut,
			);
			let g = sensitivity(value, notional, req, 0);
			let Some(s) = margin_of_safety(v.maintenance_equity, req, g, 2) else {
				return Ok(());
			};
			// A zero margin fires every trigger at once: nothing to prove.
			prop_assume!(v.is_healthy() && s > FixedU128::from_inner(0));
			// Each source moves a fraction of the way to its trigger (never reaching it).
			let part = |m: u32, d: u128| Permill::from_parts(m).mul_floor(d).saturating_sub(1);
			let d_price = s.saturating_mul_int(a.price);
			let d_mark = s.saturating_mul_int(a.mark);
			let d_w = s.saturating_mul_int(u128::from(a.base_weight.deconstruct()));
			let price = a.price - part(moves.0, d_price).min(a.price);
			let mark = if up.0 { a.mark + part(moves.1, d_mark) }
				else { a.mark - part(moves.1, d_mark).min(a.mark) };
			let drop = u32::try_from(part(moves.2, d_w)).unwrap_or(u32::MAX);
			// Funding against the position, in price units per unit of size.
			let f = i128::try_from(part(moves.3, d_mark)).unwrap();
			let funding = if a.size >= 0 { f } else { -f };
			let _ = up.1;
			prop_assert!(buffer_at(&a, price, drop, mark, funding));
		}
	}
}
