//! Benchmarks of `pallet_validator_set` (frame-benchmarking v2), each at its worst case: an
//! addition to a set one short of [`Config::MaxValidators`], a removal from a full set.

use super::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{EnsureOrigin, Get},
};

/// `n` accounts with session keys, as the set.
fn fill<T: Config>(n: u32) -> Vec<T::AccountId> {
	let accounts: Vec<T::AccountId> = (0..n).map(|i| account("validator", i, 0)).collect();
	for who in &accounts {
		T::BenchmarkHelper::register_keys(who);
	}
	accounts
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		let max = T::MaxValidators::get();
		let set = fill::<T>(max.saturating_sub(1));
		Pallet::<T>::initialize(set, T::MinSessionLength::get())
			.map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("joining", 0, 0);
		T::BenchmarkHelper::register_keys(&who);
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let set = fill::<T>(T::MaxValidators::get());
		let who = set.first().cloned().ok_or(BenchmarkError::Weightless)?;
		Pallet::<T>::initialize(set, T::MinSessionLength::get())
			.map_err(|_| BenchmarkError::Weightless)?;
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn set_session_length() -> Result<(), BenchmarkError> {
		let length = T::MaxSessionLength::get();
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, length);

		assert_eq!(SessionLength::<T>::get(), length);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
