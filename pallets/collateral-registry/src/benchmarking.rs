//! Benchmarks of `pallet_collateral_registry` (frame-benchmarking v2).
//!
//! Every call is measured in its worst case: a parameter set with `MaxBands` bands (validation
//! walks them all); for `register_asset`, a nearly full `ListedAssets` (the whole vector is
//! decoded and re-encoded); for `update_params`, a change of decimals (the holdings are read);
//! for `emergency_tighten`, every band raised on top of an earlier tightening. Registering an asset or replacing its parameters needs a guarded
//! oracle key: the runtime's [`crate::BenchmarkHelper`] guards the keys the benchmarks use.
//!
//! Run the tests: `cargo test -p pallet-collateral-registry --features runtime-benchmarks`.

use super::*;
use crate::types::*;
use alloc::{boxed::Box, vec::Vec};
use ballast_primitives::{AssetStatus, OracleKey};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		pallet_prelude::{BoundedVec, Get},
		traits::EnsureOrigin,
	},
	frame_system::Pallet as System,
	sp_arithmetic::{PerThing, Permill},
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// A valid parameter set with `MaxBands` bands, for `oracle_key` (which the caller guards).
fn worst_case_params<T: Config>(oracle_key: OracleKey) -> CollateralParamsOf<T> {
	let n = T::MaxBands::get().min(Permill::ACCURACY / 2);
	// Band volatilities spread over (0, 100%], haircuts from 10% up to at most 90%.
	let vol_step = Permill::ACCURACY.checked_div(n.saturating_add(1)).unwrap_or(1).max(1);
	let haircut_step = 800_000u32.checked_div(n.max(1)).unwrap_or(0);
	let bands: Vec<VolatilityBand> = (0..n)
		.map(|i| VolatilityBand {
			min_volatility: Permill::from_parts(vol_step.saturating_mul(i.saturating_add(1))),
			haircut: Permill::from_parts(
				100_000u32.saturating_add(haircut_step.saturating_mul(i.saturating_add(1))),
			),
		})
		.collect();
	CollateralParams {
		decimals: 18,
		oracle_key,
		haircut: HaircutSchedule {
			base: Permill::from_percent(10),
			bands: BoundedVec::truncate_from(bands),
			concentration: ConcentrationAddOn {
				market_depth: 1_000_000_000_000_000_000_000,
				slope: Permill::from_percent(10),
				max_add_on: Permill::from_percent(20),
			},
		},
		liquidation_threshold: Permill::from_percent(90),
		liquidation_penalty: Permill::from_percent(10),
		supply_cap: 1_000_000_000_000_000_000_000_000,
		account_cap: 1_000_000_000_000_000_000_000,
		status: AssetStatus::Active,
	}
}

/// List assets `1..=n` (ids from 1, each priced under the oracle key of its id; the benchmarked
/// asset uses `0`), on an empty registry: a genesis's own listings (the dev chain's) are
/// removed first, so the benchmarks measure the same state on any chain spec.
fn list_assets<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	let _ = AssetParams::<T>::clear(u32::MAX, None);
	ListedAssets::<T>::kill();
	for asset in 1..=n {
		T::BenchmarkHelper::guard(asset);
		Pallet::<T>::do_register_asset(asset, worst_case_params::<T>(asset))
			.map_err(|_| BenchmarkError::Stop("cannot list asset"))?;
	}
	Ok(())
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

fn listing<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

#[benchmarks]
mod benches {
	use super::*;

	#[benchmark]
	fn register_asset() -> Result<(), BenchmarkError> {
		list_assets::<T>(T::MaxAssets::get().saturating_sub(1))?;
		let origin = listing::<T>()?;
		T::BenchmarkHelper::guard(0);
		let params = worst_case_params::<T>(0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, Box::new(params.clone()));

		assert_eq!(AssetParams::<T>::get(0), Some(params));
		assert_last_event::<T>(Event::AssetRegistered { asset: 0 });
		Ok(())
	}

	#[benchmark]
	fn update_params() -> Result<(), BenchmarkError> {
		list_assets::<T>(1)?;
		let origin = governance::<T>()?;
		let mut params = worst_case_params::<T>(1);
		params.status = AssetStatus::ReduceOnly;
		params.liquidation_penalty = Permill::from_percent(5);
		// A change of decimals: the margin engine's holdings of the asset are read (none).
		params.decimals = 8;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, Box::new(params.clone()));

		assert_eq!(AssetParams::<T>::get(1), Some(params));
		assert_last_event::<T>(Event::ParamsUpdated { asset: 1 });
		Ok(())
	}

	#[benchmark]
	fn set_status() -> Result<(), BenchmarkError> {
		list_assets::<T>(1)?;
		let origin = listing::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, AssetStatus::Frozen);

		assert_last_event::<T>(Event::StatusChanged {
			asset: 1,
			from: AssetStatus::Active,
			to: AssetStatus::Frozen,
		});
		Ok(())
	}

	#[benchmark]
	fn set_caps() -> Result<(), BenchmarkError> {
		list_assets::<T>(1)?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, 2_000, 1_000);

		assert_last_event::<T>(Event::CapsUpdated {
			asset: 1,
			supply_cap: 2_000,
			account_cap: 1_000,
		});
		Ok(())
	}

	#[benchmark]
	fn emergency_tighten() -> Result<(), BenchmarkError> {
		// The most bands (each one raised) and an earlier tightening to add to.
		list_assets::<T>(1)?;
		let origin =
			T::EmergencyOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let bound = T::EmergencyBound::get();
		let one_point = Permill::from_parts(10_000);
		let step = Tightening {
			haircut_rise: bound.haircut_rise.min(one_point),
			threshold_cut: bound.threshold_cut.min(one_point),
		};
		let half =
			|p: Permill| Permill::from_parts(p.deconstruct().checked_div(2).unwrap_or_default());
		let step = Tightening {
			haircut_rise: half(step.haircut_rise),
			threshold_cut: half(step.threshold_cut),
		};
		if step.is_zero() {
			return Err(BenchmarkError::Weightless);
		}
		Pallet::<T>::do_emergency_tighten(1, step)
			.map_err(|_| BenchmarkError::Stop("cannot tighten"))?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, step);

		let total = step.then_within(&step, &bound).ok_or(BenchmarkError::Stop("bound"))?;
		assert_last_event::<T>(Event::EmergencyTightened { asset: 1, step, total });
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
