//! Perpetuals math: pure functions, no storage.
//!
//! Sizes are signed integers in the base asset's smallest unit (positive long, negative short);
//! prices are quote tokens per whole base token; notionals and PnL are quote smallest units.
//!
//! * **Execution price.** A buy pays `oracle × (1 + premium)`, a sell gets
//!   `oracle × (1 − premium)`, with
//!   `premium = base spread + ½·|size| / skew scale + max(0, skew in the trade's direction) / skew scale`,
//!   capped at the market's maximum premium: the spread grows with the trade's size and with the
//!   skew it adds to, and a trade against the skew pays only the base spread plus its size term.
//! * **Funding.** Per block, `rate = clamp(skew / skew scale, −1, 1) × max daily rate / blocks
//!   per day`; the funding index (quote smallest units per whole base token) grows by
//!   `rate × oracle price` each block. A position owes `size × (index now − index at entry)`:
//!   longs pay when the skew is long, shorts when it is short; the vault takes the net.
//! * **Isolated liquidation price.** For one position of size `s` and entry notional `N` in an
//!   account whose other equity is `E` (collateral at maintenance weights plus quote balance),
//!   the price `P` where equity equals the maintenance requirement:
//!   long: `E + s·P − N = s·P·m` ⇒ `P = (N − E) / (s·(1 − m))`;
//!   short: `E + N − s·P = s·P·m` ⇒ `P = (E + N) / (s·(1 + m))`.

use ballast_primitives::{math, Balance, Price, SignedBalance};
use polkadot_sdk::sp_arithmetic::{
	traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, One, Saturating, Zero},
	FixedI128, FixedPointNumber, FixedU128, Permill,
};

/// A `Permill` as a fixed-point ratio.
pub fn ratio(p: Permill) -> FixedU128 {
	FixedU128::from_rational(u128::from(p.deconstruct()), 1_000_000)
}

/// Whole base tokens in `size` smallest units, signed, as a fixed-point number.
pub fn whole(size: i128, decimals: u8) -> Option<FixedI128> {
	FixedI128::checked_from_rational(size, math::pow10(decimals)?)
}

/// Notional of `|size|` at `price`, quote smallest units.
pub fn notional(
	size: i128,
	base_decimals: u8,
	price: Price,
	quote_decimals: u8,
) -> Option<Balance> {
	math::quote_value(size.unsigned_abs(), base_decimals, price, quote_decimals)
}

/// The premium over (buy) or under (sell) the oracle price for a trade of `delta` when the
/// market's skew (long OI − short OI) is `skew`.
pub fn premium(
	delta: i128,
	skew: i128,
	skew_scale: Balance,
	base_spread: Permill,
	max_premium: Permill,
) -> Permill {
	if skew_scale == 0 {
		return max_premium;
	}
	let size_term = Permill::from_rational(delta.unsigned_abs() / 2, skew_scale);
	let same_side_skew = if delta > 0 { skew.max(0) } else { skew.min(0) }.unsigned_abs();
	let skew_term = Permill::from_rational(same_side_skew.min(skew_scale), skew_scale);
	base_spread.saturating_add(size_term).saturating_add(skew_term).min(max_premium)
}

/// The execution price of a trade of `delta` at `oracle` with `premium`.
pub fn execution_price(oracle: Price, delta: i128, premium: Permill) -> Price {
	let p = ratio(premium);
	let adj = oracle.saturating_mul(p);
	if delta > 0 {
		oracle.saturating_add(adj)
	} else {
		oracle.saturating_sub(adj)
	}
}

/// Growth of the funding index over `blocks` blocks at `oracle` for `skew`.
pub fn funding_delta(
	skew: i128,
	skew_scale: Balance,
	max_daily_rate: Permill,
	blocks_per_day: u32,
	blocks: u32,
	oracle: Price,
	quote_decimals: u8,
) -> FixedI128 {
	if skew_scale == 0 || blocks_per_day == 0 || blocks == 0 || skew == 0 {
		return FixedI128::zero();
	}
	let scale = i128::try_from(skew_scale).unwrap_or(i128::MAX);
	let bounded = skew.clamp(scale.saturating_neg(), scale);
	let ratio = FixedI128::checked_from_rational(bounded, scale).unwrap_or_default();
	let daily =
		FixedI128::checked_from_rational(i128::from(max_daily_rate.deconstruct()), 1_000_000i128)
			.unwrap_or_default();
	let per_block = daily
		.checked_div(&FixedI128::saturating_from_integer(i128::from(blocks_per_day)))
		.unwrap_or_default()
		.saturating_mul(ratio);
	let quote_scale = math::pow10(quote_decimals).and_then(|s| i128::try_from(s).ok()).unwrap_or(1);
	let price = FixedI128::from_inner(i128::try_from(oracle.into_inner()).unwrap_or(i128::MAX));
	per_block
		.saturating_mul(price)
		.saturating_mul(FixedI128::saturating_from_integer(quote_scale))
		.saturating_mul(FixedI128::saturating_from_integer(i128::from(blocks)))
}

