//! Test runtime: `frame_system` and the registry, with a price guard stand-in ([`MockPrices`]):
//! bounds and volatility per oracle key from thread-local tables (the registry reads no prices),
//! and a margin engine stand-in ([`MockHoldings`]): how much of each asset is held.

use crate::{self as pallet_collateral_registry, types::*, CollateralParamsOf};
use ballast_primitives::{
	traits::{CollateralHoldings, PriceBounds, PriceProvider, TimestampedPrice},
	AssetId, AssetStatus, Balance, Moment, OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		traits::{ConstU32, Get},
		BoundedVec,
	},
	frame_system::{self, EnsureRoot},
	sp_arithmetic::Permill,
	sp_io,
	sp_runtime::BuildStorage,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type CollateralRegistry = pallet_collateral_registry;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Most listed assets in the mock.
pub const MAX_ASSETS: u32 = 8;
/// Most bands per schedule in the mock.
pub const MAX_BANDS: u32 = 4;

polkadot_sdk::frame_support::parameter_types! {
	/// At most 10 points on the haircuts and 5 on the threshold between governance decisions.
	pub const EmergencyBound: crate::Tightening = crate::Tightening {
		haircut_rise: Permill::from_percent(10),
		threshold_cut: Permill::from_percent(5),
	};
}

/// An oracle key no test guards unless it says so.
pub const UNGUARDED_KEY: OracleKey = 99;

/// The bounds every key is guarded with: what tests used to put in the parameter set.
pub fn default_bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(1_000),
		max_price: Price::from_u32(1_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: polkadot_sdk::sp_arithmetic::Permill::from_percent(50),
	}
}

thread_local! {
	static BOUNDS: RefCell<BTreeMap<OracleKey, PriceBounds>> =
		const { RefCell::new(BTreeMap::new()) };
	static VOLATILITY: RefCell<BTreeMap<OracleKey, Permill>> =
		const { RefCell::new(BTreeMap::new()) };
	static HOLDINGS: RefCell<BTreeMap<AssetId, Balance>> = const { RefCell::new(BTreeMap::new()) };
}

/// Margin engine stand-in: how much of each asset margin accounts hold.
pub struct MockHoldings;

impl MockHoldings {
	/// From now on margin accounts hold `amount` of `asset` in total.
	pub fn set(asset: AssetId, amount: Balance) {
		HOLDINGS.with(|h| h.borrow_mut().insert(asset, amount));
	}

	/// Nothing is held.
	pub fn clear() {
		HOLDINGS.with(|h| h.borrow_mut().clear());
	}
}

impl CollateralHoldings for MockHoldings {
	fn total_held(asset: AssetId) -> Balance {
		HOLDINGS.with(|h| h.borrow().get(&asset).copied()).unwrap_or_default()
	}
}

/// Price guard stand-in: whatever the test put in the thread-local tables.
pub struct MockPrices;

impl MockPrices {
	/// Empty tables, with keys `0..=MAX_ASSETS` (the keys of [`params_for`] the tests use)
	/// guarded by [`default_bounds`]. Called by [`new_test_ext_with`], before genesis.
	pub fn reset() {
		VOLATILITY.with(|v| v.borrow_mut().clear());
		BOUNDS.with(|b| {
			let mut b = b.borrow_mut();
			b.clear();
			for key in 0..=MAX_ASSETS {
				b.insert(key, default_bounds());
			}
		});
	}

	/// From now on `key` is guarded by [`default_bounds`].
	pub fn guard(key: OracleKey) {
		BOUNDS.with(|b| b.borrow_mut().insert(key, default_bounds()));
	}

	/// From now on `key` has no guard (`bounds(key)` is `None`).
	pub fn unguard(key: OracleKey) {
		BOUNDS.with(|b| b.borrow_mut().remove(&key));
	}

	/// From now on the tracked volatility of `key` is `volatility`.
	pub fn set_volatility(key: OracleKey, volatility: Permill) {
		VOLATILITY.with(|v| v.borrow_mut().insert(key, volatility));
	}
}

impl PriceProvider for MockPrices {
	fn price(_: OracleKey) -> Option<TimestampedPrice> {
		None
	}

	fn now() -> Moment {
		0
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		BOUNDS.with(|b| b.borrow().get(&key).copied())
	}

	fn volatility(key: OracleKey) -> Permill {
		VOLATILITY.with(|v| v.borrow().get(&key).copied()).unwrap_or_default()
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockPrices {
	fn guard(key: OracleKey) {
		Self::guard(key);
	}
}

impl pallet_collateral_registry::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<u64>;
	type ListingOrigin = EnsureRoot<u64>;
	type EmergencyOrigin = EnsureRoot<u64>;
	type Prices = MockPrices;
	type Holdings = MockHoldings;
	type MaxAssets = ConstU32<MAX_ASSETS>;
	type MaxBands = ConstU32<MAX_BANDS>;
	type EmergencyBound = EmergencyBound;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockPrices;
}

/// BTC-like parameters (8 decimals): 10% base haircut, bands at 2% (15%) and 5% (25%)
/// volatility, +10% per 1,000 BTC held (market depth) up to +20%, 90% liquidation threshold,
/// 5% penalty, caps of 10,000 BTC in total and 1,000 BTC per account.
pub fn btc_params<S: Get<u32>>() -> CollateralParams<S> {
	CollateralParams {
		decimals: 8,
		oracle_key: 1,
		haircut: HaircutSchedule {
			base: Permill::from_percent(10),
			bands: BoundedVec::truncate_from(vec![
				VolatilityBand {
					min_volatility: Permill::from_percent(2),
					haircut: Permill::from_percent(15),
				},
				VolatilityBand {
					min_volatility: Permill::from_percent(5),
					haircut: Permill::from_percent(25),
				},
			]),
			concentration: ConcentrationAddOn {
				market_depth: 1_000 * 100_000_000,
				slope: Permill::from_percent(10),
				max_add_on: Permill::from_percent(20),
			},
		},
		liquidation_threshold: Permill::from_percent(90),
		liquidation_penalty: Permill::from_percent(5),
		supply_cap: 10_000 * 100_000_000,
		account_cap: 1_000 * 100_000_000,
		status: AssetStatus::Active,
	}
}

/// [`btc_params`] for an asset priced under `oracle_key`.
pub fn params_for(oracle_key: OracleKey) -> CollateralParamsOf<Test> {
	CollateralParams { oracle_key, ..btc_params() }
}

/// A `Permill` holding `parts` even above 100%, as only JSON can produce one.
pub fn raw_permill(parts: u32) -> Permill {
	frame_support::__private::serde_json::from_str(&parts.to_string()).unwrap()
}

/// Externalities from `genesis`, at block 1 (so that events are recorded), with the price guard
/// stand-in reset ([`MockPrices::reset`]) and nothing held ([`MockHoldings`]).
pub fn new_test_ext_with(genesis: crate::GenesisConfig<Test>) -> sp_io::TestExternalities {
	MockPrices::reset();
	MockHoldings::clear();
	let storage = RuntimeGenesisConfig { system: Default::default(), collateral_registry: genesis }
		.build_storage()
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Externalities with nothing listed, at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(Default::default())
}

/// [`new_test_ext`] with no oracle key guarded: the benchmarks must guard the keys they use
/// through their `BenchmarkHelper`.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let ext = new_test_ext();
	BOUNDS.with(|b| b.borrow_mut().clear());
	ext
}

/// Runs `test` on an empty registry, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		CollateralRegistry::do_try_state().unwrap();
	});
}
