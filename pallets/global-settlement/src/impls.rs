//! The trigger, the per-block step and the invariants.

use crate::{
	fix, pallet::*, types::Phase, GlobalSettle, PriceProvider, WeightInfo, LOG_TARGET,
	SETTLEMENT_PRICE_MODE,
};
use alloc::vec::Vec;
use ballast_primitives::{OracleKey, Price};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, weights::Weight, BoundedVec},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Fix the prices and start settling; see [`Pallet::trigger`]. Returns the prices.
	pub fn do_trigger() -> Result<Vec<(OracleKey, Price)>, DispatchError> {
		ensure!(Status::<T>::get().is_live(), Error::<T>::AlreadyTriggered);
		let keys = T::Products::price_keys();
		let prices = fix::fix_prices(&keys, |k| T::Prices::checked(k, SETTLEMENT_PRICE_MODE))
			.map_err(|(key, e)| {
				log::warn!(target: LOG_TARGET, "no valid price for key {key}: {e:?}");
				Error::<T>::PriceUnavailable
			})?;
		let bounded: BoundedVec<_, T::MaxKeys> =
			BoundedVec::try_from(prices.clone()).map_err(|_| Error::<T>::TooManyKeys)?;
		SettlementPrices::<T>::put(bounded);
		let since = frame_system::Pallet::<T>::block_number();
		Status::<T>::put(Phase::Settling { since, settled: 0, blocks: 0 });
		Ok(prices)
	}

	/// `on_initialize`: while settling, have the products settle their next positions at the
	/// fixed prices, at most [`Config::MaxSettlePerBlock`] and within `budget`; complete the
	/// settlement when they are all done. Returns the weight used.
	pub fn step(now: BlockNumberFor<T>, budget: Weight) -> Weight {
		let Phase::Settling { since, settled, blocks } = Status::<T>::get() else {
			return T::WeightInfo::step_idle();
		};
		let base = T::WeightInfo::step_base();
		let prices = SettlementPrices::<T>::get();
		let step = T::Products::settle_next(
			&prices,
			T::MaxSettlePerBlock::get(),
			budget.saturating_sub(base),
		);
		let total = settled.saturating_add(step.settled);
		if step.settled > 0 {
			Self::deposit_event(Event::Progress { settled: step.settled, total });
		}
		if step.done {
			Status::<T>::put(Phase::Settled { since, at: now, settled: total });
			Self::deposit_event(Event::Completed { total });
		} else {
			let blocks = blocks.saturating_add(u32::from(step.settled > 0));
			Status::<T>::put(Phase::Settling { since, settled: total, blocks });
		}
		base.saturating_add(step.weight)
	}

	/// Check the pallet's invariants:
	/// * while live, no price is fixed;
	/// * once triggered, the prices are sorted by key, one per key, none zero;
	/// * the trigger is not in the future, and a settlement completes after its trigger.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let prices = SettlementPrices::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		match Status::<T>::get() {
			Phase::Live => ensure!(prices.is_empty(), "prices fixed while live"),
			Phase::Settling { since, .. } => {
				ensure!(fix::well_formed(&prices), "settlement prices malformed");
				ensure!(since <= now, "trigger in the future");
			},
			Phase::Settled { since, at, .. } => {
				ensure!(fix::well_formed(&prices), "settlement prices malformed");
				ensure!(since <= at && at <= now, "completed before its trigger");
			},
		}
		Ok(())
	}
}
