//! Benchmarks of `pallet_stress` (frame-benchmarking v2).
//!
//! `evaluate(l)` values one margin account with `l` positions (up to [`Config::MaxLegs`]) in
//! every scenario and replaces a contribution it already made to the pass (the most work one
//! account can cost); `coverage` measures coverage against the runtime's real capacity
//! (insurance funds and both vaults' books) and moves the tightening; `step_base` is a block
//! with no account to value. Accounts come from the runtime's [`crate::BenchmarkHelper`].

use super::*;
use crate::types::PerScenario;
use alloc::vec::Vec;
use ballast_primitives::{math::stress::Scenario, traits::StressSubject};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{EnsureOrigin, Get},
		BoundedVec,
	},
	frame_system::Pallet as System,
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = T::DefaultParams::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_last_event::<T>(Event::ParamsSet { params });
		Ok(())
	}

	#[benchmark]
	fn step_base() -> Result<(), BenchmarkError> {
		// Room for the base and coverage only: no account is valued.
		let budget = T::WeightInfo::step_base().saturating_add(T::WeightInfo::coverage());
		let now = System::<T>::block_number();

		#[block]
		{
			Pallet::<T>::step(now, budget);
		}

		Ok(())
	}

	#[benchmark]
	fn coverage() -> Result<(), BenchmarkError> {
		let params = Params::<T>::get();
		let pass = Pass::<T>::get();

		#[block]
		{
			Pallet::<T>::control(&params, &pass);
		}

		Ok(())
	}

	#[benchmark]
	fn evaluate(l: Linear<1, { T::MaxLegs::get() }>) -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("trader", 0, 0);
		T::BenchmarkHelper::account_at_risk(&who, l);
		let scenarios: Vec<Scenario> = Params::<T>::get().scenarios().collect();
		let mut totals: PerScenario = BoundedVec::truncate_from(alloc::vec![0; scenarios.len()]);
		// A contribution to this pass already: the measured valuation replaces it.
		Pallet::<T>::evaluate(&who, 0, 1, &mut totals, &scenarios);
		if Contributions::<T>::get(&who, 0).is_none() {
			return Err(BenchmarkError::Stop("the helper's account is not at risk"));
		}
		let legs = T::Accounts::stress_profile(&who, 0).map_or(0, |p| p.legs.len());
		if legs != l as usize {
			return Err(BenchmarkError::Stop("the helper's account has another number of legs"));
		}

		#[block]
		{
			Pallet::<T>::evaluate(&who, 0, 1, &mut totals, &scenarios);
		}

		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
