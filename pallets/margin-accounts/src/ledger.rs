//! Custody and the ledger: deposits, withdrawals, transfers, isolated accounts, settlement
//! and seizure. Every unit of collateral and quote sits in one custody account; this module
//! keeps the per-account books that say whose it is.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{
		CollateralHoldings, CollateralRisk, Derivatives, MarginLedger, PendingLiquidation,
		PooledQuote, PriceMode, PriceProvider, SettlementStatus,
	},
	AssetId, AssetStatus, Balance, MarketId, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::DispatchResult,
		traits::{
			fungible::{InspectHold, MutateHold},
			fungibles::{Inspect, Mutate},
			tokens::{Precision, Preservation},
			Get,
		},
	},
	sp_runtime::{traits::AccountIdConversion, DispatchError},
};

impl<T: Config> Pallet<T> {
	/// The account that holds all collateral and quote balances.
	pub fn custody_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Pay `amount` of `asset` out of custody to `to`. Never more than custody holds by the
	/// books ([`CustodyLedger`]; a donation is not paid out): else [`Error::CustodyShort`].
	/// Custody may close only by paying out all it holds: a payment that would leave it below
	/// the asset's minimum balance (so that the asset pallet would reap it and destroy what
	/// others own there) is refused.
	pub(crate) fn pay_out(asset: AssetId, to: &T::AccountId, amount: Balance) -> DispatchResult {
		let booked =
			CustodyLedger::<T>::get(asset).checked_sub(amount).ok_or(Error::<T>::CustodyShort)?;
		let custody = Self::custody_account();
		let keep = if T::Assets::balance(asset, &custody) == amount {
			Preservation::Expendable
		} else {
			Preservation::Preserve
		};
		T::Assets::transfer(asset, &custody, to, amount, keep)?;
		CustodyLedger::<T>::insert(asset, booked);
		Ok(())
	}

	/// Take `amount` of `asset` from `from`'s wallet into custody, on the books.
	pub(crate) fn pay_in(asset: AssetId, from: &T::AccountId, amount: Balance) -> DispatchResult {
		let booked =
			CustodyLedger::<T>::get(asset).checked_add(amount).ok_or(Error::<T>::Overflow)?;
		T::Assets::transfer(
			asset,
			from,
			&Self::custody_account(),
			amount,
			Preservation::Expendable,
		)?;
		CustodyLedger::<T>::insert(asset, booked);
		Ok(())
	}

	pub(crate) fn account_or_cross(
		who: &T::AccountId,
		sub: SubAccount,
	) -> Result<MarginAccount<T::MaxCollateralAssets>, Error<T>> {
		match Accounts::<T>::get(who, sub) {
			Some(a) => Ok(a),
			None if sub == CROSS_ACCOUNT => Ok(MarginAccount::default()),
			None => Err(Error::<T>::UnknownAccount),
		}
	}

	/// Credit `amount` of collateral `asset` to `account`, enforcing the per-account cap.
	pub(crate) fn credit_collateral(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
		account_cap: Balance,
	) -> Result<(), Error<T>> {
		match account.collateral.binary_search_by_key(&asset, |(a, _)| *a) {
			Ok(i) => {
				let (_, held) = account.collateral.get_mut(i).ok_or(Error::<T>::Overflow)?;
				let new = held.checked_add(amount).ok_or(Error::<T>::Overflow)?;
				ensure!(new <= account_cap, Error::<T>::AccountCapExceeded);
				*held = new;
			},
			Err(i) => {
				ensure!(amount <= account_cap, Error::<T>::AccountCapExceeded);
				account
					.collateral
					.try_insert(i, (asset, amount))
					.map_err(|_| Error::<T>::TooManyAssets)?;
			},
		}
		Ok(())
	}

	/// Debit `amount` of collateral `asset` from `account`.
	pub(crate) fn debit_collateral(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
	) -> Result<(), Error<T>> {
		let i = account
			.collateral
			.binary_search_by_key(&asset, |(a, _)| *a)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let (_, held) = account.collateral.get_mut(i).ok_or(Error::<T>::InsufficientBalance)?;
		*held = held.checked_sub(amount).ok_or(Error::<T>::InsufficientBalance)?;
		if *held == 0 {
			account.collateral.remove(i);
		}
		Ok(())
	}

