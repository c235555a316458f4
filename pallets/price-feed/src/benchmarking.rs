//! Benchmarks of `pallet_price_feed`'s governance calls (frame-benchmarking v2). The offchain
//! worker costs no block weight; what it submits is `pallet-oracle`'s `feed_values`.
//!
//! Worst cases: a new asset (the counted map's counter is read and written, the price guard's
//! bounds of its key are read), `MaxSources` sources with the longest URLs and paths
//! (validation walks them all, the whole list is encoded), and removing an asset that has them.
//! The runtime's [`crate::BenchmarkHelper`] guards the asset's oracle key first.

use super::*;
use crate::types::{FeedParams, Source, MAX_PATH_LEN, MAX_URL_LEN};
use alloc::vec::Vec;
use ballast_primitives::{traits::PriceProvider, AssetId};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{EnsureOrigin, Get},
	frame_system::Pallet as System,
	sp_arithmetic::Permill,
};

/// An asset id no genesis feeds.
const ASSET: AssetId = 9_999;

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

fn params() -> FeedParams {
	FeedParams {
		min_sources: 1,
		max_deviation: Permill::from_percent(10),
		min_interval: 3,
		move_threshold: Permill::from_parts(5_000),
		heartbeat: 60_000,
	}
}

/// Have the runtime guard [`ASSET`]'s oracle key (only a guarded asset can be fed).
fn guarded<T: Config>() -> Result<(), BenchmarkError> {
	<T as Config>::BenchmarkHelper::guard(ASSET);
	if T::Prices::bounds(ASSET).is_none() {
		return Err(BenchmarkError::Stop("BenchmarkHelper::guard left the oracle key unguarded"));
	}
	Ok(())
}

/// `MaxSources` sources with URLs and paths of the greatest length.
fn longest_sources<T: Config>() -> Result<SourcesOf<T>, BenchmarkError> {
	let prefix = "https://";
	let host_len = usize::try_from(MAX_URL_LEN).unwrap_or(0).saturating_sub(prefix.len());
	let mut url = alloc::string::String::from(prefix);
	url.extend(core::iter::repeat_n('a', host_len));
	let path: alloc::string::String =
		core::iter::repeat_n('p', usize::try_from(MAX_PATH_LEN).unwrap_or(0)).collect();
	let source = Source::new(&url, &path, 8).ok_or(BenchmarkError::Stop("source too long"))?;
	let all: Vec<Source> = (0..T::MaxSources::get()).map(|_| source.clone()).collect();
	SourcesOf::<T>::try_from(all).map_err(|_| BenchmarkError::Stop("too many sources"))
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		guarded::<T>()?;
		let origin = governance::<T>()?;
		let p = params();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ASSET, p);

		assert_last_event::<T>(Event::ParamsSet { asset: ASSET, params: p });
		Ok(())
	}

	#[benchmark]
	fn set_sources() -> Result<(), BenchmarkError> {
		guarded::<T>()?;
		Pallet::<T>::do_set_params(ASSET, params())
			.map_err(|_| BenchmarkError::Stop("cannot set params"))?;
		let sources = longest_sources::<T>()?;
		let origin = governance::<T>()?;
		let count = T::MaxSources::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ASSET, sources);

		assert_last_event::<T>(Event::SourcesSet { asset: ASSET, count });
		Ok(())
	}

	#[benchmark]
	fn remove_asset() -> Result<(), BenchmarkError> {
		guarded::<T>()?;
		Pallet::<T>::do_set_params(ASSET, params())
			.map_err(|_| BenchmarkError::Stop("cannot set params"))?;
		Pallet::<T>::do_set_sources(ASSET, longest_sources::<T>()?)
			.map_err(|_| BenchmarkError::Stop("cannot set sources"))?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ASSET);

		assert_last_event::<T>(Event::AssetRemoved { asset: ASSET });
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
