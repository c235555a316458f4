//! Test runtime: `frame_system` and perpetuals, with a small margin ledger kept in storage
//! (so that a failed call rolls it back with the pallet's own storage), prices, price guards
//! (bounds, maximum age and circuit breaker per oracle key) and last valid prices from
//! thread-local tables, and a recorder of `OnAccountChange` calls.

use crate::{self as pallet_perpetuals, types::*};
use ballast_primitives::{
	traits::{
		Derivatives, MarginLedger, OnAccountChange, PooledQuote, PriceBounds, PriceMode,
		PriceProvider, TimestampedPrice,
	},
	Balance, MarketId, Moment, OracleKey, Price, SignedBalance, SubAccount,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU128, ConstU32, ConstU8},
	},
	frame_system::{self, EnsureRoot},
	sp_arithmetic::Permill,
	sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult, TokenError},
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
	pub type Perpetuals = pallet_perpetuals;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Most markets in the mock.
pub const MAX_MARKETS: u32 = 4;
/// Most collateral assets per margin account in the mock.
pub const MAX_COLLATERAL: u32 = 3;
/// Blocks per day in the mock: few, so that funding shows after a handful of blocks.
pub const BLOCKS_PER_DAY: u32 = 100;
/// One USDC (the quote asset, 6 decimals).
pub const USDC: Balance = 1_000_000;
/// One BTC (8 decimals).
pub const BTC: i128 = 100_000_000;
/// One ETH (18 decimals).
pub const ETH: i128 = 1_000_000_000_000_000_000;
/// Oracle key of BTC.
pub const BTC_KEY: OracleKey = 1;
/// Oracle key of ETH.
pub const ETH_KEY: OracleKey = 2;
/// The BTC market (created at genesis).
pub const BTC_PERP: MarketId = 0;
/// The ETH market (created at genesis).
pub const ETH_PERP: MarketId = 1;
/// The clock at the start of every test (ms).
pub const NOW: Moment = 1_700_000_000_000;

parameter_types! {
	/// The vault keeps NAV ≥ 20 % of the net skew notional after a withdrawal.
	pub static VaultReserveRatio: Permill = Permill::from_percent(20);
}

// ----- prices -----

thread_local! {
	static PRICES: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static LAST_VALID: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static BOUNDS: RefCell<BTreeMap<OracleKey, PriceBounds>> =
		const { RefCell::new(BTreeMap::new()) };
	static CLOCK: RefCell<Moment> = const { RefCell::new(0) };
	static CHANGED: RefCell<Vec<(AccountId, SubAccount)>> = const { RefCell::new(Vec::new()) };
	static MARGIN_FAILS: RefCell<BTreeMap<(AccountId, SubAccount), DispatchError>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// The oracle key no test guards.
pub const UNGUARDED_KEY: OracleKey = 99;

/// BTC's guard: prices 1,000–1,000,000, a minute old at most, at most 50% from the last
/// valid price.
pub fn btc_bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(1_000),
		max_price: Price::from_u32(1_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: Permill::from_percent(50),
	}
}

/// ETH's guard: prices 10–100,000, a minute old at most, at most 50% from the last valid
/// price.
pub fn eth_bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(10),
		max_price: Price::from_u32(100_000),
		..btc_bounds()
	}
}

/// Price guard stand-in: whatever the test put in the thread-local tables. At the start of
/// every test BTC and ETH have their guards, and keys 3 to 9 (the underlyings of markets tests
/// create) BTC's.
pub struct MockPrices;

impl MockPrices {
	/// The oracle reports `price` (whole quote units) for `key`, accepted now.
	pub fn set(key: OracleKey, price: u32) {
		Self::set_exact(key, Price::from_u32(price), Self::now());
	}

	/// The oracle reports `price` for `key`, accepted at `timestamp`.
	pub fn set_exact(key: OracleKey, price: Price, timestamp: Moment) {
		PRICES.with(|p| p.borrow_mut().insert(key, TimestampedPrice { price, timestamp }));
	}

	/// The oracle forgets `key`.
	pub fn remove(key: OracleKey) {
		PRICES.with(|p| p.borrow_mut().remove(&key));
	}

	/// The last valid price of `key` (the reference of the circuit breaker and of
	/// `PriceMode::Conservative`), stamped now.
	pub fn set_last_valid(key: OracleKey, price: u32) {
		Self::set_last_valid_at(key, price, Self::now());
	}

	/// The last valid price of `key`, with the oracle timestamp `timestamp`.
	pub fn set_last_valid_at(key: OracleKey, price: u32, timestamp: Moment) {
		let last = TimestampedPrice { price: Price::from_u32(price), timestamp };
		LAST_VALID.with(|p| p.borrow_mut().insert(key, last));
	}

