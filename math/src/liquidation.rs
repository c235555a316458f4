//! Liquidation: close fraction, Dutch-auction curve, lot sizing and the auto-deleveraging share.
//! Pure functions, no storage.
//!
//! * **Close fraction.** Closing a fraction `f` of every position scales the maintenance
//!   requirement `M` by `1 − f` and costs the account the penalty `p·f·N` on the closed notional
//!   `f·N` (its equity `E` is otherwise unchanged: closing at the mark price only realizes PnL
//!   already counted). The account is back at maintenance when `E − p·f·N ≥ (1 − f)·M`, i.e.
//!   `f ≥ (M − E) / (M − p·N)`. The engine closes that much plus a buffer, and everything when
//!   the denominator is not positive, when the account is below the full-liquidation ratio, or
//!   when what would remain is dust.
//! * **Dutch auction price.** `price(t) = start × (1 − decay)^t` for `t` blocks since the
//!   (re)start, with `start = oracle × (1 + premium)`. Never sold below the **floor**
//!   `oracle_now × (1 − max discount)`: below it the auction must be restarted. The premium and
//!   the decay scale with the asset's volatility (the price guard's, per day):
//!   `premium = base premium + vol`, `decay = base decay × (1 + vol / 10 %)`, both capped. A
//!   quiet market (2–5 % a day) starts a few percent higher and decays a little faster; a crash
//!   (which reads at once, e.g. ≈ 36 % a day for −35 %) starts at the premium cap and decays
//!   several times faster.
//! * **Lots.** To raise a debt `D` from collateral at oracle price `P`, the lot is the amount
//!   worth `D / (1 − max discount)` at `P`, rounded up (it still covers the debt at the floor),
//!   at most the holding.
//! * **Index price.** A liquidation price in closed form (`perp::isolated_liquidation_price`)
//!   and the health test in integers (notionals and requirements rounded against the account)
//!   can disagree by a few quote units of notional. The index files an account at its
//!   liquidation price moved towards the current price by [`INDEX_BAND_UNITS`] quote units of
//!   notional ([`index_price`]), so it is never missed: unhealthy ⇒ crossed in the index; an
//!   account crossed but still healthy sits within that band of its boundary.
//! * **Auto-deleveraging share.** To take `owed` from a position whose PnL is `pnl`, close
//!   `owed / pnl` of it, rounded up, or all of it when `owed ≥ pnl`.

use crate::{
	margin, signed,
	units::{self, mul_div, permill_of, ratio, Rounding},
	Balance, Price, SignedBalance,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{Saturating, Zero},
	PerThing, Permill,
};

/// Whether positions must close in full rather than in part: the health ratio is below
/// `full_ratio`, or the notional is below `dust`.
pub fn closes_in_full(
	equity: SignedBalance,
	requirement: Balance,
	notional: Balance,
	full_ratio: Permill,
	dust: Balance,
) -> bool {
	let below =
		margin::health_ratio(equity, requirement).is_some_and(|r| r < units::ratio(full_ratio));
	below || notional < dust
}

/// The share of positions to close to bring `equity` back to `requirement` (see the module
/// docs), before buffer; `Permill::one()` when nothing less will do.
pub fn close_fraction(
	equity: SignedBalance,
	requirement: Balance,
	notional: Balance,
	penalty: Permill,
	buffer: Permill,
) -> Permill {
	if margin::is_healthy(equity, requirement) {
		return Permill::zero();
	}
	let m = signed(requirement);
	let p_n = signed(penalty.mul_ceil(notional));
	let denom = m.saturating_sub(p_n);
	if denom <= 0 {
		return Permill::one();
	}
	let num = m.saturating_sub(equity).unsigned_abs();
	let denom = denom.unsigned_abs();
	if num >= denom {
		return Permill::one();
	}
	let f = permill_of(num, denom, Rounding::Up);
	f.saturating_add(Permill::from_parts(buffer.mul_ceil(f.deconstruct())))
}

