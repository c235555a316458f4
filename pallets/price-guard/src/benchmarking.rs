//! Benchmarks of `pallet_price_guard` (frame-benchmarking v2).
//!
//! `set_guard` is measured guarding a new key with `GuardedKeys` nearly full (the vector is
//! decoded and re-encoded); `observe` with `n` guarded keys that all have a new valid price,
//! i.e. all take the update path: the runtime's [`crate::BenchmarkHelper`] must set prices.
//!
//! Run the tests: `cargo test -p pallet-price-guard --features runtime-benchmarks`.

use super::*;
use ballast_primitives::{traits::TimestampedPrice, OracleKey, Price};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{EnsureOrigin, Get},
	frame_system::Pallet as System,
	sp_arithmetic::Permill,
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

fn params() -> GuardParams {
	GuardParams {
		min_price: Price::from_u32(1),
		max_price: Price::from_u32(1_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: Permill::from_percent(20),
		jump_confirm: 60_000,
	}
}

/// Guards keys `FIRST..FIRST + n` (above any key a genesis guards).
const FIRST: OracleKey = 1_000_000;

fn guard_keys<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	let existing = u32::try_from(GuardedKeys::<T>::decode_len().unwrap_or(0)).unwrap_or(u32::MAX);
	for i in 0..n.saturating_sub(existing) {
		Pallet::<T>::do_set_guard(FIRST.saturating_add(i), params())
			.map_err(|_| BenchmarkError::Stop("cannot guard a key"))?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_guard() -> Result<(), BenchmarkError> {
		guard_keys::<T>(T::MaxKeys::get().saturating_sub(1))?;
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let key = FIRST.saturating_sub(1);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, key, params());

		assert_last_event::<T>(Event::GuardSet { key, params: params() });
		Ok(())
	}

	#[benchmark]
	fn set_volatility() -> Result<(), BenchmarkError> {
		guard_keys::<T>(1)?;
		let key = GuardedKeys::<T>::get().first().copied().ok_or(BenchmarkError::Weightless)?;
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let volatility = Permill::from_percent(40);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, key, volatility);

		assert_last_event::<T>(Event::VolatilitySet { key, volatility });
		Ok(())
	}

	#[benchmark]
	fn set_feed_rules() -> Result<(), BenchmarkError> {
		let origin =
			T::FeedRulesOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let rules = FeedRules { min_count: 2, max_deviation: Permill::from_percent(5) };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, rules);

		assert_last_event::<T>(Event::FeedRulesSet { rules });
		Ok(())
	}

	#[benchmark]
	fn observe(n: Linear<0, { T::MaxKeys::get() }>) -> Result<(), BenchmarkError> {
		guard_keys::<T>(n)?;
		let keys = GuardedKeys::<T>::get();
		// A first price per key becomes the reference; the second is what is measured.
		for key in keys.iter().copied() {
			T::BenchmarkHelper::set_price(
				key,
				TimestampedPrice { price: Price::from_u32(100), timestamp: 1 },
			);
		}
		Pallet::<T>::observe_prices();
		for key in keys.iter().copied() {
			T::BenchmarkHelper::set_price(
				key,
				TimestampedPrice { price: Price::from_u32(110), timestamp: 2 },
			);
		}

		#[block]
		{
			Pallet::<T>::observe_prices();
		}

		for key in keys.iter().copied() {
			if LastValid::<T>::get(key).is_some_and(|p| p.timestamp == 2) {
				assert!(Volatility::<T>::get(key).is_some_and(|s| s.volatility > Permill::zero()));
			}
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
