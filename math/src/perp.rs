//! Perpetual futures: execution price, funding, PnL, entry and liquidation prices, and the one
//! fill ([`apply_fill`]) that trading, liquidation closes and auto-deleveraging all use.
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
//!   Rounded towards the current price (a long's up, a short's down): found no later than exact.
//! * **Fills.** A fill of `delta` at `price` first reduces the opposite side, realizing
//!   `pnl(closed part)` against the pro-rata share of the entry notional, then opens the rest.
//!   Notionals round against the trader: a long's entry cost and a short's exit cost round up,
//!   a long's exit proceeds and a short's entry proceeds round down.

use crate::{
	units::{self, mul_div, pow10, Rounding},
	Balance, Price, SignedBalance,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{CheckedDiv, Saturating, Zero},
	FixedI128, FixedPointNumber, Permill,
};

pub use units::ratio;

/// Whole base tokens in `size` smallest units, signed, as a fixed-point number.
pub fn whole(size: i128, decimals: u8) -> Option<FixedI128> {
	FixedI128::checked_from_rational(size, pow10(decimals)?)
}

/// Notional of `|size|` at `price`, quote smallest units, rounded as asked.
pub fn notional(
	size: i128,
	base_decimals: u8,
	price: Price,
	quote_decimals: u8,
	rounding: Rounding,
) -> Option<Balance> {
	units::quote_value(size.unsigned_abs(), base_decimals, price, quote_decimals, rounding)
}

/// A position marked to a price.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Mark {
	/// Notional of `|quantity|` at the price, for margin requirements (the largest value on
	/// overflow: a requirement too large to represent is never met).
	pub notional: Balance,
	/// Unrealized PnL before funding, rounded against the holder (on overflow: the worst case).
	pub pnl: SignedBalance,
}

/// Mark a position of `quantity` entered for `entry_notional` at `price`.
pub fn mark(
	quantity: i128,
	entry_notional: Balance,
	base_decimals: u8,
	price: Price,
	quote_decimals: u8,
) -> Mark {
	let long = quantity >= 0;
	// What the position would fetch (long) or cost (short) to close, rounded against it.
	let rounding = if long { Rounding::Down } else { Rounding::Up };
	let exact = notional(quantity, base_decimals, price, quote_decimals, rounding);
	let worst = if long { 0 } else { Balance::MAX };
	Mark {
		notional: exact.unwrap_or(Balance::MAX),
		pnl: pnl(quantity, entry_notional, exact.unwrap_or(worst)),
	}
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
	let quote_scale = pow10(quote_decimals).and_then(|s| i128::try_from(s).ok()).unwrap_or(1);
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
/// A position's weight in its market's funding basis: `whole(size) × index`, where `index` is
/// the funding index the position last settled at. A market keeps Σ of its positions' weights,
/// so the funding all its positions owe together is [`funding_outstanding`], without visiting
/// them.
pub fn funding_weight(size: i128, decimals: u8, index: FixedI128) -> FixedI128 {
	whole(size, decimals).unwrap_or_default().saturating_mul(index)
}
/// Funding a market's positions owe together at `index` (negative: they are owed): Σ over
/// positions of `whole(size) × (index − settled index)` = `whole(skew) × index − basis`, where
/// `basis` is Σ [`funding_weight`]. The same as Σ [`funding_owed`] up to each term's rounding.
pub fn funding_outstanding(
	skew: i128,
	decimals: u8,
	basis: FixedI128,
	index: FixedI128,
) -> SignedBalance {
	funding_weight(skew, decimals, index).saturating_sub(basis).saturating_mul_int(1i128)
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
	// `closed ≤ size` keeps the quotient within `entry_notional`; anything else gets it all.
	mul_div(entry_notional, closed.min(size), size, Rounding::Down).unwrap_or(entry_notional)
}

/// Entry price of a position: quote per whole base token, `entry_notional / |quantity|`
/// (rounded down). The one entry price: reports and the auto-deleveraging order use it.
pub fn entry_price(
	entry_notional: Balance,
	quantity: i128,
	base_decimals: u8,
	quote_decimals: u8,
) -> Option<Price> {
	units::unit_price(
		entry_notional,
		quantity.unsigned_abs(),
		base_decimals,
		quote_decimals,
		Rounding::Down,
	)
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
	let m = u128::from(maintenance_margin.deconstruct());
	let (num, denom, rounding) = if size > 0 {
		// P = (N − E) / (s·(1 − m)), rounded up (towards the current price).
		let num = n.checked_sub(other_equity)?;
		if num <= 0 {
			return None;
		}
		(num.unsigned_abs(), 1_000_000u128.checked_sub(m)?, Rounding::Up)
	} else {
		// P = (E + N) / (s·(1 + m)), rounded down.
		let num = u128::try_from(n.checked_add(other_equity)?).ok()?;
		(num, 1_000_000u128.checked_add(m)?, Rounding::Down)
	};
	let per_unit =
		units::unit_price(num, size.unsigned_abs(), base_decimals, quote_decimals, rounding)?;
	mul_div(per_unit.into_inner(), 1_000_000, denom, rounding).map(Price::from_inner)
}

/// What one fill did to a position.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Fill {
	/// Size after the fill.
	pub quantity: i128,
	/// Entry notional after the fill.
	pub entry_notional: Balance,
	/// Size reduced on the old side.
	pub closed: u128,
	/// Entry notional released by the reduced part.
	pub closed_entry: Balance,
	/// What the reduced part fetched (long) or cost (short) at the fill price.
	pub exit_notional: Balance,
	/// PnL realized by the reduced part.
	pub realized_pnl: SignedBalance,
	/// Size opened on the fill's side.
	pub opened: u128,
	/// Entry notional added by the opened part.
	pub opened_cost: Balance,
	/// Notional of the whole fill at the fill price (rounded up: fees are charged on it).
	pub traded_notional: Balance,
	/// Whether the fill added risk: the position grew or flipped side.
	pub increases: bool,
}

