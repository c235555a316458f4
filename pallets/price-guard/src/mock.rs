//! Test runtime: `frame_system` and the guard, with raw prices from a thread-local table.

use crate::{self as pallet_price_guard, GuardParams};
use ballast_primitives::{
	traits::{PriceSource, TimestampedPrice},
	Moment, OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, Hooks},
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
	pub type PriceGuard = pallet_price_guard;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Most guarded keys in the mock.
pub const MAX_KEYS: u32 = 4;
/// The key guarded at genesis (BTC-like bounds: 1,000 ..= 1,000,000, one minute, a 20% breaker
/// confirmed after 30 s).
pub const BTC: OracleKey = 1;

parameter_types! {
	/// Returns are measured over 10-minute buckets (the runtime's).
	pub static VolatilityBucket: Moment = 600_000;
	/// The old variance's weight halves every day (the runtime's).
	pub static VolatilityHalfLife: Moment = 86_400_000;
}

thread_local! {
	static PRICES: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static NOW: RefCell<Moment> = const { RefCell::new(0) };
}

/// Oracle stand-in: whatever the test put in the thread-local table.
pub struct MockSource;

impl MockSource {
	/// The oracle now reports `price` (whole quote units) for `key`, accepted at `timestamp`;
	/// the clock moves to at least `timestamp`.
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

	/// The clock reads `now`.
	pub fn set_now(now: Moment) {
		NOW.with(|n| *n.borrow_mut() = now);
	}
}

impl PriceSource for MockSource {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		PRICES.with(|p| p.borrow().get(&key).copied())
	}

	fn now() -> Moment {
		NOW.with(|n| *n.borrow())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockSource {
	fn set_price(key: OracleKey, price: TimestampedPrice) {
		MockSource::set_exact(key, price);
	}
}

impl pallet_price_guard::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<u64>;
	type ListingOrigin = EnsureRoot<u64>;
	type FeedRulesOrigin = EnsureRoot<u64>;
	type Source = MockSource;
	type MaxKeys = ConstU32<MAX_KEYS>;
	type VolatilityBucket = VolatilityBucket;
	type VolatilityHalfLife = VolatilityHalfLife;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockSource;
}

/// BTC's guard at genesis.
pub fn btc_guard() -> GuardParams {
	GuardParams {
		min_price: Price::from_u32(1_000),
		max_price: Price::from_u32(1_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: Permill::from_percent(20),
		jump_confirm: 30_000,
	}
}

/// Genesis: BTC guarded, no prices, clock at zero.
pub fn new_test_ext() -> sp_io::TestExternalities {
	PRICES.with(|p| p.borrow_mut().clear());
	NOW.with(|n| *n.borrow_mut() = 0);
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		price_guard: pallet_price_guard::GenesisConfig {
			guards: vec![(BTC, btc_guard())],
			volatility: vec![],
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Ends the current block (the guard observes) and starts the next; checks the invariants.
pub fn next_block() {
	let n = System::block_number();
	PriceGuard::on_finalize(n);
	PriceGuard::do_try_state().unwrap();
	System::set_block_number(n + 1);
	PriceGuard::on_initialize(n + 1);
}
