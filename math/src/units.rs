//! Units: powers of ten, `a·b/c`, and conversion between an amount of an asset and its value
//! in the quote asset.
//!
//! Everything is done in integers: the product `amount × price × 10^quote_decimals` needs up to
//! 336 bits, so it is formed exactly in 512 bits and divided once, with the caller's
//! [`Rounding`]. The results are exact for any decimals `0..=`[`MAX_DECIMALS`] and any amount or
//! value that fits a [`Balance`]; `None` means the *result* does not fit (or a zero divisor).
//!
//! ```text
//! quote_value(a, d, P, q)      = a · P · 10^q / 10^(18 + d)        (P as its 18-decimal inner value)
//! amount_for_value(v, d, P, q) = v · 10^(18 + d) / (P · 10^q)
//! ```

use crate::{Balance, Price};
use polkadot_sdk::sp_arithmetic::{FixedPointNumber, FixedU128, Permill};
use primitive_types::U512;

/// Largest decimals any asset may declare.
pub const MAX_DECIMALS: u8 = 24;

/// Decimals of a [`Price`]'s inner value (`FixedU128::DIV = 10^18`).
pub const PRICE_DECIMALS: u8 = 18;

/// Which way to round a quotient that is not exact.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rounding {
	/// Towards zero.
	Down,
	/// Away from zero.
	Up,
}

/// `10^decimals`, or `None` beyond [`MAX_DECIMALS`].
pub fn pow10(decimals: u8) -> Option<u128> {
	if decimals > MAX_DECIMALS {
		return None;
	}
	10u128.checked_pow(u32::from(decimals))
}

/// `10^e` in 512 bits (`e ≤ 150`).
fn wide_pow10(e: u32) -> Option<U512> {
	if e > 150 {
		return None;
	}
	U512::from(10u8).checked_pow(U512::from(e))
}

/// `n / d` rounded as asked, if it fits a `u128`.
fn div_round(n: U512, d: U512, rounding: Rounding) -> Option<u128> {
	if d.is_zero() {
		return None;
	}
	let q = n.checked_div(d)?;
	let q = match rounding {
		Rounding::Up if !n.checked_rem(d)?.is_zero() => q.checked_add(U512::one())?,
		_ => q,
	};
	if q > U512::from(u128::MAX) {
		return None;
	}
	Some(q.low_u128())
}

/// `a · b / c`, exact, rounded as asked; `None` for `c = 0` or a result beyond `u128`.
///
/// In `u128` when the product fits, else with a 256-bit intermediate
/// (`sp_arithmetic`'s `multiply_by_rational_with_rounding`): no wide arithmetic on the common
/// path.
pub fn mul_div(a: u128, b: u128, c: u128, rounding: Rounding) -> Option<u128> {
	if c == 0 {
		return None;
	}
	if let Some(product) = a.checked_mul(b) {
		let q = product.checked_div(c)?;
		return match rounding {
			Rounding::Up if product.checked_rem(c)? != 0 => q.checked_add(1),
			_ => Some(q),
		};
	}
	let r = match rounding {
		Rounding::Down => polkadot_sdk::sp_arithmetic::Rounding::Down,
		Rounding::Up => polkadot_sdk::sp_arithmetic::Rounding::Up,
	};
	polkadot_sdk::sp_arithmetic::helpers_128bit::multiply_by_rational_with_rounding(a, b, c, r)
}

/// `18 + decimals − quote_decimals`: the power of ten between an amount times a price's inner
/// value and a quote value, when it is non-negative and `10^e` fits a `u128`.
fn scale_exponent(decimals: u8, quote_decimals: u8) -> Option<u8> {
	PRICE_DECIMALS.checked_add(decimals)?.checked_sub(quote_decimals).filter(|e| *e <= 38)
}

/// Value of `amount` (smallest units of an asset with `decimals`) at `price`, in smallest units
/// of the quote asset (with `quote_decimals`).
pub fn quote_value(
	amount: Balance,
	decimals: u8,
	price: Price,
	quote_decimals: u8,
	rounding: Rounding,
) -> Option<Balance> {
	if decimals > MAX_DECIMALS || quote_decimals > MAX_DECIMALS {
		return None;
	}
	// Common case: one `a · b / c` with `c = 10^(18 + d − q)`.
	if let Some(e) = scale_exponent(decimals, quote_decimals) {
		return mul_div(amount, price.into_inner(), 10u128.checked_pow(u32::from(e))?, rounding);
	}
	let n = U512::from(amount)
		.checked_mul(U512::from(price.into_inner()))?
		.checked_mul(wide_pow10(u32::from(quote_decimals))?)?;
	let d = wide_pow10(u32::from(PRICE_DECIMALS).checked_add(u32::from(decimals))?)?;
	div_round(n, d, rounding)
}