/// Apply a fill of `delta` (base smallest units, signed) at `price` to a position of
/// `quantity` entered for `entry_notional`. `None` on overflow or a zero fill.
///
/// The one fill: trading, liquidation closes and auto-deleveraging call it with their own
/// price (execution price with premium, or the conservative oracle price).
pub fn apply_fill(
	quantity: i128,
	entry_notional: Balance,
	delta: i128,
	price: Price,
	base_decimals: u8,
	quote_decimals: u8,
) -> Option<Fill> {
	if delta == 0 {
		return None;
	}
	let new_size = quantity.checked_add(delta)?;
	let opposite = quantity != 0 && quantity.signum() != delta.signum();
	let closed = if opposite { delta.unsigned_abs().min(quantity.unsigned_abs()) } else { 0 };
	let mut fill = Fill {
		quantity: new_size,
		entry_notional,
		closed,
		increases: new_size.unsigned_abs() > quantity.unsigned_abs()
			|| (quantity != 0 && new_size != 0 && new_size.signum() != quantity.signum()),
		..Default::default()
	};
	if closed > 0 {
		let abs = quantity.unsigned_abs();
		fill.closed_entry = entry_share(entry_notional, closed, abs);
		// A long sells (proceeds round down), a short buys back (cost rounds up).
		let rounding = if quantity > 0 { Rounding::Down } else { Rounding::Up };
		fill.exit_notional =
			units::quote_value(closed, base_decimals, price, quote_decimals, rounding)?;
		fill.realized_pnl = pnl(quantity, fill.closed_entry, fill.exit_notional);
		fill.entry_notional = entry_notional.checked_sub(fill.closed_entry)?;
	}
	fill.opened = delta.unsigned_abs().saturating_sub(closed);
	if fill.opened > 0 {
		// A long pays (rounds up), a short receives (rounds down).
		let rounding = if delta > 0 { Rounding::Up } else { Rounding::Down };
		fill.opened_cost =
			units::quote_value(fill.opened, base_decimals, price, quote_decimals, rounding)?;
		fill.entry_notional = fill.entry_notional.checked_add(fill.opened_cost)?;
	}
	fill.traded_notional = notional(delta, base_decimals, price, quote_decimals, Rounding::Up)?;
	Some(fill)
}

/// The size `fraction` of `|quantity|` closes: rounded up (a liquidation never closes less than
/// asked), never more than the position.
pub fn fraction_of_size(quantity: i128, fraction: Permill) -> u128 {
	let abs = quantity.unsigned_abs();
	if fraction >= Permill::one() {
		abs
	} else {
		fraction.mul_ceil(abs).min(abs)
	}
}

