//! Test runtime: `frame_system` and the registry, with prices from a thread-local table.

use crate::{self as pallet_collateral_registry, types::*, CollateralParamsOf};
use ballast_primitives::{
	traits::{PriceProvider, TimestampedPrice},
	AssetStatus, Moment, OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, Get, Hooks},
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

parameter_types! {
	/// λ = 90%: a tenth of each new squared change enters the variance.
	pub static VolatilityDecay: Permill = Permill::from_percent(90);
}

thread_local! {
	static PRICES: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static NOW: RefCell<Moment> = const { RefCell::new(0) };
}

/// Oracle stand-in: whatever the test put in the thread-local table.
pub struct MockPrices;

impl MockPrices {
	/// The oracle now reports `price` (whole quote units) for `key`, accepted at `timestamp`.
	pub fn set(key: OracleKey, price: u32, timestamp: Moment) {
		Self::set_exact(key, TimestampedPrice { price: Price::from_u32(price), timestamp });
	}

	/// The oracle now reports `price` for `key`.
	pub fn set_exact(key: OracleKey, price: TimestampedPrice) {
		PRICES.with(|p| p.borrow_mut().insert(key, price));
		NOW.with(|n| {
			let mut n = n.borrow_mut();
			*n = (*n).max(price.timestamp);
		});
	}
}

impl PriceProvider for MockPrices {
	fn price(asset: OracleKey) -> Option<TimestampedPrice> {
		PRICES.with(|p| p.borrow().get(&asset).copied())
	}

	fn now() -> Moment {
		NOW.with(|n| *n.borrow())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockPrices {
	fn set_price(key: OracleKey, price: TimestampedPrice) {
		Self::set_exact(key, price);
	}
}

impl pallet_collateral_registry::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<u64>;
	type Prices = MockPrices;
	type MaxAssets = ConstU32<MAX_ASSETS>;
	type MaxBands = ConstU32<MAX_BANDS>;
	type VolatilityDecay = VolatilityDecay;
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
		max_price_age: 60_000,
		min_price: Price::from_u32(1_000),
		max_price: Price::from_u32(1_000_000),
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
		penalty_to_insurance: Permill::from_percent(50),
		supply_cap: 10_000 * 100_000_000,
		account_cap: 1_000 * 100_000_000,
		status: AssetStatus::Active,
	}
}

/// [`btc_params`] repriced for an asset priced under `oracle_key`.
pub fn params_for(oracle_key: OracleKey) -> CollateralParamsOf<Test> {
	CollateralParams { oracle_key, ..btc_params() }
}

/// A `Permill` holding `parts` even above 100%, as only JSON can produce one.
pub fn raw_permill(parts: u32) -> Permill {
	frame_support::__private::serde_json::from_str(&parts.to_string()).unwrap()
}

/// Externalities from `genesis`, at block 1 (so that events are recorded).
pub fn new_test_ext_with(genesis: crate::GenesisConfig<Test>) -> sp_io::TestExternalities {
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

/// Runs `test` on an empty registry, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		CollateralRegistry::do_try_state().unwrap();
	});
}

/// Advance to block `n`: finish the current block (`on_finalize` observes prices), check the
/// invariants, start the next (`on_initialize`).
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let now = System::block_number();
		CollateralRegistry::on_finalize(now);
		CollateralRegistry::do_try_state().unwrap();
		let next = now + 1;
		System::set_block_number(next);
		CollateralRegistry::on_initialize(next);
	}
}