	/// Deposit from the wallet; see [`Pallet::deposit`].
	pub fn do_deposit(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut account = Self::account_or_cross(who, sub)?;
		if asset == T::QuoteAsset::get() {
			account.quote = account
				.quote
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			let total = TotalQuote::<T>::get()
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			Self::pay_in(asset, who, amount)?;
			TotalQuote::<T>::put(total);
		} else {
			let holding = account.holding(asset);
			let terms = T::Risk::terms(asset, holding).ok_or(Error::<T>::AssetNotListed)?;
			ensure!(terms.status == AssetStatus::Active, Error::<T>::AssetNotAccepted);
			// Only an asset the liquidation engine can value (the snapshot's conservative
			// prices) is accepted: one unit of a never-priced asset must not make an account
			// unvaluable. Deposits need no fresh price, so a late feed does not stop a top-up.
			T::Prices::checked(terms.oracle_key, PriceMode::Conservative)
				.map_err(Error::<T>::from)?;
			let total =
				TotalCollateral::<T>::get(asset).checked_add(amount).ok_or(Error::<T>::Overflow)?;
			ensure!(total <= terms.supply_cap, Error::<T>::SupplyCapExceeded);
			Self::credit_collateral(&mut account, asset, amount, terms.account_cap)?;
			Self::pay_in(asset, who, amount)?;
			TotalCollateral::<T>::insert(asset, total);
		}
		Self::open_if_new(who, sub)?;
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Withdraw to the wallet; see [`Pallet::withdraw`].
	/// Ok unless a global settlement was triggered and `(who, sub)` still has positions.
	pub(crate) fn ensure_not_being_settled(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		ensure!(
			T::Settlement::is_live() || T::Derivatives::positions(who, sub).is_empty(),
			Error::<T>::PositionsBeingSettled
		);
		Ok(())
	}

	pub fn do_withdraw(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Self::take_from(&mut account, asset, amount)?;
		Self::ensure_initial_margin_of(who, sub, &account)?;
		Self::pay_out(asset, who, amount)?;
		if asset == T::QuoteAsset::get() {
			TotalQuote::<T>::mutate(|t| *t = t.saturating_sub(amount.try_into().unwrap_or(0)));
		} else {
			TotalCollateral::<T>::mutate(asset, |t| *t = t.saturating_sub(amount));
		}
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Take `amount` of `asset` out of `account` (collateral, or positive quote balance).
	pub(crate) fn take_from(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
	) -> Result<(), Error<T>> {
		if asset == T::QuoteAsset::get() {
			let amount = SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
			ensure!(account.quote >= amount, Error::<T>::InsufficientBalance);
			account.quote = account.quote.checked_sub(amount).ok_or(Error::<T>::Overflow)?;
		} else {
			if let Some(terms) = T::Risk::terms(asset, account.holding(asset)) {
				ensure!(terms.status != AssetStatus::Frozen, Error::<T>::AssetFrozen);
			}
			Self::debit_collateral(account, asset, amount)?;
		}
		Ok(())
	}

	/// Move between own accounts; see [`Pallet::transfer`].
	pub fn do_transfer(
		who: &T::AccountId,
		from: SubAccount,
		to: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(from != to, Error::<T>::SameAccount);
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut source = Accounts::<T>::get(who, from).ok_or(Error::<T>::UnknownAccount)?;
		let mut dest = Self::account_or_cross(who, to)?;
		Self::take_from(&mut source, asset, amount)?;
		if asset == T::QuoteAsset::get() {
			dest.quote = dest
				.quote
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
		} else {
			let terms =
				T::Risk::terms(asset, dest.holding(asset)).ok_or(Error::<T>::AssetNotListed)?;
			Self::credit_collateral(&mut dest, asset, amount, terms.account_cap)?;
		}
		Self::ensure_initial_margin_of(who, from, &source)?;
		Self::open_if_new(who, to)?;
		Accounts::<T>::insert(who, from, source);
		Accounts::<T>::insert(who, to, dest);
		Ok(())
	}

	/// Open an isolated account; see [`Pallet::create_isolated`].
	pub fn do_create_isolated(
		who: &T::AccountId,
		market: MarketId,
	) -> Result<SubAccount, DispatchError> {
		ensure!(T::Derivatives::market_exists(market), Error::<T>::UnknownMarket);
		let sub = (1..=T::MaxIsolatedAccounts::get())
			.find(|s| !Accounts::<T>::contains_key(who, s))
			.ok_or(Error::<T>::TooManyIsolatedAccounts)?;
		Self::open_if_new(who, sub)?;
		Accounts::<T>::insert(
			who,
			sub,
			MarginAccount { market: Some(market), ..Default::default() },
		);
		Ok(sub)
	}

	/// Close an empty isolated account the liquidation engine is done with; see
	/// [`Pallet::close_isolated`].
	pub fn do_close_isolated(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		ensure!(sub != CROSS_ACCOUNT, Error::<T>::CannotCloseCross);
		Self::do_close(who, sub)
	}

	/// Hold the account deposit for `(who, sub)` if the account does not exist yet (the caller
	/// is about to store it). Emits [`Event::AccountOpened`].
	pub(crate) fn open_if_new(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		if Accounts::<T>::contains_key(who, sub) {
			return Ok(());
		}
		let deposit = T::AccountDeposit::get();
		if deposit > 0 {
			T::Currency::hold(&HoldReason::AccountDeposit.into(), who, deposit)
				.map_err(|_| Error::<T>::CannotHoldDeposit)?;
		}
		AccountDeposits::<T>::insert(who, sub, deposit);
		Self::deposit_event(Event::AccountOpened { who: who.clone(), sub, deposit });
		Ok(())
	}

	/// Remove an empty account the liquidation engine is done with and release its deposit;
	/// see [`Pallet::close_isolated`] and [`Pallet::close_cross`].
	pub(crate) fn do_close(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		// Live auctions settle their proceeds to the account: it must outlive them.
		ensure!(!T::PendingLiquidation::is_pending(who, sub), Error::<T>::LiquidationPending);
		ensure!(
			account.is_empty() && T::Derivatives::positions(who, sub).is_empty(),
			Error::<T>::AccountNotEmpty
		);
		let deposit = AccountDeposits::<T>::get(who, sub).unwrap_or(0);
		if deposit > 0 {
			T::Currency::release(
				&HoldReason::AccountDeposit.into(),
				who,
				deposit,
				Precision::Exact,
			)?;
		}
		AccountDeposits::<T>::remove(who, sub);
		Accounts::<T>::remove(who, sub);
		Self::deposit_event(Event::AccountClosed { who: who.clone(), sub, deposit });
		Ok(())
	}

	/// Move `amount` of collateral `asset` out of `(who, sub)` to the wallet `to` (liquidation).
	/// Ignores the asset's status: liquidation moves even frozen collateral.
	pub fn seize(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &T::AccountId,
	) -> DispatchResult {
		let mut account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Self::debit_collateral(&mut account, asset, amount)?;
		Self::pay_out(asset, to, amount)?;
		TotalCollateral::<T>::mutate(asset, |t| *t = t.saturating_sub(amount));
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Up to `limit` accounts after `after` in storage order (from the start for `None`).
	pub fn accounts_after(
		after: Option<(T::AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(T::AccountId, SubAccount)> {
		let n = usize::try_from(limit).unwrap_or(usize::MAX);
		match after {
			Some((who, sub)) => {
				Accounts::<T>::iter_keys_from(Accounts::<T>::hashed_key_for(who, sub))
					.take(n)
					.collect()
			},
			None => Accounts::<T>::iter_keys().take(n).collect(),
		}
	}

	/// Sub-accounts of `who` that exist.
	pub fn sub_accounts(who: &T::AccountId) -> Vec<SubAccount> {
		Accounts::<T>::iter_key_prefix(who).collect()
	}

	/// Check the pallet's invariants:
	/// * per asset, Σ account collateral == `TotalCollateral`;
	/// * Σ quote balances == `TotalQuote`;
	/// * custody's books are exact: per collateral asset [`CustodyLedger`] == `TotalCollateral`,
	///   and for the quote asset [`CustodyLedger`] == `TotalQuote` + pooled quote
	///   ([`Config::Pools`]), to the unit: a claim credited from nothing (or a payment booked to
	///   no claim) breaks it, whatever the custody account's balance;
	/// * custody holds at least its books of every asset (more only after a donation, which is
	///   surplus, not a break);
	/// * every account's collateral is sorted, without zero entries; only isolated accounts are
	///   bound to a market; isolated indices are within `1..=MaxIsolatedAccounts`.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
		let mut totals: BTreeMap<AssetId, Balance> = BTreeMap::new();
		let mut quote: SignedBalance = 0;
		let mut deposits: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		for (who, sub, account) in Accounts::<T>::iter() {
			let deposit =
				AccountDeposits::<T>::get(&who, sub).ok_or("account without a deposit")?;
			let held = deposits.entry(who).or_default();
			*held = held.saturating_add(deposit);
			ensure!(
				(sub == CROSS_ACCOUNT) == account.market.is_none(),
				"only isolated accounts are bound to a market"
			);
			ensure!(sub <= T::MaxIsolatedAccounts::get(), "isolated index out of range");
			ensure!(
				account.collateral.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)),
				"collateral not sorted"
			);
			for (asset, amount) in account.collateral.iter() {
				ensure!(*amount > 0, "zero collateral entry");
				let t = totals.entry(*asset).or_default();
				*t = t.checked_add(*amount).ok_or("collateral sum overflows")?;
			}
			quote = quote.checked_add(account.quote).ok_or("quote sum overflows")?;
		}
		let quote_asset = T::QuoteAsset::get();
		let custody = Self::custody_account();
		let mut assets: BTreeSet<AssetId> = TotalCollateral::<T>::iter_keys().collect();
		for (asset, total) in TotalCollateral::<T>::iter() {
			ensure!(totals.remove(&asset).unwrap_or(0) == total, "TotalCollateral mismatch");
			ensure!(
				CustodyLedger::<T>::get(asset) == total,
				"custody books differ from Σ collateral"
			);
		}
		ensure!(totals.is_empty(), "collateral without a TotalCollateral entry");
		ensure!(quote == TotalQuote::<T>::get(), "TotalQuote mismatch");
		let claims = quote.checked_add(T::Pools::pooled_quote()).ok_or("quote claims overflow")?;
		let booked = SignedBalance::try_from(CustodyLedger::<T>::get(quote_asset))
			.map_err(|_| "quote books overflow")?;
		ensure!(booked == claims, "custody books differ from Σ quote balances + pools");
		assets.insert(quote_asset);
		for (asset, booked) in CustodyLedger::<T>::iter() {
			ensure!(
				assets.contains(&asset) || booked == 0,
				"custody books hold an asset nobody has a claim on"
			);
			ensure!(T::Assets::balance(asset, &custody) >= booked, "custody short of its books");
		}
		// Every deposit belongs to an open account, and what the currency holds for this pallet
		// is exactly the deposits of each owner's open accounts.
		for (who, sub, _) in AccountDeposits::<T>::iter() {
			ensure!(Accounts::<T>::contains_key(&who, sub), "deposit without an account");
		}
		for (who, total) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::AccountDeposit.into(), &who) == total,
				"held account deposits != Σ deposits of the owner's accounts"
			);
		}
		Ok(())
	}
}

