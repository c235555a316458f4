//! Global settlement (emergency shutdown): every open position closed in full at the one fixed
//! price of its market's oracle key, a bounded number per block, resuming at a cursor
//! ([`ShutdownCursor`]). A close is a plain close at that price through the one fill path
//! ([`Pallet::execute_fill`], as a liquidation close: no premium, no fee, no penalty): funding
//! accrued to now is settled, realized PnL net of funding goes to the margin account's quote
//! balance through the margin ledger, and the vault books the other side.

use crate::{pallet::*, types::*, LOG_TARGET};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{GlobalSettle, OnAccountChange, SettleStep},
	OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight, BoundedVec},
	sp_arithmetic::Permill,
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Close `(who, sub)`'s whole position in `market_id` (read by the caller as `market`) at
	/// `price`. Returns what was settled to the quote balance (realized PnL net of funding).
	fn settle_one(
		who: &T::AccountId,
		sub: ballast_primitives::SubAccount,
		market_id: ballast_primitives::MarketId,
		mut market: Market<polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T>>,
		pos: Position,
		price: Price,
	) -> Result<ballast_primitives::SignedBalance, DispatchError> {
		Self::accrue(&mut market);
		let delta = pos.quantity.checked_neg().ok_or(Error::<T>::Overflow)?;
		let done = Self::execute_fill(
			who,
			sub,
			market_id,
			&mut market,
			delta,
			price,
			(Permill::zero(), 0),
			|_, _| Ok(()),
		)?;
		Markets::<T>::insert(market_id, market);
		T::OnChange::changed(who, sub);
		Ok(done.settled)
	}
}

impl<T: Config> GlobalSettle for Pallet<T> {
	/// The oracle key of every market with open interest: only those have positions to settle
	/// (none can open once triggered), so a listed market without positions whose feed is dead
	/// cannot stop a settlement.
	fn price_keys() -> Vec<OracleKey> {
		let mut keys: Vec<OracleKey> = Markets::<T>::iter_values()
			.filter(|m| m.state.long_oi > 0 || m.state.short_oi > 0)
			.map(|m| m.params.oracle_key)
			.collect();
		keys.sort_unstable();
		keys.dedup();
		keys
	}

	fn settle_next(
		prices: &[(OracleKey, Price)],
		max_positions: u32,
		budget: Weight,
	) -> SettleStep {
		let take = usize::try_from(max_positions).unwrap_or(usize::MAX);
		let page: Vec<_> = match ShutdownCursor::<T>::get() {
			Some(raw) => Positions::<T>::iter_from(raw.into_inner()).take(take).collect(),
			None => Positions::<T>::iter().take(take).collect(),
		};
		let looked = u64::try_from(page.len()).unwrap_or(u64::MAX);
		// The cursor, the page (and one read past it), the cursor written back.
		let mut weight = T::DbWeight::get().reads_writes(looked.saturating_add(2), 1);
		let mut settled: u32 = 0;
		let mut cursor: Option<Vec<u8>> = None;
		let mut stopped = false;
		for ((who, sub), market_id, pos) in page.iter().cloned() {
			// Each close is charged as a trade of its account's class (at least one close per
			// step, whatever the budget: the settlement always progresses).
			let w = Self::trade_weight(&who, sub, false);
			if cursor.is_some() && weight.saturating_add(w).any_gt(budget) {
				stopped = true;
				break;
			}
			weight = weight.saturating_add(w);
			cursor = Some(Positions::<T>::hashed_key_for((&who, sub), market_id));
			let market = Markets::<T>::get(market_id);
			let price = market.as_ref().and_then(|m| {
				prices.iter().find(|(k, _)| *k == m.params.oracle_key).map(|(_, p)| *p)
			});
			let (Some(market), Some(price)) = (market, price) else {
				// Unreachable: the settlement fixed a price for every market's key.
				log::error!(target: LOG_TARGET, "global settlement: no price for {market_id}");
				continue;
			};
			match Self::settle_one(&who, sub, market_id, market, pos, price) {
				Ok(amount) => {
					settled = settled.saturating_add(1);
					Self::deposit_event(Event::PositionSettledGlobally {
						who,
						sub,
						market: market_id,
						size: pos.quantity,
						price,
						settled: amount,
					});
				},
				// Unreachable (a margin account with a position exists; the sums fit): the
				// position stays, for the liquidation engine once the settlement is over.
				Err(e) => {
					log::error!(target: LOG_TARGET, "global settlement of {market_id}: {e:?}")
				},
			}
		}
		let done = match &cursor {
			None => page.is_empty(),
			Some(raw) => !stopped && Positions::<T>::iter_from(raw.clone()).next().is_none(),
		};
		if let Some(raw) = cursor {
			match BoundedVec::try_from(raw) {
				Ok(c) => ShutdownCursor::<T>::put(c),
				// A raw key is a prefix and two hashed keys: it always fits.
				Err(_) => log::error!(target: LOG_TARGET, "global settlement: cursor too long"),
			}
		}
		SettleStep { settled, weight, done }
	}
}
