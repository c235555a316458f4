//! The per-block sweep: under a weight budget, serve the seizure queue, deleverage waiting
//! shortfalls, liquidate the accounts whose liquidation price the mark crossed (head of the
//! index first), then re-check a page of accounts with the round-robin cursor. Work that does
//! not fit stays where it is for the next block.

use crate::{pallet::*, types::*, weights, WeightInfo, LOG_TARGET};
use alloc::{collections::BTreeSet, vec::Vec};
use ballast_primitives::{
	traits::{Derivatives, MarginSide},
	SubAccount,
};
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{Weight, WeightMeter},
};

impl<T: Config> Pallet<T> {
	/// One block's sweep within `budget`; returns the weight used.
	pub fn sweep(budget: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(budget);
		let act = weights::liquidation_weight::<T::WeightInfo>();
		let mut checked = 0u32;
		let mut liquidated = 0u32;
		// The base cost (the head of every market's index, the queue, the cursor) is always paid.
		meter.consume(weights::sweep_base_weight::<T::WeightInfo>());

		// 0. Accounts waiting for room under the auction caps, oldest first.
		liquidated = liquidated.saturating_add(Self::drain_queue(&mut meter, act));

		// 0b. Shortfalls waiting for auto-deleveraging: one opposing position per step.
		let step = T::WeightInfo::deleverage_step();
		while meter.can_consume(step) {
			let Some(((who, sub), state)) = Deleveraging::<T>::iter().next() else { break };
			meter.consume(step);
			Self::deleverage(&who, sub, state);
		}

		// 1. The index: per market and side, from the head while it has crossed. An account
		// still crossed after its turn (healthy at the boundary of the rounding band, or a
		// liquidation that could not progress) stays filed where it is, and the walk goes past
		// it: no account leaves the index while it holds a position, and none is visited twice
		// in a block.
		'markets: for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				let Some(mark) = T::Derivatives::mark_price(market) else { continue };
				let mut after: Option<Vec<u8>> = None;
				let mut seen: BTreeSet<(T::AccountId, SubAccount)> = BTreeSet::new();
				loop {
					let next = match &after {
						None => Index::<T>::iter_prefix((market, side)).next(),
						Some(raw) => {
							Index::<T>::iter_prefix_from((market, side), raw.clone()).next()
						},
					};
					let Some(((k, acct), ())) = next else { break };
					if !crossed(side, mark, k) {
						break;
					}
					if seen.contains(&acct) {
						after = Some(Index::<T>::hashed_key_for((market, side, k, &acct)));
						continue;
					}
					if !meter.can_consume(act) {
						break 'markets;
					}
					meter.consume(act);
					checked = checked.saturating_add(1);
					let (who, sub) = acct.clone();
					if let Some(snapshot) = T::Margin::snapshot(&who, sub) {
						match Self::liquidate_with(&who, sub, &snapshot) {
							Outcome::Liquidated => liquidated = liquidated.saturating_add(1),
							// Healthy after all (its collateral rose, or it sits in the band):
							// re-file at its price now, from the same valuation.
							Outcome::Healthy => Self::reindex_price(
								&who,
								sub,
								(snapshot.positions == 1).then_some(snapshot.equity_without_pnl),
							),
							Outcome::Unknown => {},
						}
					}
					if Indexed::<T>::get(&acct) == Some((market, side, k)) {
						after = Some(Index::<T>::hashed_key_for((market, side, k, &acct)));
					}
					seen.insert(acct);
				}
			}
		}

		// 2. The round-robin cursor over all accounts.
		let per = T::WeightInfo::check_account();
		let n = T::AccountChecksPerBlock::get();
		if meter.can_consume(per.saturating_mul(u64::from(n.max(1)))) {
			let page = T::Margin::accounts_after(CrossCursor::<T>::get(), n);
			let wrapped = (page.len() as u64) < u64::from(n);
			let page_len = page.len();
			let mut processed = 0usize;
			let mut last = None;
			for (who, sub) in page {
				// Room for the check and, should the account need it, its liquidation: the
				// sweep never goes over its budget.
				if !meter.can_consume(per.saturating_add(act)) {
					break;
				}
				meter.consume(per);
				checked = checked.saturating_add(1);
				if let Some(snapshot) = T::Margin::snapshot(&who, sub) {
					if snapshot.needs_action() {
						meter.consume(act);
						if Self::liquidate_with(&who, sub, &snapshot) == Outcome::Liquidated {
							liquidated = liquidated.saturating_add(1);
						}
					}
				}
				last = Some((who, sub));
				processed = processed.saturating_add(1);
			}
			// Start over only once the last page was done in full; stopped early, go on from
			// the last account checked (the tail is never starved); nothing done, stay put.
			if wrapped && processed == page_len {
				CrossCursor::<T>::put(None::<(T::AccountId, SubAccount)>);
			} else if last.is_some() {
				CrossCursor::<T>::put(last);
			}
		}

		let used = meter.consumed();
		if liquidated > 0 {
			log::info!(
				target: LOG_TARGET,
				"swept: {checked} checked, {liquidated} liquidated, {} ps of {} ps budget",
				used.ref_time(),
				budget.ref_time()
			);
			Self::deposit_event(Event::Swept { checked, liquidated, weight: used });
		}
		used
	}

	/// Serve the seizure queue while the caps have room and the meter allows. A served account
	/// seizes for what its live auctions do not already raise; one that finds no room (say, its
	/// asset's cap is full) goes back to the end, silently, and so does one whose liquidation
	/// failed: nobody loses their place to a live auction or a full cap.
	fn drain_queue(meter: &mut WeightMeter, act: Weight) -> u32 {
		let mut served = 0u32;
		// Serve only those queued before this block: an account that finds no room goes back
		// to the end and waits for the next block.
		let (_, end) = QueueBounds::<T>::get();
		loop {
			let (head, tail) = QueueBounds::<T>::get();
			if head >= tail
				|| head >= end
				|| TotalAuctionValue::<T>::get() >= T::MaxAuctionValue::get()
				|| !meter.can_consume(act)
			{
				break;
			}
			meter.consume(act);
			QueueBounds::<T>::put((head.saturating_add(1), tail));
			if let Some(key) = SeizureQueue::<T>::take(head) {
				Queued::<T>::remove(&key);
				let (who, sub) = key;
				match Self::liquidate_queued(&who, sub) {
					Outcome::Liquidated => served = served.saturating_add(1),
					// Failed (nothing applied): back to the end of the queue.
					Outcome::Unknown if T::Margin::balances(&who, sub).is_some() => {
						Self::enqueue(&who, sub, false)
					},
					_ => {},
				}
			}
		}
		served
	}
}