/// Funding a position of `size` owes between index `from` and index `to` (negative: it is owed).
pub fn funding_owed(size: i128, decimals: u8, from: FixedI128, to: FixedI128) -> SignedBalance {
	let Some(w) = whole(size, decimals) else { return 0 };
	w.saturating_mul(to.saturating_sub(from)).saturating_mul_int(1i128)
}

/// Unrealized PnL of a position of `size` opened for `entry_notional`, at mark notional
/// `mark_notional` (both for `|size|`).
pub fn pnl(size: i128, entry_notional: Balance, mark_notional: Balance) -> SignedBalance {
	let entry = SignedBalance::try_from(entry_notional).unwrap_or(SignedBalance::MAX);
	let mark = SignedBalance::try_from(mark_notional).unwrap_or(SignedBalance::MAX);
	if size >= 0 {
		mark.saturating_sub(entry)
	} else {
		entry.saturating_sub(mark)
	}
}

/// The part of `entry_notional` (for `|size|`) that belongs to `closed` of it. Rounds down.
pub fn entry_share(entry_notional: Balance, closed: u128, size: u128) -> Balance {
	if size == 0 {
		return 0;
	}
	polkadot_sdk::sp_arithmetic::helpers_128bit::multiply_by_rational_with_rounding(
		entry_notional,
		closed,
		size,
		polkadot_sdk::sp_arithmetic::Rounding::Down,
	)
	.unwrap_or(entry_notional)
}

