//! The options vault: the writer of every option. Its book (what it owes at the model price,
//! its greeks and stress loss per underlying), NAV, the caps and stress rule a buy must pass,
//! and LP shares (`ballast_math::shares`, the rules the perpetuals' vault uses).

use crate::{
	impls::{to_signed, value_of},
	pallet::*,
	types::*,
};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		options as bs, shares,
		units::{self, Rounding},
	},
	traits::{MarginLedger, PooledQuote, PriceMode},
	Balance, OracleKey, Price, SignedBalance,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_arithmetic::{traits::Zero, FixedI128, FixedPointNumber, Permill},
	sp_runtime::{traits::Saturating, DispatchError},
};

/// The vault's exposure to one underlying (it is short every option held).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct UnderlyingBook {
	/// The oracle key.
	pub key: OracleKey,
	/// Net delta, underlying smallest units.
	pub delta: i128,
	/// Vega, quote smallest units per 1.00 of volatility.
	pub vega: i128,
	/// Greeks, per the report's units (whole tokens).
	pub greeks: Greeks,
	/// What the options cost to buy back at the model after a spot move up by the stress move.
	pub loss_up: Balance,
	/// ... and after a move down.
	pub loss_down: Balance,
}

/// The vault's book of live series.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct Book {
	/// Σ open interest × mid (rounded up).
	pub liability: Balance,
	/// Per underlying with open interest.
	pub underlyings: Vec<UnderlyingBook>,
}

impl Book {
	/// The stress loss: Σ over underlyings of the worse of the two moves.
	pub fn stress_loss(&self) -> Balance {
		self.underlyings.iter().fold(0, |a, u| a.saturating_add(u.loss_up.max(u.loss_down)))
	}

	/// The book of `key`, if it has open interest.
	pub fn of(&self, key: OracleKey) -> Option<&UnderlyingBook> {
		self.underlyings.iter().find(|u| u.key == key)
	}
}

/// `quantity × x` (a per-token fixed-point figure) in the smallest units of the quantity,
/// signed like `x`, magnitude rounded up.
pub(crate) fn scaled_units(quantity: Balance, x: FixedI128) -> i128 {
	let m = units::mul_div(
		quantity,
		x.into_inner().unsigned_abs(),
		FixedI128::DIV.unsigned_abs(),
		Rounding::Up,
	)
	.map_or(i128::MAX, |m| i128::try_from(m).unwrap_or(i128::MAX));
	if x.is_negative() {
		m.saturating_neg()
	} else {
		m
	}
}

/// `quantity` (smallest units, `decimals`) as whole tokens, in fixed point (saturating).
pub(crate) fn whole(quantity: Balance, decimals: u8) -> FixedI128 {
	let unit = units::pow10(decimals).unwrap_or(1);
	FixedI128::checked_from_rational(quantity, unit).unwrap_or(FixedI128::from_inner(i128::MAX))
}

/// `spot` moved by `+m` (`up`) or `−m`.
fn shocked(spot: Price, m: Permill, up: bool) -> Price {
	let inner = spot.into_inner();
	let step = m.mul_ceil(inner);
	Price::from_inner(if up { inner.saturating_add(step) } else { inner.saturating_sub(step) })
}

