//! Global settlement (emergency shutdown): every live, unexpired series is fixed at the one
//! fixed price of its underlying and its positions are paid through the expiry path
//! (`settlement.rs`: the reserve, the cursor, the pro-rata ratio if the vault cannot cover
//! the series), a bounded number per block.
//!
//! A position is paid its **intrinsic value** at the fixed price (`max(0, S − K)` for a call,
//! `max(0, K − S)` for a put), not its Black–Scholes mid. The choice: one payout path, the
//! expiry's, with its reserve and its ratio, already proven to pay out exactly what the vault
//! holds; a model value would need the implied volatility and time to expiry of the trigger
//! block frozen per series (the vault's and the stress test's figures would then disagree with
//! the status the series carries). The time value is the holders' loss and the LPs' gain; the
//! README says so. Series already expired (or that expire while the settlement runs) are
//! settled by the normal expiry path at their expiry price.

use crate::{pallet::*, types::*, WeightInfo, LOG_TARGET};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{GlobalSettle, PriceProvider, SettleStep},
	OracleKey, Price,
};
use polkadot_sdk::frame_support::{traits::Get, weights::Weight};

impl<T: Config> Pallet<T> {
	/// The live series not yet expired, with their underlyings.
	fn unexpired_live() -> Vec<(SeriesId, Series)> {
		let now = T::Prices::now();
		ActiveSeries::<T>::get()
			.iter()
			.filter(|(_, expiry)| *expiry > now)
			.filter_map(|(id, _)| AllSeries::<T>::get(id).map(|s| (*id, s)))
			.filter(|(_, s)| s.status == SeriesStatus::Live)
			.collect()
	}
}

impl<T: Config> GlobalSettle for Pallet<T> {
	/// The underlyings of the live series not yet expired.
	fn price_keys() -> Vec<OracleKey> {
		let mut keys: Vec<OracleKey> =
			Self::unexpired_live().into_iter().map(|(_, s)| s.params.underlying).collect();
		keys.sort_unstable();
		keys.dedup();
		keys
	}

	fn settle_next(
		prices: &[(OracleKey, Price)],
		max_positions: u32,
		budget: Weight,
	) -> SettleStep {
		let mut used = T::DbWeight::get().reads(2);
		let mut settled: u32 = 0;
		let price_of = |k: OracleKey| prices.iter().find(|(p, _)| *p == k).map(|(_, p)| *p);
		// One series per round: the one being settled, else the next live one fixed now.
		for _ in 0..=T::MaxLiveSeries::get() {
			if settled >= max_positions {
				return SettleStep { settled, weight: used, done: false };
			}
			let id = match Settling::<T>::get() {
				Some(id) => id,
				None => {
					let live = Self::unexpired_live();
					used = used.saturating_add(T::WeightInfo::start_settlement(
						u32::try_from(live.len()).unwrap_or(u32::MAX),
					));
					let next = live.into_iter().find_map(|(id, s)| {
						let u = Underlyings::<T>::get(s.params.underlying)?;
						let price = price_of(s.params.underlying)?;
						Some((id, s, u, price))
					});
					let Some((id, mut s, u, price)) = next else {
						return SettleStep { settled, weight: used, done: true };
					};
					Self::fix_series(id, &mut s, &u, price);
					id
				},
			};
			let left = budget.saturating_sub(used);
			if settled > 0 && left.any_lt(T::WeightInfo::settle_position()) {
				break;
			}
			let n = Self::positions_within(left).min(max_positions.saturating_sub(settled));
			let paid = Self::pay_positions(id, n);
			used = used
				.saturating_add(T::WeightInfo::settle_position().saturating_mul(u64::from(paid)));
			settled = settled.saturating_add(paid);
			if Settling::<T>::get().is_some() && paid < n {
				// Unreachable (a payout failed): tried again next block.
				log::error!(target: LOG_TARGET, "global settlement of {id}: a payout failed");
				break;
			}
		}
		SettleStep { settled, weight: used, done: false }
	}
}
