//! The liquidity vault: the traders' counterparty. NAV = cash − traders' unrealized PnL.

use crate::{impls::to_signed, pallet::*};
use ballast_primitives::{
	math::{
		perp,
		units::{mul_div, Rounding},
	},
	traits::{MarginLedger, PooledQuote, PriceError, PriceMode},
	Balance, SignedBalance,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Traders' unrealized PnL in all markets (the vault's liability) and Σ |skew| notional, at
	/// prices allowed by `mode`. Each side is marked as one position, rounded against it.
	pub(crate) fn traders_pnl(mode: PriceMode) -> Result<(SignedBalance, Balance), PriceError> {
		let qd = T::QuoteDecimals::get();
		let mut pnl: SignedBalance = 0;
		let mut skew_notional: Balance = 0;
		for (_, m) in Markets::<T>::iter() {
			if m.state.long_oi == 0 && m.state.short_oi == 0 {
				continue;
			}
			let price = Self::price_for(&m.params, mode)?;
			let bd = m.params.base_decimals;
			let longs = i128::try_from(m.state.long_oi).unwrap_or(i128::MAX);
			let shorts = i128::try_from(m.state.short_oi).unwrap_or(i128::MAX).saturating_neg();
			pnl = pnl
				.saturating_add(perp::mark(longs, m.state.long_entry_notional, bd, price, qd).pnl)
				.saturating_add(
					perp::mark(shorts, m.state.short_entry_notional, bd, price, qd).pnl,
				);
			skew_notional =
				skew_notional.saturating_add(perp::mark(m.state.skew(), 0, bd, price, qd).notional);
		}
		Ok((pnl, skew_notional))
	}

	/// The vault's net asset value: cash minus traders' unrealized PnL. Funding accrued but
	/// not yet settled by positions is not counted (it is settled on each trade).
	pub fn vault_nav(mode: PriceMode) -> Result<SignedBalance, PriceError> {
		let (pnl, _) = Self::traders_pnl(mode)?;
		Ok(VaultState::<T>::get().cash.saturating_sub(pnl))
	}

	/// LP deposit; see [`Pallet::add_liquidity`].
	pub fn do_add_liquidity(who: &T::AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut vault = VaultState::<T>::get();
		let shares = if vault.shares == 0 {
			// No shares to price, but a vault that owes (traders won while no LP was in) must
			// not be refilled silently by the first LP: its deficit is not theirs.
			let nav = Self::vault_nav(PriceMode::Fresh).map_err(Error::<T>::from)?;
			ensure!(nav >= 0, Error::<T>::VaultInsolvent);
			amount
		} else {
			let nav = Self::vault_nav(PriceMode::Fresh).map_err(Error::<T>::from)?;
			ensure!(nav > 0, Error::<T>::VaultInsolvent);
			// New shares round down: a deposit never dilutes existing LPs.
			mul_div(vault.shares, amount, nav.unsigned_abs(), Rounding::Down)
				.ok_or(Error::<T>::Overflow)?
		};
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		T::Ledger::pool_deposit(who, amount)?;
		vault.cash = vault.cash.checked_add(to_signed::<T>(amount)?).ok_or(Error::<T>::Overflow)?;
		vault.shares = vault.shares.checked_add(shares).ok_or(Error::<T>::Overflow)?;
		LpShares::<T>::try_mutate(who, |s| -> DispatchResult {
			*s = s.checked_add(shares).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		VaultState::<T>::put(vault);
		Ok(shares)
	}

	/// LP withdrawal; see [`Pallet::remove_liquidity`].
	pub fn do_remove_liquidity(
		who: &T::AccountId,
		shares: Balance,
	) -> Result<Balance, DispatchError> {
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		let held = LpShares::<T>::get(who);
		ensure!(held >= shares, Error::<T>::InsufficientShares);
		let mut vault = VaultState::<T>::get();
		let (pnl, skew_notional) = Self::traders_pnl(PriceMode::Fresh).map_err(Error::<T>::from)?;
		let nav = vault.cash.saturating_sub(pnl);
		ensure!(nav > 0, Error::<T>::VaultInsolvent);
		// Redemptions round down: a withdrawal never takes from the LPs who stay.
		let amount = mul_div(nav.unsigned_abs(), shares, vault.shares, Rounding::Down)
			.ok_or(Error::<T>::Overflow)?;
		ensure!(vault.cash >= to_signed::<T>(amount)?, Error::<T>::VaultInsufficientCash);
		let nav_after = nav.saturating_sub(to_signed::<T>(amount)?);
		let reserve = to_signed::<T>(T::VaultReserveRatio::get().mul_ceil(skew_notional))?;
		ensure!(nav_after >= reserve, Error::<T>::VaultReserveBreached);
		T::Ledger::pool_withdraw(who, amount)?;
		vault.cash = vault.cash.saturating_sub(to_signed::<T>(amount)?);
		vault.shares = vault.shares.saturating_sub(shares);
		if held == shares {
			LpShares::<T>::remove(who);
		} else {
			LpShares::<T>::insert(who, held.saturating_sub(shares));
		}
		VaultState::<T>::put(vault);
		Ok(amount)
	}
}

/// The vault's cash and the fee pot sit in the margin custody account.
impl<T: Config> PooledQuote for Pallet<T> {
	fn pooled_quote() -> SignedBalance {
		VaultState::<T>::get().cash.saturating_add(
			SignedBalance::try_from(FeePot::<T>::get()).unwrap_or(SignedBalance::MAX),
		)
	}
}
