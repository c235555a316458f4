//! The liquidity vault: the traders' counterparty. NAV = cash − traders' unrealized PnL.

use crate::{impls::to_signed, pallet::*, types::PendingExit};
use ballast_primitives::{
	math::{perp, shares},
	traits::{LossBearer, MarginLedger, PooledQuote, PriceError, PriceMode},
	Balance, MarketId, SignedBalance,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{traits::Saturating, DispatchError},
};

impl<T: Config> Pallet<T> {
	/// Traders' unrealized PnL in all markets net of the funding they owe (the vault's
	/// liability) and Σ |skew| notional, at prices allowed by `mode`. Each side is marked as one
	/// position, rounded against it; funding is accrued to now on the market's basis.
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
			let funding = perp::funding_outstanding(
				m.state.skew(),
				bd,
				m.state.funding_basis,
				Self::current_index(&m, price),
			);
			pnl = pnl
				.saturating_add(perp::mark(longs, m.state.long_entry_notional, bd, price, qd).pnl)
				.saturating_add(perp::mark(shorts, m.state.short_entry_notional, bd, price, qd).pnl)
				.saturating_sub(funding);
			skew_notional =
				skew_notional.saturating_add(perp::mark(m.state.skew(), 0, bd, price, qd).notional);
		}
		Ok((pnl, skew_notional))
	}

	/// The vault's net asset value at prices allowed by `mode` (cash minus traders' unrealized
	/// PnL, counting the funding positions owe it, accrued to now, as its asset) and Σ |skew|
	/// notional.
	fn nav_and_skew(mode: PriceMode) -> Result<(SignedBalance, Balance), PriceError> {
		let (pnl, skew_notional) = Self::traders_pnl(mode)?;
		Ok((VaultState::<T>::get().cash.saturating_sub(pnl), skew_notional))
	}

	/// The vault's net asset value: cash minus traders' unrealized PnL, counting the funding
	/// positions owe it (accrued to now, settled or not) as its asset.
	pub fn vault_nav(mode: PriceMode) -> Result<SignedBalance, PriceError> {
		Self::nav_and_skew(mode).map(|(nav, _)| nav)
	}

	/// The vault's NAV for pricing shares and its stress test: at conservative prices (an
	/// outlier print never prices a share; with no usable price for a market with open
	/// interest, deposits, withdrawals and skew-increasing trades wait).
	fn share_nav() -> Result<(SignedBalance, Balance), Error<T>> {
		Self::nav_and_skew(PriceMode::Conservative).map_err(Error::<T>::from)
	}

	/// Refuse a trade that increased a market's skew if the vault could not survive the stress
	/// move of [`VaultRules`] on every market's skew: Σ |skew notional| × stress ≤ NAV, after
	/// the trade (its state is written; the dispatch rolls back on error).
	pub(crate) fn ensure_vault_survives_stress() -> DispatchResult {
		let (nav, skew_notional) = Self::share_nav()?;
		let stress = to_signed::<T>(Rules::<T>::get().stress_move.mul_ceil(skew_notional))?;
		ensure!(stress <= nav, Error::<T>::VaultStressExceeded);
		Ok(())
	}

	/// LP deposit; see [`Pallet::add_liquidity`].
	pub fn do_add_liquidity(
		who: &T::AccountId,
		amount: Balance,
		min_shares: Balance,
	) -> Result<Balance, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut vault = VaultState::<T>::get();
		let (nav, _) = Self::share_nav()?;
		// A vault that owes (NAV below zero), or has shares worth nothing, must be recapitalised
		// first: a deposit would cover a deficit that is not the depositor's.
		ensure!(nav > 0 || (nav == 0 && vault.shares == 0), Error::<T>::VaultInsolvent);
		let shares = shares::shares_for_deposit(amount, vault.shares, nav, T::VirtualShares::get())
			.ok_or(Error::<T>::Overflow)?;
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		ensure!(shares >= min_shares, Error::<T>::BelowMinimumOutput);
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

	/// Ask to withdraw; see [`Pallet::request_withdrawal`].
	pub fn do_request_withdrawal(
		who: &T::AccountId,
		shares: Balance,
	) -> Result<PendingExit<BlockNumberFor<T>>, DispatchError> {
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		let held = LpShares::<T>::get(who);
		ensure!(held >= shares, Error::<T>::InsufficientShares);
		let mut exit = PendingExits::<T>::get(who).unwrap_or_default();
		exit.shares = exit.shares.checked_add(shares).ok_or(Error::<T>::Overflow)?;
		exit.ready_at = frame_system::Pallet::<T>::block_number()
			.saturating_add(Rules::<T>::get().exit_notice.into());
		Self::set_free_shares(who, held.saturating_sub(shares));
		PendingExits::<T>::insert(who, exit);
		Ok(exit)
	}

	/// Cancel a pending withdrawal; see [`Pallet::cancel_withdrawal`].
	pub fn do_cancel_withdrawal(who: &T::AccountId) -> Result<Balance, DispatchError> {
		let exit = PendingExits::<T>::take(who).ok_or(Error::<T>::NoPendingWithdrawal)?;
		let free = LpShares::<T>::get(who).checked_add(exit.shares).ok_or(Error::<T>::Overflow)?;
		Self::set_free_shares(who, free);
		Ok(exit.shares)
	}

	/// Redeem a pending withdrawal; see [`Pallet::withdraw_liquidity`]. Returns
	/// `(shares, amount)`.
	pub fn do_withdraw_liquidity(
		who: &T::AccountId,
		min_amount: Balance,
	) -> Result<(Balance, Balance), DispatchError> {
		let exit = PendingExits::<T>::get(who).ok_or(Error::<T>::NoPendingWithdrawal)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() >= exit.ready_at,
			Error::<T>::WithdrawalNotReady
		);
		let mut vault = VaultState::<T>::get();
		let (nav, skew_notional) = Self::share_nav()?;
		ensure!(nav > 0, Error::<T>::VaultInsolvent);
		let amount = shares::redemption(exit.shares, vault.shares, nav, T::VirtualShares::get())
			.ok_or(Error::<T>::Overflow)?;
		ensure!(amount >= min_amount, Error::<T>::BelowMinimumOutput);
		ensure!(vault.cash >= to_signed::<T>(amount)?, Error::<T>::VaultInsufficientCash);
		let nav_after = nav.saturating_sub(to_signed::<T>(amount)?);
		let reserve = to_signed::<T>(T::VaultReserveRatio::get().mul_ceil(skew_notional))?;
		ensure!(nav_after >= reserve, Error::<T>::VaultReserveBreached);
		T::Ledger::pool_withdraw(who, amount)?;
		vault.cash = vault.cash.saturating_sub(to_signed::<T>(amount)?);
		vault.shares = vault.shares.saturating_sub(exit.shares);
		PendingExits::<T>::remove(who);
		VaultState::<T>::put(vault);
		Ok((exit.shares, amount))
	}

	/// Give quote to the vault without shares; see [`Pallet::recapitalise_vault`].
	pub fn do_recapitalise(who: &T::AccountId, amount: Balance) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut vault = VaultState::<T>::get();
		vault.cash = vault.cash.checked_add(to_signed::<T>(amount)?).ok_or(Error::<T>::Overflow)?;
		T::Ledger::pool_deposit(who, amount)?;
		VaultState::<T>::put(vault);
		Ok(())
	}

	fn set_free_shares(who: &T::AccountId, shares: Balance) {
		if shares == 0 {
			LpShares::<T>::remove(who);
		} else {
			LpShares::<T>::insert(who, shares);
		}
	}
}

/// Written-off debt lands on the vault: the LPs were the counterparty of the bankrupt
/// positions, and the gains the vault booked from them were never paid.
impl<T: Config> LossBearer for Pallet<T> {
	fn bear_loss(market: Option<MarketId>, amount: Balance) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		VaultState::<T>::try_mutate(|v| -> DispatchResult {
			v.cash = v.cash.checked_sub(to_signed::<T>(amount)?).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Self::deposit_event(Event::LossBorne { market, amount });
		Ok(())
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