/// Amount of an asset (smallest units, `decimals`) worth `value` quote smallest units at
/// `price`. `None` for a zero price or a result beyond `u128`.
pub fn amount_for_value(
	value: Balance,
	decimals: u8,
	price: Price,
	quote_decimals: u8,
	rounding: Rounding,
) -> Option<Balance> {
	if decimals > MAX_DECIMALS || quote_decimals > MAX_DECIMALS {
		return None;
	}
	if price.into_inner() == 0 {
		return None;
	}
	// Common case: one `a · b / c` with `b = 10^(18 + d − q)`.
	if let Some(e) = scale_exponent(decimals, quote_decimals) {
		return mul_div(value, 10u128.checked_pow(u32::from(e))?, price.into_inner(), rounding);
	}
	let n = U512::from(value)
		.checked_mul(wide_pow10(u32::from(PRICE_DECIMALS).checked_add(u32::from(decimals))?)?)?;
	let d = U512::from(price.into_inner()).checked_mul(wide_pow10(u32::from(quote_decimals))?)?;
	div_round(n, d, rounding)
}

/// The price of `amount` (smallest units, `decimals`) bought for `value` (quote smallest units):
/// quote per whole token. `None` for a zero amount or a price beyond `FixedU128`.
pub fn unit_price(
	value: Balance,
	amount: Balance,
	decimals: u8,
	quote_decimals: u8,
	rounding: Rounding,
) -> Option<Price> {
	if decimals > MAX_DECIMALS || quote_decimals > MAX_DECIMALS || amount == 0 {
		return None;
	}
	// Common case: one `a · b / c` with `b = 10^(18 + d − q)`.
	if let Some(e) = scale_exponent(decimals, quote_decimals) {
		return mul_div(value, 10u128.checked_pow(u32::from(e))?, amount, rounding)
			.map(Price::from_inner);
	}
	// P_inner = value · 10^(18 + d) / (amount · 10^q)
	let n = U512::from(value)
		.checked_mul(wide_pow10(u32::from(PRICE_DECIMALS).checked_add(u32::from(decimals))?)?)?;
	let d = U512::from(amount).checked_mul(wide_pow10(u32::from(quote_decimals))?)?;
	div_round(n, d, rounding).map(Price::from_inner)
}

/// A [`Permill`] as a fixed-point ratio (exact).
pub fn ratio(p: Permill) -> FixedU128 {
	FixedU128::from_inner(u128::from(p.deconstruct()).saturating_mul(FixedU128::DIV / 1_000_000))
}