/// Liquidation price of an isolated account holding one position (see the module docs).
/// `None` when there is none (e.g. a long whose other equity already covers it at price zero).
pub fn isolated_liquidation_price(
	size: i128,
	base_decimals: u8,
	entry_notional: Balance,
	other_equity: SignedBalance,
	maintenance_margin: Permill,
	quote_decimals: u8,
) -> Option<Price> {
	if size == 0 {
		return None;
	}
	let n = SignedBalance::try_from(entry_notional).ok()?;
	let m = ratio(maintenance_margin);
	// Quote smallest units → whole quote.
	let q = math::pow10(quote_decimals)?;
	let s = FixedU128::checked_from_rational(size.unsigned_abs(), math::pow10(base_decimals)?)?;
	if size > 0 {
		let num = n.checked_sub(other_equity)?;
		if num <= 0 {
			return None;
		}
		let denom = s.checked_mul(&FixedU128::one().checked_sub(&m)?)?;
		FixedU128::checked_from_rational(u128::try_from(num).ok()?, q)?.checked_div(&denom)
	} else {
		let num = n.checked_add(other_equity)?;
		let num = u128::try_from(num).ok()?;
		let denom = s.checked_mul(&FixedU128::one().checked_add(&m)?)?;
		FixedU128::checked_from_rational(num, q)?.checked_div(&denom)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const BTC: u8 = 8;
	const USDC: u8 = 6;

	#[test]
	fn premium_grows_with_size_and_same_side_skew() {
		let base = Permill::from_parts(500);
		let cap = Permill::from_percent(5);
		let scale = 1_000 * 100_000_000; // 1_000 BTC
		let small = premium(100_000_000, 0, scale, base, cap);
		let big = premium(50 * 100_000_000, 0, scale, base, cap);
		assert!(big > small);
		let with_skew = premium(100_000_000, 100 * 100_000_000, scale, base, cap);
		let against = premium(-100_000_000, 100 * 100_000_000, scale, base, cap);
		assert!(with_skew > small);
		assert_eq!(against, small);
		// ½·1/1000 = 0.05 % plus 0.05 % base.
		assert_eq!(small, Permill::from_parts(1_000));
		assert_eq!(premium(i128::MAX, 0, scale, base, cap), cap);
	}

	#[test]
	fn execution_price_sides() {
		let p = Price::from_u32(100);
		assert_eq!(execution_price(p, 1, Permill::from_percent(1)), Price::from_u32(101));
		assert_eq!(execution_price(p, -1, Permill::from_percent(1)), Price::from_u32(99));
	}

	#[test]
	fn funding_follows_skew() {
		// Fully long-skewed market, 0.1 %/day max, 14_400 blocks/day: after one day at 60_000
		// the index has grown by 60 USDC (per whole BTC).
		let d = funding_delta(
			1_000,
			1_000,
			Permill::from_parts(1_000),
			14_400,
			14_400,
			Price::from_u32(60_000),
			USDC,
		);
		// The per-block rate is rounded down to 18 decimals: off by at most a unit over a day.
		let close = |v: i128, want: i128| (want - 2..=want).contains(&v);
		assert!(close(d.saturating_mul_int(1i128), 60_000_000), "{d:?}");
		// A long of 2 BTC owes 120 USDC; a short of 2 BTC is owed as much.
		let owed = funding_owed(200_000_000, BTC, FixedI128::zero(), d);
		assert!(close(owed, 120_000_000), "{owed}");
		assert_eq!(funding_owed(-200_000_000, BTC, FixedI128::zero(), d), -owed);
		// Short skew: negative growth.
		let d2 = funding_delta(
			-500,
			1_000,
			Permill::from_parts(1_000),
			14_400,
			14_400,
			Price::from_u32(60_000),
			USDC,
		);
		assert!(close(-d2.saturating_mul_int(1i128), 30_000_000), "{d2:?}");
		assert!(funding_delta(0, 1_000, Permill::one(), 1, 1, Price::one(), USDC).is_zero());
	}

	#[test]
	fn liquidation_prices() {
		// 1 BTC long entered at 60_000 with 6_000 of equity and 5 % maintenance:
		// P = (60_000 − 6_000) / 0.95 = 56_842.105…
		let p = isolated_liquidation_price(
			100_000_000,
			BTC,
			60_000_000_000,
			6_000_000_000,
			Permill::from_percent(5),
			USDC,
		)
		.unwrap();
		assert_eq!(p.saturating_mul_int(1_000u128), 56_842_105);
		// 1 BTC short: P = 66_000 / 1.05 = 62_857.14…
		let p = isolated_liquidation_price(
			-100_000_000,
			BTC,
			60_000_000_000,
			6_000_000_000,
			Permill::from_percent(5),
			USDC,
		)
		.unwrap();
		assert_eq!(p.saturating_mul_int(1_000u128), 62_857_142);
		// Fully collateralized long has none.
		assert_eq!(
			isolated_liquidation_price(
				100_000_000,
				BTC,
				60_000_000_000,
				60_000_000_000,
				Permill::from_percent(5),
				USDC
			),
			None
		);
	}

	#[test]
	fn pnl_and_entry_share() {
		assert_eq!(pnl(5, 100, 130), 30);
		assert_eq!(pnl(-5, 100, 130), -30);
		assert_eq!(entry_share(100, 1, 3), 33);
		assert_eq!(entry_share(100, 3, 3), 100);
	}

	proptest! {
		#[test]
		fn premium_is_monotone_in_size(a in 0i128..1_000_000_000_000, b in 0i128..1_000_000_000_000, skew in -1_000_000_000_000i128..1_000_000_000_000) {
			let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
			let base = Permill::from_parts(300);
			let cap = Permill::from_percent(5);
			prop_assert!(premium(lo.max(1), skew, 10_000_000_000, base, cap) <= premium(hi.max(1), skew, 10_000_000_000, base, cap));
			prop_assert!(premium(-lo.max(1), skew, 10_000_000_000, base, cap) <= premium(-hi.max(1), skew, 10_000_000_000, base, cap));
		}

		#[test]
		fn buying_never_beats_the_oracle(p in 1u64..1_000_000_000, d in prop_oneof![1i128..i128::MAX, i128::MIN..0], h in 0u32..1_000_000) {
			let oracle = Price::from_u32(1).saturating_mul(Price::saturating_from_integer(p));
			let exec = execution_price(oracle, d, Permill::from_parts(h));
			if d > 0 { prop_assert!(exec >= oracle) } else { prop_assert!(exec <= oracle) }
		}

		#[test]
		fn round_trip_at_one_price_loses_only_the_spread(size in 1i128..1_000_000_000_000, price in 1u32..1_000_000, h in 0u32..50_000) {
			let oracle = Price::from_u32(price);
			let prem = Permill::from_parts(h);
			let buy = execution_price(oracle, size, prem);
			let sell = execution_price(oracle, -size, prem);
			let entry = notional(size, BTC, buy, USDC).unwrap();
			let exit = notional(size, BTC, sell, USDC).unwrap();
			prop_assert!(pnl(size, entry, exit) <= 0);
		}

		#[test]
		fn entry_shares_add_up(n in 0u128..u64::MAX as u128, size in 1u128..1_000_000_000, cut in 0u128..1_000_000_000) {
			let cut = cut.min(size);
			let part = entry_share(n, cut, size);
			prop_assert!(part <= n);
			if cut == size { prop_assert_eq!(part, n) }
		}
	}
}
