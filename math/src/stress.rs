//! The chain-wide stress test: how much every account would lose **beyond its equity** in each
//! of a few crash scenarios, and the controller that tightens the terms of new risk when the
//! funds that absorb those losses would not cover them.
//!
//! ## Scenarios are prices, not moves
//!
//! A scenario shocks every underlying from a **reference price** (the price when the stress
//! pass that values the account began) and scales every option's implied volatility:
//!
//! ```text
//! scenario price of key k   p_s(k) = reference(k) × (1 + shock_s)
//! equity in scenario s      E_s = E_now + Σ_h value_h × (p_s(k_h) / p_now(k_h) − 1)
//!                                       + Σ_l pnl_l(p_s(k_l), vol × multiplier_s)
//! shortfall in scenario s   S_s = max(0, −E_s)
//! ```
//!
//! `E_now` is the account's equity at today's prices before any haircut (quote balance +
//! collateral value + unrealized PnL), `h` its collateral holdings, `l` its positions
//! ([`portfolio::pnl_at`], the valuation the portfolio grid uses). Because the scenario is a
//! set of absolute prices, an account's shortfalls do not go stale when prices move: they
//! change only when the account does (a trade, a deposit, a liquidation), and with time
//! (funding, options' decay), which the pass's round-robin revisits. Every underlying takes the
//! same shock ("together": a crash is correlated); the quote asset does not move.
//!
//! ## Coverage and the controller
//!
//! ```text
//! system shortfall   S_s = Σ_accounts S_s(account)          worst = max_s S_s
//! coverage           C = capacity / worst                   (none when worst = 0)
//! capacity           insurance funds + vaults' NAV
//! ```
//!
//! Each block the tightening level `L` moves by at most one `step`: up (to at most `max`) while
//! `C < tighten_below`, down while `C ≥ relax_above` (or nothing is at risk), unchanged in
//! between (hysteresis, so a coverage near a threshold does not flap). `L` applies to **new
//! risk only** — an initial requirement `× (1 + L)`, a collateral haircut
//! `h + L × (1 − h)`, an open-interest cap `× (1 − L)` — never to maintenance, so the
//! tightening by itself never makes an account liquidatable.

use crate::{
	portfolio::{self, Leg, SpotShock},
	units::{self, Rounding},
	Balance, Price, SignedBalance,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{Bounded, One, Saturating},
	FixedPointNumber, FixedU128, PerThing, Permill,
};

/// Most scenarios a stress test may have.
pub const MAX_SCENARIOS: usize = 8;

/// One crash scenario.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Scenario {
	/// The move of every underlying from its reference price.
	pub shock: SpotShock,
	/// Multiplier of every option's implied volatility.
	pub vol: FixedU128,
}

/// One collateral holding, valued now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Holding {
	/// The oracle key its price follows.
	pub key: u32,
	/// Its price now.
	pub price: Price,
	/// Its value now before haircuts (quote smallest units).
	pub value: Balance,
}

/// What the stress test needs to know of one account.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Profile<'a> {
	/// Equity now, before haircuts: quote balance + collateral value + unrealized PnL.
	pub equity: SignedBalance,
	/// Collateral holdings (their value is part of `equity`).
	pub holdings: &'a [Holding],
	/// Positions, as the portfolio grid sees them.
	pub legs: &'a [Leg],
}

/// Shortfalls per scenario (unused entries zero).
pub type Shortfalls = [Balance; MAX_SCENARIOS];

/// `value`, held at `now`, at the price `then` (rounded down; unrepresentable: nothing, which
/// only raises a shortfall).
fn revalued(value: Balance, now: Price, then: Price) -> Balance {
	units::mul_div(value, then.into_inner(), now.into_inner(), Rounding::Down).unwrap_or(0)
}

