//! Pool shares: what a deposit mints and a redemption pays, with a virtual offset.
//!
//! A pool (the perpetuals' liquidity vault; the options vault reuses it) prices its shares as if
//! it held `offset` more shares and `offset` more quote than it does. Without the offset the
//! first depositor of one unit can raise the value of that one share (by losing to the pool on
//! purpose, or donating) until later deposits round down to zero shares, and take them; with it
//! the attacker's gain is bounded by the donation divided by `offset`, so the attack costs more
//! than it can take. The offset also fixes the starting price at one share per quote unit and
//! keeps a first deposit into an empty pool from taking residual value in full.
//!
//! Rounding is always against the caller: minted shares and paid amounts round down, so neither
//! a deposit nor a redemption ever takes value from the LPs who stay.

use crate::units::{mul_div, Rounding};
use crate::{Balance, SignedBalance};

/// Shares minted for a deposit of `amount` into a pool with `shares` outstanding and net asset
/// value `nav`. `None` when the pool cannot be priced: its NAV plus the offset is not positive
/// (a deficit the offset does not cover) or the result overflows.
pub fn shares_for_deposit(
	amount: Balance,
	shares: Balance,
	nav: SignedBalance,
	offset: Balance,
) -> Option<Balance> {
	let assets = virtual_assets(nav, offset)?;
	mul_div(amount, shares.checked_add(offset)?, assets, Rounding::Down)
}

/// What redeeming `redeemed` of `shares` outstanding pays from a pool with net asset value
/// `nav`. `None` when the pool cannot be priced (see [`shares_for_deposit`]).
pub fn redemption(
	redeemed: Balance,
	shares: Balance,
	nav: SignedBalance,
	offset: Balance,
) -> Option<Balance> {
	let assets = virtual_assets(nav, offset)?;
	// What the virtual shares' slice would be worth stays in the pool.
	let paid = mul_div(redeemed, assets, shares.checked_add(offset)?, Rounding::Down)?;
	// Never more than the real NAV.
	Some(paid.min(Balance::try_from(nav.max(0)).unwrap_or(0)))
}

/// `nav + offset`, when positive.
fn virtual_assets(nav: SignedBalance, offset: Balance) -> Option<Balance> {
	let offset = SignedBalance::try_from(offset).ok()?;
	let assets = nav.checked_add(offset)?;
	if assets <= 0 {
		return None;
	}
	Balance::try_from(assets).ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const OFFSET: Balance = 1_000_000;

	#[test]
	fn an_empty_pool_mints_one_share_per_quote_unit() {
		assert_eq!(shares_for_deposit(500, 0, 0, OFFSET), Some(500));
		assert_eq!(redemption(500, 500, 500, OFFSET), Some(500));
	}

	#[test]
	fn a_pool_with_a_deficit_beyond_the_offset_cannot_be_priced() {
		assert_eq!(shares_for_deposit(1, 10, -(OFFSET as i128), OFFSET), None);
		assert_eq!(redemption(1, 10, -(OFFSET as i128) - 1, OFFSET), None);
	}

	#[test]
	fn first_depositor_inflation_does_not_pay() {
		// The attacker deposits 1 unit, then donates 10,000 USDC to the pool.
		let attacker = shares_for_deposit(1, 0, 0, OFFSET).unwrap();
		let nav = 1 + 10_000_000_000i128;
		// The victim's 5,000 USDC still buys shares.
		let victim = shares_for_deposit(5_000_000_000, attacker, nav, OFFSET).unwrap();
		assert!(victim > 0);
		let total = attacker + victim;
		let nav = nav + 5_000_000_000;
		let taken = redemption(attacker, total, nav, OFFSET).unwrap();
		// The attacker recovers far less than it donated.
		assert!(taken < 10_000_000_000 / 100, "attacker took {taken}");
	}

	proptest! {
		#[test]
		fn deposit_then_redeem_never_gains(
			amount in 1u128..1_000_000_000_000_000,
			shares in 0u128..1_000_000_000_000_000,
			nav in 0i128..1_000_000_000_000_000,
		) {
			if let Some(minted) = shares_for_deposit(amount, shares, nav, OFFSET) {
				let back = redemption(minted, shares + minted, nav + amount as i128, OFFSET);
				prop_assert!(back.unwrap_or(0) <= amount);
			}
		}

		#[test]
		fn a_deposit_never_dilutes_the_others(
			amount in 1u128..1_000_000_000_000_000,
			shares in 1u128..1_000_000_000_000_000,
			nav in 1i128..1_000_000_000_000_000,
		) {
			let Some(minted) = shares_for_deposit(amount, shares, nav, OFFSET) else {
				return Ok(());
			};
			let before = redemption(shares, shares, nav, OFFSET).unwrap();
			let after = redemption(shares, shares + minted, nav + amount as i128, OFFSET).unwrap();
			// Rounding aside (one unit), the incumbents' slice does not shrink.
			prop_assert!(after + 1 >= before, "{before} -> {after}");
		}

		#[test]
		fn redemption_never_exceeds_nav(
			redeemed in 0u128..1_000_000_000_000_000,
			extra in 0u128..1_000_000_000_000_000,
			nav in -1_000_000i128..1_000_000_000_000_000,
		) {
			let shares = redeemed + extra;
			if let Some(paid) = redemption(redeemed, shares, nav, OFFSET) {
				prop_assert!(paid as i128 <= nav.max(0));
			}
		}
	}
}
