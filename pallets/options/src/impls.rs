//! Underlyings, listing, pricing and trading: every change of a position goes through
//! [`Pallet::do_buy`] or [`Pallet::reduce`].

use crate::{pallet::*, types::*, LOG_TARGET};
use ballast_primitives::{
	math::{
		options as bs,
		units::{self, Rounding},
	},
	traits::{MarginLedger, OnAccountChange, PriceError, PriceMode, PriceProvider},
	Balance, Moment, Price, SignedBalance, SubAccount, OPTION_SERIES_BASE,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	sp_arithmetic::{
		traits::{Saturating, Zero},
		FixedI128, FixedU128,
	},
	sp_runtime::DispatchError,
};

/// `v` as a signed amount, or an overflow error.
pub(crate) fn to_signed<T: Config>(v: Balance) -> Result<SignedBalance, Error<T>> {
	SignedBalance::try_from(v).map_err(|_| Error::<T>::Overflow)
}

/// What `quantity` (smallest units of an asset with `decimals`) is worth at `price` per whole
/// token, in quote smallest units.
pub(crate) fn value_of<T: Config>(
	quantity: Balance,
	decimals: u8,
	price: Price,
	rounding: Rounding,
) -> Option<Balance> {
	units::quote_value(quantity, decimals, price, T::QuoteDecimals::get(), rounding)
}

/// The payoff at expiry of one option on one whole token at `price`.
pub(crate) fn payoff(params: &SeriesParams, price: Price) -> Price {
	match params.kind {
		OptionKind::Call => price.saturating_sub(params.strike),
		OptionKind::Put => params.strike.saturating_sub(price),
	}
}

impl<T: Config> Pallet<T> {
	/// Configure an underlying; see [`Pallet::set_underlying`].
	pub fn do_set_underlying(
		key: ballast_primitives::OracleKey,
		params: UnderlyingParams,
	) -> DispatchResult {
		params.validate().map_err(Error::<T>::from)?;
		ensure!(T::Prices::bounds(key).is_some(), Error::<T>::UnguardedOracleKey);
		if let Some(old) = Underlyings::<T>::get(key) {
			let in_use = ActiveSeries::<T>::get()
				.iter()
				.any(|(id, _)| AllSeries::<T>::get(id).is_some_and(|s| s.params.underlying == key));
			ensure!(
				old.base_decimals == params.base_decimals || !in_use,
				Error::<T>::UnderlyingInUse
			);
		}
		Underlyings::<T>::insert(key, params);
		Ok(())
	}