/// Start premium and per-block decay of an auction for an asset with volatility `vol` (per
/// day).
pub fn adaptive_curve(
	vol: Permill,
	base_premium: Permill,
	base_decay: Permill,
	max_premium: Permill,
) -> (Permill, Permill) {
	// Premium grows 1:1 with volatility; decay doubles at 10 % volatility.
	let premium = base_premium.saturating_add(vol).min(max_premium);
	let parts = u64::from(base_decay.deconstruct())
		.saturating_mul(100_000u64.saturating_add(u64::from(vol.deconstruct())))
		.checked_div(100_000)
		.unwrap_or(0)
		.min(500_000);
	(premium, Permill::from_parts(u32::try_from(parts).unwrap_or(500_000)))
}

/// Auction start price: `oracle × (1 + premium)`.
pub fn start_price(oracle: Price, premium: Permill) -> Price {
	oracle.saturating_add(oracle.saturating_mul(ratio(premium)))
}

/// Price after `blocks` blocks of exponential decay from `start`.
pub fn decayed_price(start: Price, decay: Permill, blocks: u32) -> Price {
	let keep = ratio(decay.left_from_one());
	start.saturating_mul(keep.saturating_pow(usize::try_from(blocks).unwrap_or(usize::MAX)))
}

/// The floor: `oracle × (1 − max discount)`.
pub fn floor_price(oracle: Price, max_discount: Permill) -> Price {
	oracle.saturating_mul(ratio(max_discount.left_from_one()))
}

/// Whether an auction must be restarted: too old, or its price has decayed to the floor.
pub fn needs_reset(price: Price, floor: Price, age: u32, max_age: u32) -> bool {
	age > max_age || price < floor || price.is_zero()
}

/// The lot to seize from `holding` (smallest units, `decimals`) to raise `debt` (quote smallest
/// units) at `oracle`: worth `debt / (1 − max_discount)` at the oracle price, so that it still
/// raises the debt sold at the floor; rounded up, at most the holding. A price or discount that
/// cannot size a lot (zero price, 100 % discount) takes the whole holding.
pub fn lot_for_debt(
	debt: Balance,
	max_discount: Permill,
	holding: Balance,
	decimals: u8,
	oracle: Price,
	quote_decimals: u8,
) -> Balance {
	let keep = u128::from(max_discount.left_from_one().deconstruct());
	mul_div(debt, 1_000_000, keep, Rounding::Up)
		.and_then(|gross| {
			units::amount_for_value(gross, decimals, oracle, quote_decimals, Rounding::Up)
		})
		.unwrap_or(holding)
		.min(holding)
}

/// The share of `value` that `part` of `whole` carries, rounded down (what a partial take
/// releases of a lot's value). All of it when `part ≥ whole`.
pub fn pro_rata(value: Balance, part: Balance, whole: Balance) -> Balance {
	if part >= whole {
		return value;
	}
	mul_div(value, part, whole, Rounding::Down).unwrap_or(value)
}

/// Of a lot worth `value` seized for a debt and its penalty at `penalty` of the debt, the part
/// that repays the debt: `value / (1 + penalty)`, rounded down (the penalty, charged on that
/// part rounded up, never makes the pair exceed `value` by more than a unit).
pub fn debt_part(value: Balance, penalty: Permill) -> Balance {
	let one = u128::from(Permill::ACCURACY);
	mul_div(value, one, one.saturating_add(u128::from(penalty.deconstruct())), Rounding::Down)
		.unwrap_or(0)
}

/// How many quote smallest units of notional the index price leads the liquidation price by.
pub const INDEX_BAND_UNITS: Balance = 4;

/// The price to file a liquidation price `liq` at in the index (see the module docs): for a
/// long, `liq` raised by what [`INDEX_BAND_UNITS`] of notional is worth per unit of the
/// position (`entry_price / entry_notional` per quote unit); for a short, lowered by as much.
/// A position with no entry notional gets a band of one quote unit per smallest base unit
/// (`entry_price` itself, at least one step of the price's precision).
pub fn index_price(liq: Price, long: bool, entry_price: Price, entry_notional: Balance) -> Price {
	let band =
		mul_div(entry_price.into_inner(), INDEX_BAND_UNITS, entry_notional.max(1), Rounding::Up)
			.unwrap_or(u128::MAX)
			.max(1);
	let inner = liq.into_inner();
	Price::from_inner(if long { inner.saturating_add(band) } else { inner.saturating_sub(band) })
}

