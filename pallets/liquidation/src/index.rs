//! The two indexes the engine keeps current through [`OnAccountChange`]:
//! * [`Index`]: isolated single-position accounts by market, side and liquidation price (risk
//!   order), so a price move finds exactly the accounts it crossed;
//! * [`AdlIndex`]: every position by market, side and entry price (profit order), so
//!   auto-deleveraging finds the most profitable opposing position at the head.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::liquidation as rules,
	traits::{Derivatives, MarginSide, OnAccountChange, PositionView},
	MarketId, Price, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::frame_support::{traits::Get, BoundedVec};

impl<T: Config> Pallet<T> {
	/// Put `(who, sub)` where it belongs in the indexes (or take it out): the ADL index, the
	/// liquidation-price index (isolated accounts with one position) and the watch. Values the
	/// account once, if it has positions.
	pub fn reindex(who: &T::AccountId, sub: SubAccount) {
		let positions = T::Derivatives::positions(who, sub);
		Self::file_adl(who, sub, &positions);
		let snapshot = if positions.is_empty() { None } else { T::Margin::snapshot(who, sub) };
		if sub != CROSS_ACCOUNT {
			// Only an account with exactly one position has a liquidation price to file.
			let equity = snapshot
				.as_ref()
				.filter(|s| s.market.is_some() && s.positions == 1 && positions.len() == 1)
				.map(|s| s.equity_without_pnl);
			Self::reindex_price(who, sub, equity);
		}
		Self::file_watch(who, sub, &positions, snapshot.as_ref(), false);
	}

	/// File `positions` of `(who, sub)` in the ADL index. Only what changed is written: a trade
	/// moves one entry, a deposit none.
	pub(crate) fn file_adl(who: &T::AccountId, sub: SubAccount, positions: &[PositionView]) {
		let key = (who.clone(), sub);
		let old = AdlEntries::<T>::get(&key).unwrap_or_default();
		let mut entries = BoundedVec::<(MarketId, u8, [u8; 16]), T::MaxMarkets>::new();
		for p in positions {
			let side = if p.is_long() { LONG } else { SHORT };
			let _ = entries.try_push((p.market, side, adl_key(p.is_long(), p.entry_price)));
		}
		if entries == old {
			return;
		}
		for (m, side, k) in old.iter().filter(|e| !entries.contains(e)) {
			AdlIndex::<T>::remove((m, side, k, &key));
		}
		for (m, side, k) in entries.iter().filter(|e| !old.contains(e)) {
			AdlIndex::<T>::insert((m, side, k, &key), ());
		}
		if entries.is_empty() {
			AdlEntries::<T>::remove(&key);
		} else {
			AdlEntries::<T>::insert(&key, entries);
		}
	}

	/// File an isolated `(who, sub)` in the liquidation-price index, given its equity without
	/// the position (`None`: it has no single position to index). The key is the liquidation
	/// price led towards the current price by a few quote units of notional
	/// (`ballast_math::liquidation::index_price`), so that the index never misses an account the
	/// health test finds unhealthy.
	pub(crate) fn reindex_price(
		who: &T::AccountId,
		sub: SubAccount,
		equity_without_pnl: Option<SignedBalance>,
	) {
		let key = (who.clone(), sub);
		if let Some((m, side, k)) = Indexed::<T>::take(&key) {
			Index::<T>::remove((m, side, k, &key));
		}
		let Some(equity) = equity_without_pnl else { return };
		if let Some((market, long, price)) = T::Derivatives::liquidation_price(who, sub, equity) {
			let side = if long { LONG } else { SHORT };
			let (entry_price, entry_notional) = T::Derivatives::positions(who, sub)
				.into_iter()
				.find(|p| p.market == market)
				.map_or((Price::default(), 0), |p| (p.entry_price, p.entry_notional));
			let price = rules::index_price(price, long, entry_price, entry_notional);
			let k = index_key(long, price);
			Index::<T>::insert((market, side, k, &key), ());
			Indexed::<T>::insert(&key, (market, side, k));
		}
	}

	/// Whether `(who, sub)` is filed in the index at a liquidation price `mark` has crossed.
	pub fn is_crossed(who: &T::AccountId, sub: SubAccount) -> bool {
		Indexed::<T>::get((who, sub)).is_some_and(|(market, side, k)| {
			T::Derivatives::mark_price(market).is_some_and(|mark| crossed(side, mark, k))
		})
	}

	/// Accounts at risk: indexed isolated accounts whose liquidation price has been crossed,
	/// `(who, sub, liquidation price)` for up to `limit` of them.
	pub fn at_risk(limit: u32) -> Vec<(T::AccountId, SubAccount, Price)> {
		let mut out = Vec::new();
		let limit = usize::try_from(limit).unwrap_or(usize::MAX);
		for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				let Some(mark) = T::Derivatives::mark_price(market) else { continue };
				for ((k, (who, sub)), ()) in Index::<T>::iter_prefix((market, side)) {
					if !crossed(side, mark, k) || out.len() >= limit {
						break;
					}
					out.push((who, sub, key_price(side, k)));
				}
			}
		}
		out
	}
}

impl<T: Config> OnAccountChange<T::AccountId> for Pallet<T> {
	fn changed(who: &T::AccountId, sub: SubAccount) {
		Self::reindex(who, sub);
	}
}