/// `part` of `whole` as a [`Permill`], rounded as asked (`one` when `part ≥ whole`).
pub fn permill_of(part: Balance, whole: Balance, rounding: Rounding) -> Permill {
	if whole == 0 || part >= whole {
		return Permill::one();
	}
	let parts = mul_div(part, 1_000_000, whole, rounding).unwrap_or(1_000_000);
	Permill::from_parts(u32::try_from(parts.min(1_000_000)).unwrap_or(1_000_000))
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_arithmetic::traits::{One, Zero};
	use proptest::prelude::*;
	use Rounding::{Down, Up};

	#[test]
	fn values_across_decimals() {
		// 1.5 BTC (8 decimals) at 60_000 USDC (6 decimals) = 90_000 USDC.
		assert_eq!(
			quote_value(150_000_000, 8, Price::from_u32(60_000), 6, Down),
			Some(90_000_000_000)
		);
		// 2 ETH (18 decimals) at 3_000.05.
		let p = Price::from_rational(60_001, 20);
		assert_eq!(quote_value(2 * 10u128.pow(18), 18, p, 6, Down), Some(6_000_100_000));
		assert_eq!(
			amount_for_value(90_000_000_000, 8, Price::from_u32(60_000), 6, Down),
			Some(150_000_000)
		);
	}

	#[test]
	fn large_holdings_of_18_decimal_assets_convert() {
		// The old FixedU128 path overflowed above ≈340 whole ETH. A million ETH at 3_000:
		let eth = 10u128.pow(18);
		let v = quote_value(1_000_000 * eth, 18, Price::from_u32(3_000), 6, Down).unwrap();
		assert_eq!(v, 3_000_000_000 * 1_000_000);
		assert_eq!(amount_for_value(v, 18, Price::from_u32(3_000), 6, Up), Some(1_000_000 * eth));
		// 24 decimals, the most any asset may have, and the whole u128 range of amounts.
		assert_eq!(
			quote_value(u128::MAX, 24, Price::from_u32(1), 0, Down),
			Some(u128::MAX / 10u128.pow(24))
		);
	}

	#[test]
	fn rounding_directions() {
		// 1 unit of an 8-decimal asset at 1.0 is 0.01 of a 6-decimal unit.
		assert_eq!(quote_value(1, 8, Price::one(), 6, Down), Some(0));
		assert_eq!(quote_value(1, 8, Price::one(), 6, Up), Some(1));
		assert_eq!(mul_div(10, 10, 3, Down), Some(33));
		assert_eq!(mul_div(10, 10, 3, Up), Some(34));
		assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX, Down), Some(u128::MAX));
		assert_eq!(mul_div(u128::MAX, 2, 1, Down), None);
	}

	#[test]
	fn rejects_absurd_decimals_zero_price_and_zero_divisor() {
		assert_eq!(pow10(25), None);
		assert_eq!(pow10(24), Some(10u128.pow(24)));
		assert_eq!(quote_value(1, 30, Price::from_u32(1), 6, Down), None);
		assert_eq!(amount_for_value(1, 6, Price::zero(), 6, Down), None);
		assert_eq!(mul_div(1, 1, 0, Up), None);
		assert_eq!(unit_price(1, 0, 8, 6, Up), None);
	}

	#[test]
	fn ratio_and_permill_of() {
		assert_eq!(ratio(Permill::from_percent(5)), FixedU128::from_rational(5, 100));
		assert_eq!(ratio(Permill::one()), FixedU128::one());
		assert_eq!(permill_of(1, 3, Up), Permill::from_parts(333_334));
		assert_eq!(permill_of(1, 3, Down), Permill::from_parts(333_333));
		assert_eq!(permill_of(5, 3, Down), Permill::one());
	}

	proptest! {
		#[test]
		fn value_amount_round_trips_never_favour_the_holder(
			amount in 0u128..u128::MAX / 4,
			d in 0u8..=24,
			q in 0u8..=24,
			p in 1u128..10u128.pow(30),
		) {
			let price = Price::from_inner(p);
			// What a holding is worth never rounds up; what it takes to cover a value never
			// rounds down: valuing then seizing back never returns more than was held.
			if let Some(v) = quote_value(amount, d, price, q, Down) {
				if let Some(back) = amount_for_value(v, d, price, q, Down) {
					prop_assert!(back <= amount);
				}
				let up = quote_value(amount, d, price, q, Up).unwrap();
				prop_assert!(up == v || up == v + 1);
			}
		}

		#[test]
		fn covering_a_value_is_enough(
			value in 0u128..u128::MAX / 4,
			d in 0u8..=24,
			q in 0u8..=24,
			p in 1u128..10u128.pow(30),
		) {
			let price = Price::from_inner(p);
			if let Some(a) = amount_for_value(value, d, price, q, Up) {
				if let Some(v) = quote_value(a, d, price, q, Up) {
					prop_assert!(v >= value);
				}
			}
		}

		#[test]
		fn the_fast_path_agrees_with_the_wide_one(a in any::<u128>(), b in any::<u128>(), c in 1u128.., up in any::<bool>()) {
			let r = if up { Up } else { Down };
			let wide = div_round(U512::from(a) * U512::from(b), U512::from(c), r);
			prop_assert_eq!(mul_div(a, b, c, r), wide);
		}

		#[test]
		fn conversions_agree_with_the_wide_formula(amount in any::<u128>(), d in 0u8..=24, q in 0u8..=24, p in 1u128.., up in any::<bool>()) {
			let r = if up { Up } else { Down };
			let price = Price::from_inner(p);
			let n = U512::from(amount) * U512::from(p) * wide_pow10(u32::from(q)).unwrap();
			let den = wide_pow10(18 + u32::from(d)).unwrap();
			prop_assert_eq!(quote_value(amount, d, price, q, r), div_round(n, den, r));
			let n = U512::from(amount) * wide_pow10(18 + u32::from(d)).unwrap();
			let den = U512::from(p) * wide_pow10(u32::from(q)).unwrap();
			prop_assert_eq!(amount_for_value(amount, d, price, q, r), div_round(n, den, r));
			let n = U512::from(p) * wide_pow10(18 + u32::from(d)).unwrap();
			let den = U512::from(amount.max(1)) * wide_pow10(u32::from(q)).unwrap();
			prop_assert_eq!(
				unit_price(p, amount.max(1), d, q, r),
				div_round(n, den, r).map(Price::from_inner)
			);
		}

		#[test]
		fn mul_div_matches_exact_arithmetic(a in 0u64.., b in 0u64.., c in 1u64..) {
			let exact = (a as u128) * (b as u128);
			prop_assert_eq!(mul_div(a as u128, b as u128, c as u128, Down), Some(exact / c as u128));
			prop_assert_eq!(mul_div(a as u128, b as u128, c as u128, Up), Some(exact.div_ceil(c as u128)));
		}
	}
}