	/// From now on `key` is guarded by `bounds`.
	pub fn set_bounds(key: OracleKey, bounds: PriceBounds) {
		BOUNDS.with(|b| b.borrow_mut().insert(key, bounds));
	}

	/// From now on `key` has no guard.
	pub fn remove_bounds(key: OracleKey) {
		BOUNDS.with(|b| b.borrow_mut().remove(&key));
	}

	/// Move the clock to `now`.
	pub fn set_now(now: Moment) {
		CLOCK.with(|c| *c.borrow_mut() = now);
	}

	fn reset() {
		PRICES.with(|p| p.borrow_mut().clear());
		LAST_VALID.with(|p| p.borrow_mut().clear());
		BOUNDS.with(|b| b.borrow_mut().clear());
		Self::set_bounds(BTC_KEY, btc_bounds());
		Self::set_bounds(ETH_KEY, eth_bounds());
		for key in 3..=9 {
			Self::set_bounds(key, btc_bounds());
		}
		Self::set_now(NOW);
	}
}

impl PriceProvider for MockPrices {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		PRICES.with(|p| p.borrow().get(&key).copied())
	}

	fn now() -> Moment {
		CLOCK.with(|c| *c.borrow())
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		BOUNDS.with(|b| b.borrow().get(&key).copied())
	}

	fn last_valid(key: OracleKey) -> Option<TimestampedPrice> {
		LAST_VALID.with(|p| p.borrow().get(&key).copied())
	}
}

// ----- the account-change recorder -----

/// Records every `(who, sub)` it is told about.
pub struct MockOnChange;

impl MockOnChange {
	/// The calls so far, in order.
	pub fn calls() -> Vec<(AccountId, SubAccount)> {
		CHANGED.with(|c| c.borrow().clone())
	}

	/// Forget the calls so far.
	pub fn clear() {
		CHANGED.with(|c| c.borrow_mut().clear());
	}
}

impl OnAccountChange<AccountId> for MockOnChange {
	fn changed(who: &AccountId, sub: SubAccount) {
		CHANGED.with(|c| c.borrow_mut().push((*who, sub)));
	}
}

mod margin_ledger;
pub use margin_ledger::*;

// ----- the benchmark helper -----

/// Funds margin accounts in the mock ledger and sets prices, for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

/// BTC at `btc`, ETH at 3,000, both accepted now.
pub fn set_prices(btc: u32) {
	MockPrices::set(BTC_KEY, btc);
	MockPrices::set(ETH_KEY, 3_000);
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn guard(key: OracleKey) {
		MockPrices::set_bounds(key, btc_bounds());
	}

	fn setup() {
		set_prices(60_000);
	}

	fn list_markets(markets: u32) {
		// Markets beyond the genesis ones trade like BTC-PERP on keys 3, 4, ... (guarded as
		// BTC), each priced like BTC.
		while crate::NextMarketId::<Test>::get() < markets {
			let key = 1 + crate::NextMarketId::<Test>::get();
			MockPrices::set_bounds(key, btc_bounds());
			MockPrices::set(key, 60_000);
			Perpetuals::do_create_market(MarketParams { oracle_key: key, ..btc_market() }).unwrap();
		}
	}

	fn cross_account(who: &AccountId, assets: u32) -> SubAccount {
		let cross = ballast_primitives::CROSS_ACCOUNT;
		MockLedger::deposit(*who, cross, 1_000_000 * USDC);
		MockLedger::set_collateral_assets(*who, cross, assets);
		cross
	}

	fn move_prices() {
		set_prices(61_000);
	}

	fn trade_size(market: MarketId) -> i128 {
		match market {
			ETH_PERP => ETH,
			_ => BTC / 20,
		}
	}

	fn fund_quote(who: &AccountId) -> Balance {
		MockLedger::fund_wallet(*who, 200_000 * USDC);
		100_000 * USDC
	}
}

parameter_types! {
	/// The stress test's tightening level, as tests set it.
	pub static TighteningLevel: Permill = Permill::zero();
}

/// The stress test's tightening, set by [`TighteningLevel`].
pub struct MockTightening;
impl ballast_primitives::traits::RiskTightening for MockTightening {
	fn level() -> Permill {
		TighteningLevel::get()
	}
}

/// The global settlement's status: the shared test double (`MockSettlement::set`).
pub use ballast_primitives::settlement::testing::{MockPhase, MockSettlement};

