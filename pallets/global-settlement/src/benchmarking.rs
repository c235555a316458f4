//! Benchmarks of `pallet_global_settlement` (frame-benchmarking v2).
//!
//! `trigger(k)` fixes the prices of the `k` keys the runtime's products need (listed and made
//! valid by the [`crate::BenchmarkHelper`], as far as the runtime can); `step_base` is a settling block whose products have nothing
//! left (the pallet's own part: the products weigh their positions themselves, perpetuals as a
//! close, options as an expiry payout); `step_idle` a live block.

use super::*;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{EnsureOrigin, Get},
	frame_system::Pallet as System,
};

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn trigger(k: Linear<1, { T::MaxKeys::get() }>) -> Result<(), BenchmarkError> {
		let keys = T::BenchmarkHelper::prices(k);
		let origin =
			T::SettleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);

		assert!(Status::<T>::get().is_settling());
		assert_eq!(SettlementPrices::<T>::get().len(), usize::try_from(keys).unwrap_or(0));
		Ok(())
	}

	#[benchmark]
	fn step_idle() -> Result<(), BenchmarkError> {
		let now = System::<T>::block_number();

		#[block]
		{
			Pallet::<T>::step(now, T::SettleBudget::get());
		}

		assert!(Status::<T>::get().is_live());
		Ok(())
	}

	#[benchmark]
	fn step_base() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::prices(1);
		Pallet::<T>::do_trigger().map_err(|_| BenchmarkError::Weightless)?;
		let now = System::<T>::block_number();
		// Room for the pallet's own part only: the products settle at most one position.
		let budget = T::WeightInfo::step_base();

		#[block]
		{
			Pallet::<T>::step(now, budget);
		}

		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