/// The fraction of a position with profit `pnl` to close so its realized profit covers `owed`:
/// `owed / pnl` rounded up, or all of it.
pub fn deleverage_fraction(owed: Balance, pnl: Balance) -> Permill {
	permill_of(owed, pnl, Rounding::Up)
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_arithmetic::FixedPointNumber;
	use proptest::prelude::*;

	#[test]
	fn a_lot_repays_the_debt_and_its_penalty() {
		// 1,050 of value with a 5 % penalty: 1,000 of debt and 50 of penalty.
		assert_eq!(debt_part(1_050, Permill::from_percent(5)), 1_000);
		assert_eq!(debt_part(1_050, Permill::zero()), 1_050);
		assert_eq!(debt_part(0, Permill::from_percent(5)), 0);
		// Rounding: never more debt than the value pays for.
		let d = debt_part(1_000, Permill::from_percent(3));
		assert!(d + Permill::from_percent(3).mul_ceil(d) <= 1_001, "{d}");
	}

	#[test]
	fn the_index_price_leads_the_liquidation_price_by_the_band() {
		// 1 BTC entered at 1,000 USDC (6 decimals): 4 units of notional are 0.000004 per BTC.
		let entry = Price::from_u32(1_000);
		let liq = Price::from_u32(900);
		let band = Price::from_rational(4, 1_000_000).into_inner();
		assert_eq!(
			index_price(liq, true, entry, 1_000_000_000).into_inner(),
			liq.into_inner() + band
		);
		assert_eq!(
			index_price(liq, false, entry, 1_000_000_000).into_inner(),
			liq.into_inner() - band
		);
		// Never less than one step; a short never below zero.
		assert_eq!(index_price(liq, true, Price::zero(), 0).into_inner(), liq.into_inner() + 1);
		assert_eq!(index_price(Price::zero(), false, entry, 1), Price::zero());
	}

	#[test]
	fn closes_just_enough() {
		// M = 1_000, E = 800, N = 20_000, p = 0: f = 200/1000 = 20 %.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::zero(), Permill::zero()),
			Permill::from_percent(20)
		);
		// With a 1 % penalty: f = 200 / (1_000 − 200) = 25 %.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::from_percent(1), Permill::zero()),
			Permill::from_percent(25)
		);
		// A buffer of 10 % of f.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::zero(), Permill::from_percent(10)),
			Permill::from_percent(22)
		);
		// Healthy: nothing. Bankrupt or penalty-dominated: everything.
		assert_eq!(
			close_fraction(1_000, 1_000, 20_000, Permill::zero(), Permill::zero()),
			Permill::zero()
		);
		assert_eq!(
			close_fraction(-5, 1_000, 20_000, Permill::from_percent(5), Permill::zero()),
			Permill::one()
		);
	}

	#[test]
	fn auction_curve() {
		let oracle = Price::from_u32(100);
		let start = start_price(oracle, Permill::from_percent(5));
		assert_eq!(start, Price::from_u32(105));
		let p = decayed_price(start, Permill::from_percent(1), 10);
		// 105 × 0.99^10 ≈ 94.96
		assert!(
			p > Price::from_rational(9_495, 100) && p < Price::from_rational(9_497, 100),
			"{p:?}"
		);
		let floor = floor_price(oracle, Permill::from_percent(10));
		assert_eq!(floor, Price::from_u32(90));
		assert!(!needs_reset(p, floor, 10, 100));
		assert!(needs_reset(decayed_price(start, Permill::from_percent(1), 20), floor, 20, 100));
		assert!(needs_reset(p, floor, 101, 100));
	}

	#[test]
	fn full_closes_and_lots() {
		let full = Permill::from_percent(50);
		assert!(closes_in_full(400, 1_000, 1_000_000, full, 100));
		assert!(!closes_in_full(600, 1_000, 1_000_000, full, 100));
		assert!(closes_in_full(600, 1_000, 99, full, 100), "dust");
		assert!(closes_in_full(-1, 1_000, 1_000_000, full, 100));
		// 900 USDC of debt at 10 % max discount from BTC at 50_000: 1_000 USDC = 0.02 BTC.
		let lot = lot_for_debt(
			900_000_000,
			Permill::from_percent(10),
			100_000_000,
			8,
			Price::from_u32(50_000),
			6,
		);
		assert_eq!(lot, 2_000_000);
		assert_eq!(lot_for_debt(1, Permill::one(), 7, 8, Price::from_u32(50_000), 6), 7);
		assert_eq!(
			lot_for_debt(1_000_000_000, Permill::zero(), 5, 8, Price::from_u32(50_000), 6),
			5
		);
		assert_eq!(lot_for_debt(1, Permill::zero(), 5, 8, Price::zero(), 6), 5);
		// A million ETH of debt cover no longer overflows into "seize everything".
		let eth = 10u128.pow(18);
		let lot = lot_for_debt(
			3_000_000_000_000_000,
			Permill::zero(),
			10_000_000 * eth,
			18,
			Price::from_u32(3_000),
			6,
		);
		assert_eq!(lot, 1_000_000 * eth);
		assert_eq!(pro_rata(100, 1, 3), 33);
		assert_eq!(pro_rata(100, 3, 3), 100);
		assert_eq!(deleverage_fraction(50, 200), Permill::from_percent(25));
		assert_eq!(deleverage_fraction(1, 3), Permill::from_parts(333_334));
		assert_eq!(deleverage_fraction(300, 200), Permill::one());
	}

	#[test]
	fn curve_adapts_to_volatility() {
		let (p0, d0) = adaptive_curve(
			Permill::zero(),
			Permill::from_percent(2),
			Permill::from_percent(1),
			Permill::from_percent(10),
		);
		let (p1, d1) = adaptive_curve(
			Permill::from_percent(5),
			Permill::from_percent(2),
			Permill::from_percent(1),
			Permill::from_percent(10),
		);
		assert_eq!((p0, d0), (Permill::from_percent(2), Permill::from_percent(1)));
		assert!(p1 > p0 && d1 > d0);
	}

	proptest! {
		#[test]
		fn the_fraction_restores_maintenance(e in -1_000_000i128..1_000_000, m in 1u128..1_000_000, n in 1u128..100_000_000, p in 0u32..50_000) {
			let pen = Permill::from_parts(p);
			let f = close_fraction(e, m, n, pen, Permill::zero());
			if f < Permill::one() {
				// E − p·f·N ≥ (1 − f)·M, up to rounding of one unit per term.
				let closed = f.mul_ceil(n);
				let after_e = e - pen.mul_ceil(closed) as i128;
				let after_m = m - f.mul_floor(m);
				prop_assert!(after_e + 2 >= after_m as i128, "f={f:?} e'={after_e} m'={after_m}");
			}
		}

		#[test]
		fn a_lot_covers_the_debt_at_the_floor(debt in 1u128..10u128.pow(15), p in 10u128.pow(9)..10u128.pow(24), d in 0u8..=18, disc in 0u32..500_000) {
			let price = Price::from_inner(p);
			let discount = Permill::from_parts(disc);
			let lot = lot_for_debt(debt, discount, u128::MAX, d, price, 6);
			let at_floor = units::quote_value(lot, d, floor_price(price, discount), 6, Rounding::Down).unwrap_or(u128::MAX);
			// The floor price rounds down in 18 decimals: allow one quote unit.
			prop_assert!(at_floor + 1 >= debt, "lot {lot} fetches {at_floor} < {debt}");
		}

		#[test]
		fn deleveraging_takes_at_least_what_is_owed(owed in 1u128..10u128.pow(20), pnl in 1u128..10u128.pow(20)) {
			let f = deleverage_fraction(owed, pnl);
			prop_assert!(f.mul_ceil(pnl) >= owed.min(pnl));
		}

		#[test]
		fn auction_price_never_increases(start in 1u64..1_000_000_000, d in 0u32..500_000, t in 0u32..500) {
			let s = Price::saturating_from_integer(start);
			let dec = Permill::from_parts(d);
			prop_assert!(decayed_price(s, dec, t + 1) <= decayed_price(s, dec, t));
		}
	}
}
