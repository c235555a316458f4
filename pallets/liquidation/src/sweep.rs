//! The per-block sweep: under a weight budget, serve the seizure queue, deleverage waiting
//! shortfalls, liquidate the isolated accounts whose liquidation price the mark crossed (head
//! of the index first), value again the accounts one of whose triggers fired (the watch), then
//! re-check a page of accounts with positions with the round-robin backstop. Work that does not
//! fit stays where it is for the next block.

use crate::{pallet::*, types::*, weights, WeightInfo, LOG_TARGET};
use alloc::{collections::BTreeSet, vec::Vec};
use ballast_primitives::{
	traits::{Derivatives, MarginSide, SettlementStatus},
	SubAccount,
};
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{Weight, WeightMeter},
};

impl<T: Config> Pallet<T> {
	/// One block's sweep within `budget`; returns the weight used.
	pub fn sweep(budget: Weight) -> Weight {
		if <T::Settlement as SettlementStatus>::is_settling() {
			// A global settlement is closing every position at its fixed prices: nothing is
			// closed, seized or deleveraged at live prices meanwhile.
			return T::DbWeight::get().reads(1);
		}
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

		// 1. The liquidation-price index (isolated accounts with one position): per market and
		// side, from the head while it has crossed. An account still crossed after its turn
		// (healthy at the boundary of the rounding band, or a liquidation that could not
		// progress) stays filed where it is, and the walk goes past it. No account is valued
		// twice in a block, whichever index or walk finds it first.
		let mut seen: BTreeSet<(T::AccountId, SubAccount)> = BTreeSet::new();
		let mut budget_left = true;
		'markets: for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				let Some(mark) = T::Derivatives::mark_price(market) else { continue };
				let mut after: Option<Vec<u8>> = None;
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
					if !seen.contains(&acct) {
						if !meter.can_consume(act) {
							budget_left = false;
							break 'markets;
						}
						// The liquidation's weight covers its valuation.
						meter.consume(act);
						checked = checked.saturating_add(1);
						let (who, sub) = acct.clone();
						if Self::recheck(&who, sub, &mut meter, Weight::zero())
							== Outcome::Liquidated
						{
							liquidated = liquidated.saturating_add(1);
						}
						seen.insert(acct.clone());
					}
					after = Some(Index::<T>::hashed_key_for((market, side, k, &acct)));
				}
			}
		}

		// 1b. The watch: every account with a position, under each source it is exposed to,
		// from the head of each source while its trigger has fired.
		if budget_left {
			budget_left = Self::walk_watch(&mut meter, &mut seen, &mut checked, &mut liquidated);
		}

		// 2. The backstop: a round-robin cursor over the accounts with positions or debt
		// ([`Watching`]: empty accounts are not in it), each charged at its own class.
		let n = T::AccountChecksPerBlock::get();
		if budget_left && n > 0 {
			let cursor = CrossCursor::<T>::get();
			let take = usize::try_from(n).unwrap_or(usize::MAX);
			let page = Self::watched_after(cursor.as_ref(), take);
			let wrapped = (page.len() as u64) < u64::from(n);
			let page_len = page.len();
			let mut processed = 0usize;
			let mut last = None;
			for acct in page {
				let cost = Self::check_weight(&acct);
				let reserve = Self::act_weight(&acct, act);
				// Room for the check and, should the account need it, its liquidation: the
				// sweep never goes over its budget.
				if !meter.can_consume(cost.saturating_add(reserve)) {
					break;
				}
				if !seen.contains(&acct) {
					meter.consume(cost);
					checked = checked.saturating_add(1);
					let (who, sub) = acct.clone();
					if Self::recheck(&who, sub, &mut meter, act) == Outcome::Liquidated {
						liquidated = liquidated.saturating_add(1);
					}
				}
				last = Some(acct);
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
		let max_auction_value = Params::<T>::get().max_auction_value;
		loop {
			let (head, tail) = QueueBounds::<T>::get();
			let reserve =
				SeizureQueue::<T>::get(head).map_or(act, |key| Self::act_weight(&key, act));
			if head >= tail
				|| head >= end
				|| TotalAuctionValue::<T>::get() >= max_auction_value
				|| !meter.can_consume(reserve)
			{
				break;
			}
			meter.consume(act);
			QueueBounds::<T>::put((head.saturating_add(1), tail));
			if let Some(key) = SeizureQueue::<T>::take(head) {
				Queued::<T>::remove(&key);
				let (who, sub) = key;
				let (outcome, spent) = Self::liquidate_queued(&who, sub);
				meter.consume(spent);
				match outcome {
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
