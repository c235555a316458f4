//! A test runtime: the products are a count of positions on a few oracle keys, the prices a
//! table the tests set.

use crate as pallet_global_settlement;
use ballast_primitives::{
	traits::{
		GlobalSettle, PriceBounds, PriceError, PriceMode, PriceProvider, SettleStep,
		TimestampedPrice,
	},
	Moment, OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, Hooks},
		weights::Weight,
	},
	frame_system::{self, EnsureRoot},
	sp_io,
	sp_runtime::BuildStorage,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

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
	pub type GlobalSettlement = pallet_global_settlement;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// BTC's oracle key.
pub const BTC_KEY: OracleKey = 1;
/// ETH's oracle key.
pub const ETH_KEY: OracleKey = 2;
/// What settling one mock position weighs.
pub const PER_POSITION: Weight = Weight::from_parts(1_000_000, 100);
/// Most positions per block.
pub const MAX_PER_BLOCK: u32 = 64;

thread_local! {
	static PRICES: RefCell<BTreeMap<OracleKey, Result<Price, PriceError>>> =
		const { RefCell::new(BTreeMap::new()) };
	static KEYS: RefCell<Vec<OracleKey>> = const { RefCell::new(Vec::new()) };
	static OPEN: RefCell<u32> = const { RefCell::new(0) };
	static SEEN: RefCell<Vec<Vec<(OracleKey, Price)>>> = const { RefCell::new(Vec::new()) };
}

/// Prices as the tests set them.
pub struct MockPrices;
impl MockPrices {
	/// `key`'s valid price is `p`.
	pub fn set(key: OracleKey, p: u32) {
		PRICES.with(|m| m.borrow_mut().insert(key, Ok(Price::from_u32(p))));
	}
	/// `key` has no valid price, for `why`.
	pub fn fail(key: OracleKey, why: PriceError) {
		PRICES.with(|m| m.borrow_mut().insert(key, Err(why)));
	}
}
impl PriceProvider for MockPrices {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		let p = PRICES.with(|m| m.borrow().get(&key).cloned())?.ok()?;
		Some(TimestampedPrice { price: p, timestamp: 0 })
	}
	fn now() -> Moment {
		0
	}
	fn bounds(_: OracleKey) -> Option<PriceBounds> {
		None
	}
	fn checked(key: OracleKey, mode: PriceMode) -> Result<Price, PriceError> {
		assert_eq!(mode, PriceMode::Fresh, "the settlement reads fresh prices");
		PRICES.with(|m| m.borrow().get(&key).cloned()).unwrap_or(Err(PriceError::Missing))
	}
}

/// Products: `OPEN` positions needing `KEYS`.
pub struct MockProducts;
impl MockProducts {
	/// `n` open positions on `keys`.
	pub fn open(keys: &[OracleKey], n: u32) {
		KEYS.with(|k| *k.borrow_mut() = keys.to_vec());
		OPEN.with(|o| *o.borrow_mut() = n);
	}
	/// Positions still open.
	pub fn left() -> u32 {
		OPEN.with(|o| *o.borrow())
	}
	/// The prices each step was given.
	pub fn seen() -> Vec<Vec<(OracleKey, Price)>> {
		SEEN.with(|s| s.borrow().clone())
	}
}
impl GlobalSettle for MockProducts {
	fn price_keys() -> Vec<OracleKey> {
		KEYS.with(|k| k.borrow().clone())
	}
	fn settle_next(prices: &[(OracleKey, Price)], max: u32, budget: Weight) -> SettleStep {
		SEEN.with(|s| s.borrow_mut().push(prices.to_vec()));
		let by_budget =
			u32::try_from(budget.ref_time() / PER_POSITION.ref_time()).unwrap_or(u32::MAX).max(1);
		OPEN.with(|o| {
			let mut o = o.borrow_mut();
			let n = (*o).min(max).min(by_budget);
			*o -= n;
			SettleStep { settled: n, weight: PER_POSITION.saturating_mul(n.into()), done: *o == 0 }
		})
	}
}

parameter_types! {
	/// Room for 50 positions beyond the base.
	pub static SettleBudget: Weight = Weight::from_parts(20_000_000 + 50 * 1_000_000, u64::MAX);
}

impl pallet_global_settlement::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type SettleOrigin = EnsureRoot<AccountId>;
	type Prices = MockPrices;
	type Products = MockProducts;
	type SettleBudget = SettleBudget;
	type MaxSettlePerBlock = ConstU32<MAX_PER_BLOCK>;
	type MaxKeys = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// `keys` keys with prices, and 10 positions on them.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockBenchmarkHelper {
	fn prices(keys: u32) -> u32 {
		let keys: Vec<OracleKey> = (1..=keys.max(1)).collect();
		for k in &keys {
			MockPrices::set(*k, 1_000);
		}
		MockProducts::open(&keys, 10);
		keys.len() as u32
	}
}

/// Externalities at block 1: BTC at 60,000 and ETH at 3,000, 300 positions on them.
pub fn new_test_ext() -> sp_io::TestExternalities {
	PRICES.with(|m| m.borrow_mut().clear());
	SEEN.with(|s| s.borrow_mut().clear());
	MockPrices::set(BTC_KEY, 60_000);
	MockPrices::set(ETH_KEY, 3_000);
	MockProducts::open(&[ETH_KEY, BTC_KEY], 300);
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		GlobalSettlement::do_try_state().unwrap();
	});
}

/// The next block: `on_initialize`, the invariants. Returns the weight used.
pub fn next_block() -> Weight {
	System::set_block_number(System::block_number() + 1);
	let w = GlobalSettlement::on_initialize(System::block_number());
	GlobalSettlement::do_try_state().unwrap();
	w
}