	/// List a series; see [`Pallet::list_series`].
	pub fn do_list_series(params: SeriesParams) -> Result<SeriesId, DispatchError> {
		ensure!(Underlyings::<T>::contains_key(params.underlying), Error::<T>::UnknownUnderlying);
		ensure!(!params.strike.is_zero(), Error::<T>::ZeroStrike);
		let open_until = T::Prices::now().saturating_add(Rules::<T>::get().trade_cutoff);
		ensure!(params.expiry > open_until, Error::<T>::ExpiryTooSoon);
		let count = SeriesCount::<T>::get();
		let id = OPTION_SERIES_BASE.checked_add(count).ok_or(Error::<T>::Overflow)?;
		ActiveSeries::<T>::try_mutate(|a| a.try_push((id, params.expiry)))
			.map_err(|_| Error::<T>::TooManySeries)?;
		AllSeries::<T>::insert(
			id,
			Series { params, open_interest: 0, holders: 0, status: SeriesStatus::Live },
		);
		SeriesCount::<T>::put(count.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Ok(id)
	}

	/// The underlying's price for `mode` (checked by its guard).
	pub(crate) fn spot(params: &SeriesParams, mode: PriceMode) -> Result<Price, PriceError> {
		T::Prices::checked(params.underlying, mode)
	}

	/// Time to `expiry` from now, in years (zero once passed).
	pub(crate) fn years_to(expiry: Moment) -> FixedU128 {
		bs::years_from_seconds(expiry.saturating_sub(T::Prices::now()) / 1_000)
	}

	/// The implied volatility of `params` at `spot`: the tracked volatility through the
	/// underlying's surface, within its bounds.
	pub(crate) fn implied_volatility(
		params: &SeriesParams,
		u: &UnderlyingParams,
		spot: Price,
	) -> Option<FixedU128> {
		let tracked = FixedU128::from(T::Prices::volatility(params.underlying));
		let iv = bs::implied_volatility(tracked, &u.surface(), spot, params.strike)?;
		Some(iv.max(u.min_volatility).min(u.max_volatility))
	}

	/// The model inputs of `params` at `spot` and `volatility`, now.
	pub(crate) fn inputs(params: &SeriesParams, spot: Price, volatility: FixedU128) -> bs::Inputs {
		bs::Inputs {
			spot,
			strike: params.strike,
			years: Self::years_to(params.expiry),
			volatility,
			rate: FixedI128::zero(),
		}
	}

	/// The quote of `params` at `spot` (`None` if the model cannot price it).
	pub(crate) fn quote_at(
		params: &SeriesParams,
		u: &UnderlyingParams,
		spot: Price,
	) -> Option<Quote> {
		let volatility = Self::implied_volatility(params, u, spot)?;
		let v = bs::valuation(params.kind.into(), &Self::inputs(params, spot, volatility))?;
		let (bid, ask) = bs::bid_ask(v.price, u.spread);
		Some(Quote { spot, volatility, mid: v.price, bid, ask, greeks: v.greeks.into() })
	}

	/// The quote of series `id` at prices allowed by `mode`.
	pub fn quote(id: SeriesId, mode: PriceMode) -> Result<Quote, DispatchError> {
		let s = AllSeries::<T>::get(id).ok_or(Error::<T>::UnknownSeries)?;
		let u = Underlyings::<T>::get(s.params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
		let spot = Self::spot(&s.params, mode).map_err(Error::<T>::from)?;
		Ok(Self::quote_at(&s.params, &u, spot).ok_or(Error::<T>::Unpriceable)?)
	}

	/// Ok while `series` trades: live, and now before its expiry less the trade cutoff.
	fn ensure_tradable(series: &Series) -> DispatchResult {
		ensure!(series.status == SeriesStatus::Live, Error::<T>::TradingClosed);
		let close = series.params.expiry.saturating_sub(Rules::<T>::get().trade_cutoff);
		ensure!(T::Prices::now() < close, Error::<T>::TradingClosed);
		Ok(())
	}

	/// Buy; see [`Pallet::buy`].
	pub fn do_buy(
		who: &T::AccountId,
		sub: SubAccount,
		id: SeriesId,
		quantity: Balance,
		max_premium: Balance,
	) -> Result<TradeOutcome, DispatchError> {
		ensure!(quantity > 0, Error::<T>::ZeroAmount);
		let mut series = AllSeries::<T>::get(id).ok_or(Error::<T>::UnknownSeries)?;
		Self::ensure_tradable(&series)?;
		T::Ledger::ensure_can_trade(who, sub, id)?;
		let u =
			Underlyings::<T>::get(series.params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
		let spot = Self::spot(&series.params, PriceMode::Fresh).map_err(Error::<T>::from)?;
		let q = Self::quote_at(&series.params, &u, spot).ok_or(Error::<T>::Unpriceable)?;
		// Paid: rounded up.
		let premium = value_of::<T>(quantity, u.base_decimals, q.ask, Rounding::Up)
			.ok_or(Error::<T>::Overflow)?;
		ensure!(premium > 0 && premium >= Rules::<T>::get().min_premium, Error::<T>::TradeTooSmall);
		ensure!(premium <= max_premium, Error::<T>::SlippageExceeded);

		let key = (who.clone(), sub);
		let mut pos = Positions::<T>::get(id, &key).unwrap_or_default();
		if pos.quantity == 0 {
			AccountSeries::<T>::try_mutate(&key, |v| v.try_push(id))
				.map_err(|_| Error::<T>::TooManyPositions)?;
			series.holders = series.holders.checked_add(1).ok_or(Error::<T>::Overflow)?;
		}
		pos.quantity = pos.quantity.checked_add(quantity).ok_or(Error::<T>::Overflow)?;
		pos.cost = pos.cost.checked_add(premium).ok_or(Error::<T>::Overflow)?;
		series.open_interest =
			series.open_interest.checked_add(quantity).ok_or(Error::<T>::Overflow)?;
		T::Ledger::settle(who, sub, to_signed::<T>(premium)?.saturating_neg())?;
		VaultState::<T>::try_mutate(|v| -> DispatchResult {
			v.cash = v.cash.checked_add(premium).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Positions::<T>::insert(id, &key, pos);
		AllSeries::<T>::insert(id, series);
		Self::ensure_vault_takes(&series.params, quantity, &q.greeks, u.base_decimals)?;
		T::Ledger::ensure_initial_margin(who, sub)?;
		T::OnChange::changed(who, sub);
		log::trace!(target: LOG_TARGET, "buy {quantity} of {id} for {premium}");
		Ok(TradeOutcome { price: q.ask, premium, new_quantity: pos.quantity })
	}

	/// Sell; see [`Pallet::sell`].
	pub fn do_sell(
		who: &T::AccountId,
		sub: SubAccount,
		id: SeriesId,
		quantity: Balance,
		min_premium: Balance,
	) -> Result<TradeOutcome, DispatchError> {
		ensure!(quantity > 0, Error::<T>::ZeroAmount);
		let mut series = AllSeries::<T>::get(id).ok_or(Error::<T>::UnknownSeries)?;
		let pos = Positions::<T>::get(id, (who, sub)).ok_or(Error::<T>::NoPosition)?;
		ensure!(pos.quantity >= quantity, Error::<T>::InsufficientPosition);
		Self::ensure_tradable(&series)?;
		let u =
			Underlyings::<T>::get(series.params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
		let spot = Self::spot(&series.params, PriceMode::Fresh).map_err(Error::<T>::from)?;
		let q = Self::quote_at(&series.params, &u, spot).ok_or(Error::<T>::Unpriceable)?;
		// Received: rounded down.
		let proceeds = value_of::<T>(quantity, u.base_decimals, q.bid, Rounding::Down)
			.ok_or(Error::<T>::Overflow)?;
		let whole = quantity == pos.quantity;
		ensure!(
			whole || (proceeds > 0 && proceeds >= Rules::<T>::get().min_premium),
			Error::<T>::TradeTooSmall
		);
		ensure!(proceeds >= min_premium, Error::<T>::SlippageExceeded);
		let left = Self::reduce(who, sub, id, &mut series, pos, quantity, proceeds)?;
		T::OnChange::changed(who, sub);
		Ok(TradeOutcome { price: q.bid, premium: proceeds, new_quantity: left })
	}

	/// Take `quantity` of `(who, sub)`'s position `pos` in series `id` back into the vault for
	/// `proceeds` (paid from the vault's free cash into the quote balance). Stores the series
	/// and the position; returns the quantity left.
	pub(crate) fn reduce(
		who: &T::AccountId,
		sub: SubAccount,
		id: SeriesId,
		series: &mut Series,
		pos: Position,
		quantity: Balance,
		proceeds: Balance,
	) -> Result<Balance, DispatchError> {
		let mut vault = VaultState::<T>::get();
		ensure!(
			vault.cash.saturating_sub(vault.reserved) >= proceeds,
			Error::<T>::VaultInsufficientCash
		);
		vault.cash = vault.cash.saturating_sub(proceeds);
		T::Ledger::settle(who, sub, to_signed::<T>(proceeds)?)?;
		let left = pos.quantity.checked_sub(quantity).ok_or(Error::<T>::InsufficientPosition)?;
		series.open_interest =
			series.open_interest.checked_sub(quantity).ok_or(Error::<T>::Overflow)?;
		let key = (who.clone(), sub);
		if left == 0 {
			Positions::<T>::remove(id, &key);
			Self::forget_series(&key, id);
			series.holders = series.holders.saturating_sub(1);
		} else {
			// The cost of what is kept, pro rata (rounded up: what remains never looks cheaper).
			let cost = units::mul_div(pos.cost, left, pos.quantity, Rounding::Up)
				.ok_or(Error::<T>::Overflow)?;
			Positions::<T>::insert(id, &key, Position { quantity: left, cost });
		}
		AllSeries::<T>::insert(id, *series);
		VaultState::<T>::put(vault);
		Ok(left)
	}

	/// Take series `id` off `key`'s list (removing an emptied list).
	pub(crate) fn forget_series(key: &(T::AccountId, SubAccount), id: SeriesId) {
		AccountSeries::<T>::mutate_exists(key, |v| {
			if let Some(list) = v {
				list.retain(|x| *x != id);
				if list.is_empty() {
					*v = None;
				}
			}
		});
	}

	/// Check the pallet's invariants:
	/// * per series, open interest and holders equal the sums over its positions; no empty
	///   position is stored; every position's series is in its account's list and vice versa;
	/// * a series being settled or settled has no position beyond what settlement still pays;
	///   the active list holds exactly the unsettled series, with their expiries;
	/// * the settlement cursor names a series being settled; the reserve is within the cash and
	///   zero when nothing is being settled;
	/// * Σ LP shares (free and pending) == vault shares; ids below the count; rules valid.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut sums: BTreeMap<SeriesId, (Balance, u32)> = BTreeMap::new();
		for (id, key, p) in Positions::<T>::iter() {
			ensure!(p.quantity > 0, "empty position stored");
			ensure!(AllSeries::<T>::contains_key(id), "position in unknown series");
			ensure!(AccountSeries::<T>::get(&key).contains(&id), "position not in account list");
			let s = sums.entry(id).or_default();
			s.0 = s.0.checked_add(p.quantity).ok_or("open interest overflow")?;
			s.1 = s.1.checked_add(1).ok_or("holders overflow")?;
		}
		for (key, list) in AccountSeries::<T>::iter() {
			ensure!(!list.is_empty(), "empty account list stored");
			for id in list.iter() {
				ensure!(Positions::<T>::contains_key(id, &key), "account list names no position");
			}
		}
		let active = ActiveSeries::<T>::get();
		let end = OPTION_SERIES_BASE.saturating_add(SeriesCount::<T>::get());
		for (id, s) in AllSeries::<T>::iter() {
			ensure!(id >= OPTION_SERIES_BASE && id < end, "series id out of range");
			let (oi, holders) = sums.remove(&id).unwrap_or_default();
			ensure!(oi == s.open_interest, "open interest != Σ positions");
			ensure!(holders == s.holders, "holders != positions");
			let listed = active.iter().any(|(a, e)| *a == id && *e == s.params.expiry);
			match s.status {
				SeriesStatus::Settled { .. } => {
					ensure!(oi == 0 && !listed, "settled series with positions or active")
				},
				_ => ensure!(listed, "unsettled series not active"),
			}
		}
		ensure!(sums.is_empty(), "positions of unknown series");
		ensure!(
			active.iter().all(|(id, _)| AllSeries::<T>::contains_key(id)),
			"active series unknown"
		);
		let vault = VaultState::<T>::get();
		ensure!(vault.reserved <= vault.cash, "reserve beyond cash");
		match Settling::<T>::get() {
			Some(id) => ensure!(
				AllSeries::<T>::get(id)
					.is_some_and(|s| matches!(s.status, SeriesStatus::Settling { .. })),
				"settlement cursor on a series not being settled"
			),
			None => {
				ensure!(vault.reserved == 0, "reserve without a settlement");
				ensure!(
					AllSeries::<T>::iter_values()
						.all(|s| !matches!(s.status, SeriesStatus::Settling { .. })),
					"series being settled without the cursor"
				);
			},
		}
		let free: Balance = LpShares::<T>::iter_values().fold(0, |a, s| a.saturating_add(s));
		let mut pending: Balance = 0;
		for exit in PendingExits::<T>::iter_values() {
			ensure!(exit.shares > 0, "empty pending withdrawal stored");
			pending = pending.saturating_add(exit.shares);
		}
		ensure!(
			free.saturating_add(pending) == vault.shares,
			"Σ LP shares (free and pending withdrawal) != vault shares"
		);
		ensure!(Rules::<T>::get().validate().is_ok(), "vault rules out of bounds");
		Ok(())
	}
}