impl<T: Config> Pallet<T> {
	/// The vault's book of live series at prices allowed by `mode`: each series with open
	/// interest priced at the model (its liability at mid, rounded up), its greeks, and its
	/// value after the stress move up and down (same volatility).
	pub(crate) fn book(mode: PriceMode) -> Result<Book, Error<T>> {
		let m = Rules::<T>::get().stress_move;
		let mut book = Book::default();
		for (id, _) in ActiveSeries::<T>::get() {
			let Some(s) = AllSeries::<T>::get(id) else { continue };
			if s.open_interest == 0 || s.status != SeriesStatus::Live {
				continue;
			}
			let u =
				Underlyings::<T>::get(s.params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
			let spot = Self::spot(&s.params, mode).map_err(Error::<T>::from)?;
			let q = Self::quote_at(&s.params, &u, spot).ok_or(Error::<T>::Unpriceable)?;
			let bd = u.base_decimals;
			let oi = s.open_interest;
			book.liability = book
				.liability
				.saturating_add(value_of::<T>(oi, bd, q.mid, Rounding::Up).unwrap_or(Balance::MAX));
			let mut loss = [0u128; 2];
			for (i, up) in [(0usize, true), (1, false)] {
				let inputs = Self::inputs(&s.params, shocked(spot, m, up), q.volatility);
				let v = bs::price(s.params.kind.into(), &inputs).ok_or(Error::<T>::Unpriceable)?;
				if let Some(l) = loss.get_mut(i) {
					*l = value_of::<T>(oi, bd, v, Rounding::Up).unwrap_or(Balance::MAX);
				}
			}
			let vega_quote = value_of::<T>(
				oi,
				bd,
				Price::from_inner(q.greeks.vega.into_inner().unsigned_abs()),
				Rounding::Up,
			)
			.map_or(i128::MAX, |v| i128::try_from(v).unwrap_or(i128::MAX));
			let neg_whole = FixedI128::zero().saturating_sub(whole(oi, bd));
			let idx = match book.underlyings.iter().position(|b| b.key == s.params.underlying) {
				Some(i) => i,
				None => {
					book.underlyings
						.push(UnderlyingBook { key: s.params.underlying, ..Default::default() });
					book.underlyings.len().saturating_sub(1)
				},
			};
			if let Some(b) = book.underlyings.get_mut(idx) {
				b.delta = b.delta.saturating_sub(scaled_units(oi, q.greeks.delta));
				b.vega = b.vega.saturating_sub(vega_quote);
				b.greeks = b.greeks.plus(&q.greeks.scaled(neg_whole));
				b.loss_up = b.loss_up.saturating_add(loss[0]);
				b.loss_down = b.loss_down.saturating_add(loss[1]);
			}
		}
		Ok(book)
	}

	/// The vault's NAV at prices allowed by `mode`: cash − options outstanding at mid − what
	/// it owes to a series being settled.
	pub fn vault_nav(mode: PriceMode) -> Result<SignedBalance, Error<T>> {
		let book = Self::book(mode)?;
		let v = VaultState::<T>::get();
		Ok(to_signed::<T>(v.cash)?
			.saturating_sub(to_signed::<T>(v.reserved)?)
			.saturating_sub(ballast_primitives::math::signed(book.liability)))
	}

	/// After a buy of `quantity` of a series with per-token `greeks` (stored): the vault's net
	/// delta and vega in the series' underlying stay within their caps or moved towards zero,
	/// and its free cash covers its stress loss. At conservative prices (a stale price of
	/// another underlying does not block the trade while its last valid price is usable).
	pub(crate) fn ensure_vault_takes(
		params: &SeriesParams,
		quantity: Balance,
		greeks: &Greeks,
		base_decimals: u8,
	) -> DispatchResult {
		let book = Self::book(PriceMode::Conservative)?;
		let u = Underlyings::<T>::get(params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
		if let Some(b) = book.of(params.underlying) {
			// The trade's contribution (the vault sold it).
			let d = scaled_units(quantity, greeks.delta).saturating_neg();
			let before = b.delta.saturating_sub(d);
			let cap = i128::try_from(u.max_delta).unwrap_or(i128::MAX);
			ensure!(
				b.delta.unsigned_abs() <= cap.unsigned_abs()
					|| b.delta.unsigned_abs() <= before.unsigned_abs(),
				Error::<T>::DeltaCapExceeded
			);
			let vega = value_of::<T>(
				quantity,
				base_decimals,
				Price::from_inner(greeks.vega.into_inner().unsigned_abs()),
				Rounding::Down,
			)
			.map_or(i128::MAX, |v| i128::try_from(v).unwrap_or(i128::MAX));
			let before = b.vega.saturating_add(vega);
			ensure!(
				b.vega.unsigned_abs() <= u.max_vega
					|| b.vega.unsigned_abs() <= before.unsigned_abs(),
				Error::<T>::VegaCapExceeded
			);
		}
		let v = VaultState::<T>::get();
		ensure!(
			book.stress_loss() <= v.cash.saturating_sub(v.reserved),
			Error::<T>::VaultStressExceeded
		);
		Ok(())
	}

	/// The NAV shares are priced at, and the stress loss: conservative prices (an outlier
	/// print never prices a share; with no usable price for an underlying with open interest,
	/// deposits and withdrawals wait).
	fn share_nav() -> Result<(SignedBalance, Balance), Error<T>> {
		let book = Self::book(PriceMode::Conservative)?;
		let v = VaultState::<T>::get();
		let nav = to_signed::<T>(v.cash)?
			.saturating_sub(to_signed::<T>(v.reserved)?)
			.saturating_sub(ballast_primitives::math::signed(book.liability));
		Ok((nav, book.stress_loss()))
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
		ensure!(nav > 0 || (nav == 0 && vault.shares == 0), Error::<T>::VaultInsolvent);
		let minted = shares::shares_for_deposit(amount, vault.shares, nav, T::VirtualShares::get())
			.ok_or(Error::<T>::Overflow)?;
		ensure!(minted > 0, Error::<T>::ZeroAmount);
		ensure!(minted >= min_shares, Error::<T>::BelowMinimumOutput);
		T::Ledger::pool_deposit(who, amount)?;
		vault.cash = vault.cash.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		vault.shares = vault.shares.checked_add(minted).ok_or(Error::<T>::Overflow)?;
		LpShares::<T>::try_mutate(who, |s| -> DispatchResult {
			*s = s.checked_add(minted).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		VaultState::<T>::put(vault);
		Ok(minted)
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
		let (nav, stress) = Self::share_nav()?;
		ensure!(nav > 0, Error::<T>::VaultInsolvent);
		let amount = shares::redemption(exit.shares, vault.shares, nav, T::VirtualShares::get())
			.ok_or(Error::<T>::Overflow)?;
		ensure!(amount >= min_amount, Error::<T>::BelowMinimumOutput);
		let free = vault.cash.saturating_sub(vault.reserved);
		ensure!(free >= amount, Error::<T>::VaultInsufficientCash);
		ensure!(free.saturating_sub(amount) >= stress, Error::<T>::VaultStressExceeded);
		T::Ledger::pool_withdraw(who, amount)?;
		vault.cash = vault.cash.saturating_sub(amount);
		vault.shares = vault.shares.saturating_sub(exit.shares);
		PendingExits::<T>::remove(who);
		VaultState::<T>::put(vault);
		Ok((exit.shares, amount))
	}

	fn set_free_shares(who: &T::AccountId, shares: Balance) {
		if shares == 0 {
			LpShares::<T>::remove(who);
		} else {
			LpShares::<T>::insert(who, shares);
		}
	}
}

/// The vault's cash (including what it owes a series being settled, which is paid from it)
/// sits in the margin custody account.
impl<T: Config> PooledQuote for Pallet<T> {
	fn pooled_quote() -> SignedBalance {
		ballast_primitives::math::signed(VaultState::<T>::get().cash)
	}
}