/// The signed fill that reduces `quantity` by `size` (towards zero).
pub fn reducing_delta(quantity: i128, size: u128) -> i128 {
	let s = i128::try_from(size.min(quantity.unsigned_abs())).unwrap_or(i128::MAX);
	if quantity > 0 {
		s.saturating_neg()
	} else {
		s
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_arithmetic::traits::One;
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

	#[test]
	fn fills_reduce_then_open() {
		let p = Price::from_u32(60_000);
		// Long 2 BTC from flat: 120_000 USDC of entry, no PnL.
		let f = apply_fill(0, 0, 200_000_000, p, BTC, USDC).unwrap();
		assert_eq!(
			(f.quantity, f.entry_notional, f.opened, f.closed),
			(200_000_000, 120_000_000_000, 200_000_000, 0)
		);
		assert!(f.increases);
		// Sell 3 BTC at 66_000: closes 2 (+12_000 realized), opens a 1 BTC short.
		let f = apply_fill(
			200_000_000,
			120_000_000_000,
			-300_000_000,
			Price::from_u32(66_000),
			BTC,
			USDC,
		)
		.unwrap();
		assert_eq!(f.closed, 200_000_000);
		assert_eq!(f.realized_pnl, 12_000_000_000);
		assert_eq!(f.quantity, -100_000_000);
		assert_eq!(f.entry_notional, 66_000_000_000);
		assert_eq!(f.traded_notional, 198_000_000_000);
		assert!(f.increases, "a flip adds risk");
		// A pure reduction does not.
		let f = apply_fill(200_000_000, 120_000_000_000, -50_000_000, p, BTC, USDC).unwrap();
		assert!(!f.increases);
		assert_eq!(f.entry_notional, 90_000_000_000);
		assert_eq!(apply_fill(1, 1, 0, p, BTC, USDC), None);
	}

	#[test]
	fn entry_price_is_per_whole_token() {
		assert_eq!(
			entry_price(120_000_000_000, -200_000_000, BTC, USDC),
			Some(Price::from_u32(60_000))
		);
		assert_eq!(entry_price(1, 0, BTC, USDC), None);
	}

	#[test]
	fn marks_round_against_the_holder_and_overflow_is_the_worst_case() {
		// 1 satoshi at 0.5 USDC/BTC is worth 0.000000005 USDC: a long gets 0, a short owes 1.
		let p = Price::from_rational(1, 2);
		assert_eq!(mark(1, 0, BTC, p, USDC).pnl, 0);
		assert_eq!(mark(-1, 0, BTC, p, USDC).pnl, -1);
		let huge = mark(i128::MAX, 0, 0, Price::from_u32(1_000_000), 24);
		assert_eq!(huge.notional, Balance::MAX);
		assert!(huge.pnl <= 0, "an unrepresentable long gain counts as nothing");
		let huge = mark(i128::MIN + 1, 0, 0, Price::from_u32(1_000_000), 24);
		assert!(huge.pnl < -(i128::MAX / 2), "an unrepresentable short loss counts in full");
	}

	proptest! {
		#[test]
		fn a_round_trip_through_apply_fill_never_gains(q in -1_000_000_000_000i128..1_000_000_000_000, d in 1i128..1_000_000_000_000, p in 1u128..10u128.pow(24), bd in 0u8..=18) {
			let price = Price::from_inner(p);
			if let Some(open) = apply_fill(0, 0, if q >= 0 { d } else { -d }, price, bd, USDC) {
				let back = apply_fill(open.quantity, open.entry_notional, -open.quantity, price, bd, USDC).unwrap();
				prop_assert_eq!(back.quantity, 0);
				prop_assert_eq!(back.entry_notional, 0);
				prop_assert!(back.realized_pnl <= 0, "rounding favoured the trader: {}", back.realized_pnl);
			}
		}

		#[test]
		fn fills_conserve_entry_notional(q in -1_000_000_000i128..1_000_000_000, n in 0u128..10u128.pow(20), d in -2_000_000_000i128..2_000_000_000, p in 1u32..1_000_000) {
			prop_assume!(d != 0 && (q != 0 || n == 0));
			let f = apply_fill(q, n, d, Price::from_u32(p), BTC, USDC).unwrap();
			prop_assert_eq!(f.entry_notional + f.closed_entry, n + f.opened_cost);
			prop_assert_eq!(f.closed + f.opened, d.unsigned_abs());
			prop_assert_eq!(f.quantity, q + d);
		}

		#[test]
		fn liquidation_price_restores_maintenance(s in 1i128..1_000_000_000, e in -100_000_000_000i128..100_000_000_000, entry in 1u128..1_000_000_000_000, mm in 1u32..500_000) {
			let m = Permill::from_parts(mm);
			for size in [s, -s] {
				if let Some(p) = isolated_liquidation_price(size, BTC, entry, e, m, USDC) {
					// At the liquidation price, equity equals the maintenance requirement, up to
					// the rounding of a price to 18 decimals and of notionals to one unit.
					let at = mark(size, entry, BTC, p, USDC);
					let eq = e + at.pnl;
					let req = m.mul_ceil(at.notional) as i128;
					let tolerance = 3 + (at.notional / 1_000_000) as i128;
					prop_assert!((eq - req).abs() <= tolerance, "size {size} p {p:?} eq {eq} req {req}");
				}
			}
		}

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
			let entry = notional(size, BTC, buy, USDC, Rounding::Up).unwrap();
			let exit = notional(size, BTC, sell, USDC, Rounding::Down).unwrap();
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

#[cfg(test)]
mod funding_basis_tests {
	use super::*;

	#[test]
	fn outstanding_funding_is_the_sum_over_positions() {
		let d = 8;
		let i = |v: i128| FixedI128::saturating_from_integer(v);
		// Three positions settled at different indexes, the market now at index 30.
		let positions = [(300_000_000i128, i(10)), (-50_000_000, i(20)), (25_000_000, i(25))];
		let basis = positions
			.iter()
			.fold(FixedI128::zero(), |b, (q, at)| b.saturating_add(funding_weight(*q, d, *at)));
		let skew: i128 = positions.iter().map(|(q, _)| q).sum();
		let each: i128 = positions.iter().map(|(q, at)| funding_owed(*q, d, *at, i(30))).sum();
		assert_eq!(funding_outstanding(skew, d, basis, i(30)), each);
		// 3 × 20 − 0.5 × 10 + 0.25 × 5 = 56.25, truncated by both.
		assert_eq!(each, 56);
	}
}