impl pallet_perpetuals::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type ListingOrigin = EnsureRoot<AccountId>;
	type Ledger = MockLedger;
	type Prices = MockPrices;
	type QuoteDecimals = ConstU8<6>;
	type MaxMarkets = ConstU32<MAX_MARKETS>;
	type MaxCollateralAssets = ConstU32<MAX_COLLATERAL>;
	type AccountClass = MockLedger;
	type BlocksPerDay = ConstU32<BLOCKS_PER_DAY>;
	type VaultReserveRatio = VaultReserveRatio;
	type VirtualShares = ConstU128<USDC>;
	type Tightening = MockTightening;
	type OnChange = MockOnChange;
	type Settlement = MockSettlement;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// BTC-PERP: 8 decimals, 10 % initial and 5 % maintenance margin (10× leverage), OI caps of 10 BTC a side, 0.05 % fee, 0.01 % spread, skew scale 1,000 BTC,
/// premium capped at 1 %, funding up to 10 % a day.
pub fn btc_market() -> MarketParams {
	MarketParams {
		oracle_key: BTC_KEY,
		base_decimals: 8,
		initial_margin: Permill::from_percent(10),
		maintenance_margin: Permill::from_percent(5),
		max_long_oi: 10 * BTC as u128,
		max_short_oi: 10 * BTC as u128,
		taker_fee: Permill::from_parts(500),
		base_spread: Permill::from_parts(100),
		skew_scale: 1_000 * BTC as u128,
		max_premium: Permill::from_percent(1),
		max_funding_rate: Permill::from_percent(10),
		status: MarketStatus::Active,
	}
}

/// ETH-PERP: 18 decimals, 20 % / 10 % margin (5× leverage), OI caps of 1,000
/// ETH a side, skew scale 100,000 ETH.
pub fn eth_market() -> MarketParams {
	MarketParams {
		oracle_key: ETH_KEY,
		base_decimals: 18,
		initial_margin: Permill::from_percent(20),
		maintenance_margin: Permill::from_percent(10),
		max_long_oi: 1_000 * ETH as u128,
		max_short_oi: 1_000 * ETH as u128,
		skew_scale: 100_000 * ETH as u128,
		..btc_market()
	}
}

/// Externalities from `genesis` with `wallets` funded first, at block 1, the clock at
/// [`NOW`], BTC at 60,000 and ETH at 3,000, and the thread-local inputs reset (the guards
/// before genesis, which creates markets only on guarded keys).
pub fn new_test_ext_with(
	genesis: crate::GenesisConfig<Test>,
	wallets: &[(AccountId, Balance)],
) -> sp_io::TestExternalities {
	MockPrices::reset();
	MockOnChange::clear();
	MARGIN_FAILS.with(|f| f.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	// The wallets exist before the pallet's genesis (its vault deposits draw on them).
	for (who, amount) in wallets {
		storage.top.insert(ledger::Wallet::hashed_key_for(who), amount.encode());
	}
	RuntimeGenesisConfig { system: Default::default(), perpetuals: genesis }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_prices(60_000);
	});
	ext
}

/// The LP whose deposit at genesis backs the trades of most tests.
pub const SEED_LP: AccountId = 99;
/// What [`SEED_LP`] deposits at genesis: 1,000,000 USDC (the vault's stress test lets traders
/// take up to 10,000,000 USDC of net skew against it).
pub const SEED: Balance = 1_000_000 * USDC;

/// Externalities with BTC-PERP (0) and ETH-PERP (1) and a vault [`SEED_LP`] funded with
/// [`SEED`], at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(
		crate::GenesisConfig {
			markets: vec![btc_market(), eth_market()],
			vault_deposits: vec![(SEED_LP, SEED)],
			..Default::default()
		},
		&[(SEED_LP, SEED)],
	)
}

/// Externalities as [`new_test_ext`] but with an empty vault.
pub fn new_empty_vault_ext() -> sp_io::TestExternalities {
	new_test_ext_with(
		crate::GenesisConfig { markets: vec![btc_market(), eth_market()], ..Default::default() },
		&[],
	)
}

/// The invariants: the pallet's, and custody backing every quote claim.
pub fn check_invariants() {
	Perpetuals::do_try_state().unwrap();
	MockLedger::check_custody().unwrap();
}

/// Runs `test` on [`new_test_ext`], then checks the invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

/// Runs `test` on [`new_empty_vault_ext`], then checks the invariants.
pub fn test_empty_vault(test: impl FnOnce()) {
	new_empty_vault_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

/// Advance to block `n`, checking the invariants on every block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		System::set_block_number(System::block_number() + 1);
		check_invariants();
	}
}