impl<T: Config> CollateralHoldings for Pallet<T> {
	/// [`TotalCollateral`]: Σ holdings of `asset` over all margin accounts (collateral seized
	/// into auctions is no longer held here).
	fn total_held(asset: AssetId) -> Balance {
		TotalCollateral::<T>::get(asset)
	}
}

impl<T: Config> MarginLedger<T::AccountId> for Pallet<T> {
	fn ensure_can_trade(who: &T::AccountId, sub: SubAccount, market: MarketId) -> DispatchResult {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		if let Some(bound) = account.market {
			ensure!(bound == market, Error::<T>::WrongMarket);
		}
		Ok(())
	}

	fn settle(who: &T::AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		// Everything is checked before anything is written: a refused settlement changes
		// nothing, whether or not the caller runs in a storage layer.
		let mut account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		account.quote = account.quote.checked_add(delta).ok_or(Error::<T>::Overflow)?;
		let total = TotalQuote::<T>::get().checked_add(delta).ok_or(Error::<T>::Overflow)?;
		Accounts::<T>::insert(who, sub, account);
		TotalQuote::<T>::put(total);
		Ok(())
	}

	fn ensure_initial_margin(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Self::ensure_initial_margin_of(who, sub, &account)
	}

	fn pool_deposit(who: &T::AccountId, amount: Balance) -> DispatchResult {
		Self::pay_in(T::QuoteAsset::get(), who, amount)
	}

	fn pool_withdraw(who: &T::AccountId, amount: Balance) -> DispatchResult {
		Self::pay_out(T::QuoteAsset::get(), who, amount)
	}
}
