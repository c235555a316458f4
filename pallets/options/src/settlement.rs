//! Expiry: fixing an expired series at the oracle price at expiry, and paying its positions
//! out of the vault, bounded per block (see the crate docs).

use crate::{
	impls::{payoff, to_signed, value_of},
	pallet::*,
	types::*,
	WeightInfo, LOG_TARGET,
};
use alloc::vec::Vec;
use ballast_primitives::{
	math::units::{permill_of, Rounding},
	traits::{MarginLedger, OnAccountChange, PriceProvider},
	Balance, Price,
};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	sp_arithmetic::Permill,
};

impl<T: Config> Pallet<T> {
	/// The settlement price of an expired series: the latest oracle price of its underlying if
	/// it is stamped at or after the expiry and its guard admits it (in bounds, no unconfirmed
	/// jump, within the key's maximum age); `None` (wait) otherwise.
	pub fn settlement_price(params: &SeriesParams) -> Option<Price> {
		let p = T::Prices::price(params.underlying)?;
		if p.timestamp < params.expiry {
			return None;
		}
		let bounds = T::Prices::bounds(params.underlying)?;
		let last = T::Prices::last_valid(params.underlying).map(|l| l.price);
		bounds.admit(p, T::Prices::now(), last, bounds.max_age).ok()
	}

	/// How many positions `budget` pays (at least one).
	pub(crate) fn positions_within(budget: Weight) -> u32 {
		let per = T::WeightInfo::settle_position();
		let by_time = budget.ref_time().checked_div(per.ref_time()).unwrap_or(u64::MAX);
		let by_proof = budget.proof_size().checked_div(per.proof_size()).unwrap_or(u64::MAX);
		u32::try_from(by_time.min(by_proof)).unwrap_or(u32::MAX).max(1)
	}

	/// `on_initialize`: continue the series being settled, or fix the next expired one that
	/// has a settlement price; pay as many of its positions as `budget` allows. Returns the
	/// weight used.
	pub fn settle_expired(budget: Weight) -> Weight {
		let mut used = T::WeightInfo::settle_idle();
		// One series at a time; when one finishes and budget remains, the next expired one.
		for round in 0..T::MaxLiveSeries::get() {
			let id = match Settling::<T>::get() {
				Some(id) => id,
				None => {
					let (started, w) = Self::start_next_settlement();
					used = used.saturating_add(w);
					match started {
						Some(id) => id,
						None => return used,
					}
				},
			};
			let left = budget.saturating_sub(used);
			// The first round pays at least one position whatever the budget: settlement
			// always progresses.
			if round > 0 && left.any_lt(T::WeightInfo::settle_position()) {
				break;
			}
			let n = Self::positions_within(left);
			let paid = Self::pay_positions(id, n);
			used = used
				.saturating_add(T::WeightInfo::settle_position().saturating_mul(u64::from(paid)));
			if Settling::<T>::get().is_some() {
				break;
			}
		}
		used
	}

	/// Fix the first expired series with a settlement price, reserve its payouts and make it
	/// the one being settled. Returns it and the weight spent looking.
	fn start_next_settlement() -> (Option<crate::SeriesId>, Weight) {
		let now = T::Prices::now();
		let active = ActiveSeries::<T>::get();
		let mut looked: u32 = 0;
		for (id, expiry) in active.iter() {
			if *expiry > now {
				continue;
			}
			looked = looked.saturating_add(1);
			let Some(mut s) = AllSeries::<T>::get(id) else { continue };
			if s.status != SeriesStatus::Live {
				continue;
			}
			let Some(u) = Underlyings::<T>::get(s.params.underlying) else { continue };
			let Some(price) = Self::settlement_price(&s.params) else {
				log::debug!(target: LOG_TARGET, "series {id} expired; waiting for a price");
				continue;
			};
			Self::fix_series(*id, &mut s, &u, price);
			return (Some(*id), T::WeightInfo::start_settlement(looked));
		}
		(None, T::WeightInfo::start_settlement(looked))
	}

