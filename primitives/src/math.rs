//! Unit conversion shared by every pallet that values things in the quote asset.
//!
//! Amounts are integers in an asset's smallest unit; a [`Price`] is quote tokens per whole
//! token. Converting between the two needs both assets' decimals. All functions are checked:
//! they return `None` on overflow instead of wrapping or panicking.

use crate::{Balance, Price};
use polkadot_sdk::sp_arithmetic::{
	traits::{CheckedDiv, CheckedMul, Zero},
	FixedPointNumber, FixedU128,
};

/// Largest decimals any asset may declare; keeps `10^decimals` well inside `u128`.
pub const MAX_DECIMALS: u8 = 24;

/// `10^decimals`, or `None` beyond [`MAX_DECIMALS`].
pub fn pow10(decimals: u8) -> Option<u128> {
	if decimals > MAX_DECIMALS {
		return None;
	}
	10u128.checked_pow(u32::from(decimals))
}

/// Value of `amount` (smallest units of an asset with `decimals`) at `price`, in smallest units
/// of the quote asset (with `quote_decimals`). Rounds down.
pub fn quote_value(
	amount: Balance,
	decimals: u8,
	price: Price,
	quote_decimals: u8,
) -> Option<Balance> {
	let scale_in = pow10(decimals)?;
	let scale_out = pow10(quote_decimals)?;
	// amount * price * 10^qd / 10^d, ordered to keep precision without overflowing early.
	let whole = FixedU128::checked_from_rational(amount, scale_in)?;
	let value = whole.checked_mul(&price)?;
	let scaled = value.checked_mul(&FixedU128::checked_from_integer(scale_out)?)?;
	scaled.into_inner().checked_div(FixedU128::DIV)
}

/// Amount of an asset (smallest units, `decimals`) worth `value` quote smallest units at
/// `price`. Rounds down. `None` for a zero price or on overflow.
pub fn amount_for_value(
	value: Balance,
	decimals: u8,
	price: Price,
	quote_decimals: u8,
) -> Option<Balance> {
	if price.is_zero() {
		return None;
	}
	let whole_quote = FixedU128::checked_from_rational(value, pow10(quote_decimals)?)?;
	let whole = whole_quote.checked_div(&price)?;
	let scaled = whole.checked_mul(&FixedU128::checked_from_integer(pow10(decimals)?)?)?;
	scaled.into_inner().checked_div(FixedU128::DIV)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn values_across_decimals() {
		// 1.5 BTC (8 decimals) at 60_000 USDC (6 decimals) = 90_000 USDC.
		let v = quote_value(150_000_000, 8, Price::from_u32(60_000), 6).unwrap();
		assert_eq!(v, 90_000_000_000);
		// 2 ETH (18 decimals) at 3_000.05.
		let v = quote_value(2 * 10u128.pow(18), 18, Price::from_rational(60_001, 20), 6).unwrap();
		assert_eq!(v, 6_000_100_000);
		// Back again.
		assert_eq!(
			amount_for_value(90_000_000_000, 8, Price::from_u32(60_000), 6),
			Some(150_000_000)
		);
	}

	#[test]
	fn rejects_absurd_decimals_and_zero_price() {
		assert_eq!(pow10(25), None);
		assert_eq!(quote_value(1, 30, Price::from_u32(1), 6), None);
		assert_eq!(amount_for_value(1, 6, Price::zero(), 6), None);
	}
}