/// The account's shortfall in each of `scenarios` (at most [`MAX_SCENARIOS`]), each underlying
/// shocked from `reference(key)` (today's price when `None`). Total: overflow only raises a
/// shortfall.
pub fn shortfalls(
	profile: &Profile,
	scenarios: &[Scenario],
	reference: impl Fn(u32) -> Option<Price>,
	quote_decimals: u8,
) -> Shortfalls {
	let mut out = [0; MAX_SCENARIOS];
	// Each option's value now, once (a perpetual's P&L needs none).
	let mut bases = [0 as SignedBalance; 64];
	for (leg, base) in profile.legs.iter().zip(bases.iter_mut()) {
		*base = portfolio::leg_value(leg, leg.spot, FixedU128::one(), quote_decimals);
	}
	for (scenario, slot) in scenarios.iter().zip(out.iter_mut()) {
		let at = |key: u32, now: Price| scenario.shock.apply(reference(key).unwrap_or(now));
		let mut equity = profile.equity;
		for h in profile.holdings {
			let then = revalued(h.value, h.price, at(h.key, h.price));
			equity =
				equity.saturating_add(crate::signed(then)).saturating_sub(crate::signed(h.value));
		}
		for (i, leg) in profile.legs.iter().enumerate() {
			// Beyond the cached bases (more legs than any account may hold), value afresh.
			let base = bases.get(i).copied().unwrap_or_else(|| {
				portfolio::leg_value(leg, leg.spot, FixedU128::one(), quote_decimals)
			});
			let pnl = portfolio::pnl_at(
				leg,
				base,
				at(leg.underlying, leg.spot),
				scenario.vol,
				quote_decimals,
			);
			equity = equity.saturating_add(pnl);
		}
		*slot = if equity < 0 { equity.unsigned_abs() } else { 0 };
	}
	out
}

/// `capacity / worst`: `None` when nothing is at risk (`worst = 0`); zero when the capacity is
/// not positive; saturating.
pub fn coverage(capacity: SignedBalance, worst: Balance) -> Option<FixedU128> {
	if worst == 0 {
		return None;
	}
	let capacity = u128::try_from(capacity).unwrap_or(0);
	Some(FixedU128::checked_from_rational(capacity, worst).unwrap_or(FixedU128::max_value()))
}

/// The controller's governed settings.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Controller {
	/// Tighten while coverage is below this.
	pub tighten_below: FixedU128,
	/// Relax while coverage is at least this (not below `tighten_below`).
	pub relax_above: FixedU128,
	/// Most the level moves in one block.
	pub step: Permill,
	/// Most the level may reach.
	pub max: Permill,
}

/// The tightening level after one block at `coverage` (see the module docs). Never above
/// `max`, never more than `step` from `level` (except to come down to a lowered `max`).
pub fn next_level(level: Permill, coverage: Option<FixedU128>, c: &Controller) -> Permill {
	let level = level.min(c.max);
	match coverage {
		Some(x) if x < c.tighten_below => level.saturating_add(c.step).min(c.max),
		Some(x) if x < c.relax_above => level,
		_ => level.saturating_sub(c.step),
	}
}

/// An initial requirement under tightening `level`: `requirement × (1 + level)`, rounded up.
pub fn tightened_requirement(requirement: Balance, level: Permill) -> Balance {
	requirement.saturating_add(level.mul_ceil(requirement))
}

/// A collateral haircut for new risk under tightening `level`: `h + level × (1 − h)` (the value
/// counted is `(1 − h)(1 − level)` of the holding), rounded up.
pub fn tightened_haircut(haircut: Permill, level: Permill) -> Permill {
	let extra = level.mul_ceil(haircut.left_from_one().deconstruct());
	Permill::from_parts(haircut.deconstruct().saturating_add(extra)).min(Permill::one())
}