	/// Fix series `id` at `price`: reserve `min(Σ payoffs, free cash)` of the vault's cash and
	/// make it the one being settled (at expiry, or by a global settlement).
	pub(crate) fn fix_series(
		id: crate::SeriesId,
		s: &mut Series,
		u: &UnderlyingParams,
		price: Price,
	) {
		let per_token = payoff(&s.params, price);
		let payout = value_of::<T>(s.open_interest, u.base_decimals, per_token, Rounding::Down)
			.unwrap_or(Balance::MAX);
		let mut vault = VaultState::<T>::get();
		let free = vault.cash.saturating_sub(vault.reserved);
		let (ratio, reserve) = if payout <= free {
			(Permill::one(), payout)
		} else {
			let r = permill_of(free, payout, Rounding::Down);
			(r, r.mul_floor(payout))
		};
		vault.reserved = vault.reserved.saturating_add(reserve);
		VaultState::<T>::put(vault);
		s.status = SeriesStatus::Settling { price, ratio, paid: 0 };
		AllSeries::<T>::insert(id, *s);
		Settling::<T>::put(id);
		Self::deposit_event(Event::SettlementStarted {
			series: id,
			price,
			payout,
			ratio,
			shortfall: payout.saturating_sub(reserve),
		});
	}

	/// Pay up to `n` positions of series `id` (being settled); finish it when none is left.
	/// Returns how many were paid.
	pub(crate) fn pay_positions(id: crate::SeriesId, n: u32) -> u32 {
		let Some(mut s) = AllSeries::<T>::get(id) else {
			Settling::<T>::kill();
			return 0;
		};
		let SeriesStatus::Settling { price, ratio, paid: paid_before } = s.status else {
			Settling::<T>::kill();
			return 0;
		};
		let decimals = Underlyings::<T>::get(s.params.underlying).map_or(0, |u| u.base_decimals);
		let per_token = payoff(&s.params, price);
		let batch: Vec<_> = Positions::<T>::iter_prefix(id)
			.take(usize::try_from(n).unwrap_or(usize::MAX))
			.collect();
		let mut vault = VaultState::<T>::get();
		let mut paid: u32 = 0;
		let mut paid_total = paid_before;
		let mut stuck = false;
		for (key, pos) in batch {
			let full =
				value_of::<T>(pos.quantity, decimals, per_token, Rounding::Down).unwrap_or(0);
			// Never more than the reserve holds (it holds at least Σ payouts: rounded down each).
			let payout = ratio.mul_floor(full).min(vault.reserved);
			let credited = to_signed::<T>(payout)
				.map_err(Into::into)
				.and_then(|p| T::Ledger::settle(&key.0, key.1, p));
			if let Err(e) = credited {
				// Unreachable: a margin account with a position cannot be closed. The position
				// stays, and is tried again next block.
				log::error!(target: LOG_TARGET, "payout of {id} to {:?}: {e:?}", key.1);
				stuck = true;
				continue;
			}
			vault.reserved = vault.reserved.saturating_sub(payout);
			vault.cash = vault.cash.saturating_sub(payout);
			paid_total = paid_total.saturating_add(payout);
			Positions::<T>::remove(id, &key);
			Self::forget_series(&key, id);
			s.open_interest = s.open_interest.saturating_sub(pos.quantity);
			s.holders = s.holders.saturating_sub(1);
			T::OnChange::changed(&key.0, key.1);
			Self::deposit_event(Event::PositionSettled {
				who: key.0.clone(),
				sub: key.1,
				series: id,
				quantity: pos.quantity,
				payout,
			});
			paid = paid.saturating_add(1);
		}
		if !stuck && s.holders == 0 && Positions::<T>::iter_prefix(id).next().is_none() {
			// What rounding left in the reserve is the vault's again.
			vault.reserved = 0;
			s.status = SeriesStatus::Settled { price };
			ActiveSeries::<T>::mutate(|a| a.retain(|(x, _)| *x != id));
			Settling::<T>::kill();
			Self::deposit_event(Event::SeriesSettled { series: id, price, paid: paid_total });
		} else {
			s.status = SeriesStatus::Settling { price, ratio, paid: paid_total };
		}
		AllSeries::<T>::insert(id, s);
		VaultState::<T>::put(vault);
		paid
	}
}