/// A cap on new risk under tightening `level`: `cap × (1 − level)`, rounded down.
pub fn tightened_cap(cap: Balance, level: Permill) -> Balance {
	cap.saturating_sub(level.mul_ceil(cap))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::portfolio::Instrument;
	use proptest::prelude::*;

	const USDC: u8 = 6;
	const ONE_BTC: i128 = 100_000_000;
	const BTC_KEY: u32 = 1;

	fn price(p: u128) -> Price {
		Price::saturating_from_integer(p)
	}

	fn perp(quantity: i128, spot: u128) -> Leg {
		Leg {
			underlying: BTC_KEY,
			spot: price(spot),
			quantity,
			base_decimals: 8,
			instrument: Instrument::Perp,
			min_shock: Permill::zero(),
		}
	}

	fn crash(percent: i32) -> Scenario {
		Scenario { shock: SpotShock::from_percent(percent), vol: FixedU128::one() }
	}

	fn usdc(n: u128) -> Balance {
		n * 1_000_000
	}

	#[test]
	fn a_long_perp_loses_beyond_its_equity_only_past_its_bankruptcy_price() {
		// 1 BTC long at 60,000 with 6,000 of equity: bankrupt below 54,000 (−10 %).
		let legs = [perp(ONE_BTC, 60_000)];
		let p = Profile { equity: usdc(6_000) as i128, holdings: &[], legs: &legs };
		let s = shortfalls(&p, &[crash(-5), crash(-10), crash(-20), crash(20)], |_| None, USDC);
		assert_eq!(&s[..4], &[0, 0, usdc(6_000), 0]);
	}

	#[test]
	fn scenarios_are_prices_from_the_reference_not_moves_from_now() {
		// The pass began at 60,000; BTC is at 57,000 now. The −20 % scenario is 48,000: a long
		// opened at 57,000 with 3,000 of equity loses 9,000 − 3,000 there.
		let legs = [perp(ONE_BTC, 57_000)];
		let p = Profile { equity: usdc(3_000) as i128, holdings: &[], legs: &legs };
		let s = shortfalls(&p, &[crash(-20)], |_| Some(price(60_000)), USDC);
		assert_eq!(s[0], usdc(6_000));
	}

	#[test]
	fn collateral_falls_with_its_key_and_a_debt_does_not() {
		// 1 BTC of collateral (60,000) against 50,000 of debt: −20 % leaves 48,000 for a
		// 50,000 debt, a shortfall of 2,000.
		let holdings = [Holding { key: BTC_KEY, price: price(60_000), value: usdc(60_000) }];
		let p = Profile { equity: usdc(10_000) as i128, holdings: &holdings, legs: &[] };
		let s = shortfalls(&p, &[crash(-10), crash(-20)], |_| None, USDC);
		assert_eq!(&s[..2], &[0, usdc(2_000)]);
	}

	#[test]
	fn a_hedge_removes_the_shortfall() {
		// A long perp and a short perp of the same size: no scenario hurts.
		let legs = [perp(ONE_BTC, 60_000), perp(-ONE_BTC, 60_000)];
		let p = Profile { equity: usdc(100) as i128, holdings: &[], legs: &legs };
		let s = shortfalls(&p, &[crash(-30), crash(30)], |_| None, USDC);
		assert_eq!(&s[..2], &[0, 0]);
	}

	#[test]
	fn coverage_is_capacity_over_the_worst_shortfall() {
		assert_eq!(coverage(100, 0), None);
		assert_eq!(coverage(300, 200), Some(FixedU128::from_rational(3, 2)));
		assert_eq!(coverage(-5, 200), Some(FixedU128::from_inner(0)));
		assert_eq!(coverage(i128::MAX, 1), Some(FixedU128::max_value()));
	}

	fn controller() -> Controller {
		Controller {
			tighten_below: FixedU128::from_rational(3, 2),
			relax_above: FixedU128::from_u32(2),
			step: Permill::from_percent(1),
			max: Permill::from_percent(25),
		}
	}

	#[test]
	fn the_controller_tightens_holds_and_relaxes() {
		let c = controller();
		let low = Some(FixedU128::one());
		let between = Some(FixedU128::from_rational(7, 4));
		let high = Some(FixedU128::from_u32(3));
		let p = Permill::from_percent;
		assert_eq!(next_level(p(0), low, &c), p(1));
		assert_eq!(next_level(p(25), low, &c), p(25));
		assert_eq!(next_level(p(5), between, &c), p(5));
		assert_eq!(next_level(p(5), high, &c), p(4));
		assert_eq!(next_level(p(5), None, &c), p(4));
		assert_eq!(next_level(p(0), None, &c), p(0));
		// A lowered maximum brings the level down to it at once.
		assert_eq!(next_level(p(40), between, &c), p(25));
	}

	#[test]
	fn tightening_applies_to_requirements_haircuts_and_caps() {
		let l = Permill::from_percent(10);
		assert_eq!(tightened_requirement(1_000, l), 1_100);
		assert_eq!(tightened_requirement(1_000, Permill::zero()), 1_000);
		// 20 % haircut, 10 % tighter: 1 − 0.8 × 0.9 = 28 %.
		assert_eq!(tightened_haircut(Permill::from_percent(20), l), Permill::from_percent(28));
		assert_eq!(tightened_haircut(Permill::one(), l), Permill::one());
		assert_eq!(tightened_cap(1_000, l), 900);
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2_000))]

		/// Collateral without debt or positions never falls short, whatever the crash.
		#[test]
		fn collateral_alone_never_falls_short(
			value in 0u128..1_000_000_000_000_000,
			p in 1u128..10_000_000,
			shock in -950_000i32..2_000_000,
			reference in 1u128..10_000_000,
		) {
			let holdings = [Holding { key: BTC_KEY, price: price(p), value }];
			let profile = Profile { equity: value as i128, holdings: &holdings, legs: &[] };
			let scenario = Scenario { shock: SpotShock::from_parts(shock), vol: FixedU128::one() };
			let s = shortfalls(&profile, &[scenario], |_| Some(price(reference)), USDC);
			prop_assert_eq!(s[0], 0);
		}

		/// More equity never means a larger shortfall, and each unit of equity removes at most
		/// one unit of it.
		#[test]
		fn equity_lowers_the_shortfall_one_for_one(
			quantity in -1_000 * ONE_BTC..1_000 * ONE_BTC,
			equity in -1_000_000_000_000i128..1_000_000_000_000,
			extra in 0i128..1_000_000_000_000,
			shock in -950_000i32..2_000_000,
		) {
			let legs = [perp(quantity, 60_000)];
			let scenario = [Scenario { shock: SpotShock::from_parts(shock), vol: FixedU128::one() }];
			let at = |e| shortfalls(&Profile { equity: e, holdings: &[], legs: &legs }, &scenario, |_| None, USDC)[0];
			let (before, after) = (at(equity), at(equity + extra));
			prop_assert!(after <= before);
			prop_assert!(before - after <= extra as u128);
		}

		/// The level stays within `[0, max]` and moves at most one step per block.
		#[test]
		fn the_level_moves_by_bounded_steps(
			start in 0u32..=1_000_000,
			coverages in proptest::collection::vec(proptest::option::of(0u128..5_000_000), 1..50),
		) {
			let c = controller();
			let mut level = Permill::from_parts(start).min(c.max);
			for x in coverages {
				let next = next_level(level, x.map(|x| FixedU128::from_rational(x, 1_000_000)), &c);
				prop_assert!(next <= c.max);
				let moved = if next > level { next.deconstruct() - level.deconstruct() } else { level.deconstruct() - next.deconstruct() };
				prop_assert!(moved <= c.step.deconstruct());
				level = next;
			}
		}

		/// Tightening only ever asks more of new risk.
		#[test]
		fn tightening_never_loosens(
			requirement in any::<u128>(),
			haircut in 0u32..=1_000_000,
			level in 0u32..=1_000_000,
			cap in any::<u128>(),
		) {
			let (h, l) = (Permill::from_parts(haircut), Permill::from_parts(level));
			prop_assert!(tightened_requirement(requirement, l) >= requirement);
			prop_assert!(tightened_haircut(h, l) >= h);
			prop_assert!(tightened_cap(cap, l) <= cap);
		}
	}
}
