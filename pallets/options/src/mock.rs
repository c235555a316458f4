//! Test runtime: `frame_system` and options, with a small margin ledger kept in storage (so a
//! failed call rolls it back with the pallet's own storage), prices, guards, last valid prices
//! and tracked volatility from thread-local tables, and a recorder of `OnAccountChange` calls.

use crate::{self as pallet_options, types::*};
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
		traits::{ConstU128, ConstU32, ConstU8, Hooks},
		weights::Weight,
	},
	frame_system::{self, EnsureRoot},
	sp_arithmetic::{FixedU128, Permill},
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
	pub type Options = pallet_options;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// One USDC (6 decimals).
pub const USDC: Balance = 1_000_000;
/// One BTC (8 decimals).
pub const BTC: Balance = 100_000_000;
/// One ETH (18 decimals).
pub const ETH: Balance = 1_000_000_000_000_000_000;
/// Oracle key of BTC.
pub const BTC_KEY: OracleKey = 1;
/// Oracle key of ETH.
pub const ETH_KEY: OracleKey = 2;
/// The oracle key no test guards.
pub const UNGUARDED_KEY: OracleKey = 99;
/// The clock at the start of every test (ms).
pub const NOW: Moment = 1_700_000_000_000;
/// A day, ms.
pub const DAY: Moment = 86_400_000;
/// The user who lists series (besides Root).
pub const LISTER: AccountId = 77;
/// Most live series in the mock.
pub const MAX_LIVE: u32 = 8;
/// Most option positions per margin account in the mock.
pub const MAX_POSITIONS: u32 = 4;

parameter_types! {
	/// The settlement budget: 50 positions' worth a block (the `()` weights).
	pub static SettlementBudget: Weight = Weight::from_parts(60_000_000 * 50 + 5_000_000, u64::MAX);
	pub const Lister: AccountId = LISTER;
}

// ----- prices -----

thread_local! {
	static PRICES: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static LAST_VALID: RefCell<BTreeMap<OracleKey, TimestampedPrice>> =
		const { RefCell::new(BTreeMap::new()) };
	static BOUNDS: RefCell<BTreeMap<OracleKey, PriceBounds>> =
		const { RefCell::new(BTreeMap::new()) };
	static VOL: RefCell<BTreeMap<OracleKey, Permill>> = const { RefCell::new(BTreeMap::new()) };
	static CLOCK: RefCell<Moment> = const { RefCell::new(0) };
	static CHANGED: RefCell<Vec<(AccountId, SubAccount)>> = const { RefCell::new(Vec::new()) };
}

/// A guard: prices 1–1,000,000, a minute old at most, at most 50 % from the last valid price.
pub fn bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(1),
		max_price: Price::from_u32(1_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: Permill::from_percent(50),
	}
}

/// Price guard stand-in.
pub struct MockPrices;

impl MockPrices {
	/// The oracle reports `price` for `key`, accepted now.
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
	/// The last valid price of `key`, stamped `timestamp`.
	pub fn set_last_valid_at(key: OracleKey, price: u32, timestamp: Moment) {
		let last = TimestampedPrice { price: Price::from_u32(price), timestamp };
		LAST_VALID.with(|p| p.borrow_mut().insert(key, last));
	}
	/// The tracked volatility of `key`.
	pub fn set_volatility(key: OracleKey, v: Permill) {
		VOL.with(|m| m.borrow_mut().insert(key, v));
	}
	/// Move the clock to `now`.
	pub fn set_now(now: Moment) {
		CLOCK.with(|c| *c.borrow_mut() = now);
	}
	fn reset() {
		PRICES.with(|p| p.borrow_mut().clear());
		LAST_VALID.with(|p| p.borrow_mut().clear());
		BOUNDS.with(|b| b.borrow_mut().clear());
		VOL.with(|b| b.borrow_mut().clear());
		for key in 1..=9 {
			BOUNDS.with(|b| b.borrow_mut().insert(key, bounds()));
			// 1 % per update; ×50 in the surface: 50 % a year.
			Self::set_volatility(key, Permill::from_percent(1));
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
	fn volatility(key: OracleKey) -> Permill {
		VOL.with(|m| m.borrow().get(&key).copied().unwrap_or_default())
	}
}

/// Records every `(who, sub)` it is told about.
pub struct MockOnChange;

impl MockOnChange {
	/// The calls so far.
	pub fn calls() -> Vec<(AccountId, SubAccount)> {
		CHANGED.with(|c| c.borrow().clone())
	}
}

impl OnAccountChange<AccountId> for MockOnChange {
	fn changed(who: &AccountId, sub: SubAccount) {
		CHANGED.with(|c| c.borrow_mut().push((*who, sub)));
	}
}

// ----- the margin ledger -----

/// The mock ledger's storage (in the externalities, so a failed call rolls it back).
pub mod ledger {
	use super::*;
	use polkadot_sdk::frame_support::{pallet_prelude::ValueQuery, Blake2_128Concat};

	/// Margin accounts that exist, with the market an isolated one is bound to.
	#[frame_support::storage_alias]
	pub type Accounts =
		StorageMap<MockLedger, Blake2_128Concat, (AccountId, SubAccount), Option<MarketId>>;

	/// Quote balances of margin accounts.
	#[frame_support::storage_alias]
	pub type Quote = StorageMap<
		MockLedger,
		Blake2_128Concat,
		(AccountId, SubAccount),
		SignedBalance,
		ValueQuery,
	>;

	/// Quote held in wallets.
	#[frame_support::storage_alias]
	pub type Wallet = StorageMap<MockLedger, Blake2_128Concat, AccountId, Balance, ValueQuery>;

	/// Quote held by the custody account.
	#[frame_support::storage_alias]
	pub type Custody = StorageValue<MockLedger, SignedBalance, ValueQuery>;
}

/// The error of a missing margin account.
pub const UNKNOWN_ACCOUNT: DispatchError = DispatchError::Other("UnknownAccount");
/// The error of an isolated account trading a market it is not bound to.
pub const WRONG_MARKET: DispatchError = DispatchError::Other("WrongMarket");
/// The error of an account below its initial margin.
pub const INSUFFICIENT_MARGIN: DispatchError = DispatchError::Other("InsufficientMargin");

/// A margin engine in miniature: accounts, quote balances, a custody account, and the test
/// `quote + counted option value ≥ initial requirement` at fresh prices.
pub struct MockLedger;

impl MockLedger {
	/// Open `(who, sub)`, bound to `market` if given.
	pub fn open(who: AccountId, sub: SubAccount, market: Option<MarketId>) {
		ledger::Accounts::insert((who, sub), market);
	}
	/// Deposit `amount` of quote into `(who, sub)` (opening it as a cross account if needed).
	pub fn deposit(who: AccountId, sub: SubAccount, amount: Balance) {
		if !ledger::Accounts::contains_key((who, sub)) {
			Self::open(who, sub, None);
		}
		let amount = SignedBalance::try_from(amount).unwrap();
		ledger::Quote::mutate((who, sub), |q| *q += amount);
		ledger::Custody::mutate(|c| *c += amount);
	}
	/// Put `amount` of quote in `who`'s wallet.
	pub fn fund_wallet(who: AccountId, amount: Balance) {
		ledger::Wallet::mutate(who, |w| *w += amount);
	}
	/// The quote balance of `(who, sub)`.
	pub fn quote(who: AccountId, sub: SubAccount) -> SignedBalance {
		ledger::Quote::get((who, sub))
	}
	/// The quote in `who`'s wallet.
	pub fn wallet(who: AccountId) -> Balance {
		ledger::Wallet::get(who)
	}
	/// Custody backs exactly the quote balances and the vault.
	pub fn check_custody() -> Result<(), &'static str> {
		let total: SignedBalance = ledger::Quote::iter_values().sum();
		if ledger::Custody::get() == total + Options::pooled_quote() {
			Ok(())
		} else {
			Err("custody != Σ quote balances + vault")
		}
	}
}

impl MarginLedger<AccountId> for MockLedger {
	fn ensure_can_trade(who: &AccountId, sub: SubAccount, market: MarketId) -> DispatchResult {
		match ledger::Accounts::get((*who, sub)) {
			None => Err(UNKNOWN_ACCOUNT),
			Some(Some(bound)) if bound != market => Err(WRONG_MARKET),
			Some(_) => Ok(()),
		}
	}
	fn settle(who: &AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		if !ledger::Accounts::contains_key((*who, sub)) {
			return Err(UNKNOWN_ACCOUNT);
		}
		ledger::Quote::mutate((*who, sub), |q| *q += delta);
		Ok(())
	}
	fn ensure_initial_margin(who: &AccountId, sub: SubAccount) -> DispatchResult {
		let e = <Options as Derivatives<AccountId>>::exposure(who, sub, PriceMode::Fresh)
			.map_err(crate::Error::<Test>::from)?;
		let equity = Self::quote(*who, sub) + e.unrealized_pnl;
		if equity >= SignedBalance::try_from(e.initial_requirement).unwrap() {
			Ok(())
		} else {
			Err(INSUFFICIENT_MARGIN)
		}
	}
	fn pool_deposit(who: &AccountId, amount: Balance) -> DispatchResult {
		ledger::Wallet::try_mutate(who, |w| -> DispatchResult {
			*w = w.checked_sub(amount).ok_or(TokenError::FundsUnavailable)?;
			Ok(())
		})?;
		ledger::Custody::mutate(|c| *c += SignedBalance::try_from(amount).unwrap());
		Ok(())
	}
	fn pool_withdraw(who: &AccountId, amount: Balance) -> DispatchResult {
		let a = SignedBalance::try_from(amount).unwrap();
		ledger::Custody::try_mutate(|c| -> DispatchResult {
			if *c < a {
				return Err(TokenError::FundsUnavailable.into());
			}
			*c -= a;
			Ok(())
		})?;
		ledger::Wallet::mutate(who, |w| *w += amount);
		Ok(())
	}
}

/// Funds accounts and sets prices for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn price(key: OracleKey) {
		BOUNDS.with(|b| b.borrow_mut().insert(key, bounds()));
		MockPrices::set(key, 60_000);
	}
	fn cross_account(who: &AccountId) -> SubAccount {
		MockLedger::deposit(*who, ballast_primitives::CROSS_ACCOUNT, 10_000_000 * USDC);
		ballast_primitives::CROSS_ACCOUNT
	}
	fn fund_quote(who: &AccountId) -> Balance {
		MockLedger::fund_wallet(*who, 20_000_000 * USDC);
		10_000_000 * USDC
	}
	fn expire(expiry: Moment) {
		MockPrices::set_now(expiry + 1);
	}
}

/// The global settlement's status: the shared test double (`MockSettlement::set`).
pub use ballast_primitives::settlement::testing::{MockPhase, MockSettlement};

impl pallet_options::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type ListOrigin = frame_system::EnsureSignedBy<Listers, AccountId>;
	type Ledger = MockLedger;
	type Prices = MockPrices;
	type QuoteDecimals = ConstU8<6>;
	type MaxLiveSeries = ConstU32<MAX_LIVE>;
	type MaxPositions = ConstU32<MAX_POSITIONS>;
	type VirtualShares = ConstU128<USDC>;
	type SettlementBudget = SettlementBudget;
	type OnChange = MockOnChange;
	type Settlement = MockSettlement;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Who may list: [`LISTER`].
pub struct Listers;
impl polkadot_sdk::frame_support::traits::SortedMembers<AccountId> for Listers {
	fn sorted_members() -> Vec<AccountId> {
		vec![LISTER]
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add(_: &AccountId) {}
}

/// BTC options: 8 decimals, vol ×50 (1 % per update → 50 %), a symmetric skew of 0.1 per unit
/// of log-moneyness, 5–300 %, a 2 % spread, caps of 20 BTC of delta and 2,000,000 USDC of vega.
pub fn btc_underlying() -> UnderlyingParams {
	UnderlyingParams {
		base_decimals: 8,
		vol_multiplier: FixedU128::from_u32(50),
		skew_down: FixedU128::from_rational(1, 10),
		skew_up: FixedU128::from_rational(1, 10),
		min_volatility: FixedU128::from_rational(5, 100),
		max_volatility: FixedU128::from_u32(3),
		spread: Permill::from_percent(2),
		max_delta: 20 * BTC,
		max_vega: 2_000_000 * USDC,
	}
}

/// ETH options: as BTC's, 18 decimals, caps of 400 ETH and 2,000,000 USDC.
pub fn eth_underlying() -> UnderlyingParams {
	UnderlyingParams { base_decimals: 18, max_delta: 400 * ETH, ..btc_underlying() }
}

/// A BTC series expiring in `days`.
pub fn btc_series(strike: u32, days: u64, kind: OptionKind) -> SeriesParams {
	SeriesParams {
		underlying: BTC_KEY,
		strike: Price::from_u32(strike),
		expiry: NOW + days * DAY,
		kind,
	}
}

/// The first series' id.
pub const FIRST: MarketId = ballast_primitives::OPTION_SERIES_BASE;
/// Genesis series: a 60,000 call (FIRST), a 60,000 put (FIRST + 1), 30 days, on BTC; an ETH
/// 3,000 call (FIRST + 2), 30 days.
pub const BTC_CALL: MarketId = FIRST;
/// See [`BTC_CALL`].
pub const BTC_PUT: MarketId = FIRST + 1;
/// See [`BTC_CALL`].
pub const ETH_CALL: MarketId = FIRST + 2;

/// The LP whose genesis deposit backs most tests.
pub const SEED_LP: AccountId = 99;
/// Its deposit: 1,000,000 USDC.
pub const SEED: Balance = 1_000_000 * USDC;

/// The rules of most tests: a 20 % stress move, no exit notice, a 1 USDC minimum premium,
/// a 10 % equity haircut, trading stops an hour before expiry.
pub fn test_rules() -> VaultRules {
	VaultRules {
		stress_move: Permill::from_percent(20),
		exit_notice: 0,
		min_premium: USDC,
		equity_haircut: Permill::from_percent(10),
		trade_cutoff: 3_600_000,
	}
}

/// BTC at `btc`, ETH at 3,000, both accepted now.
pub fn set_prices(btc: u32) {
	MockPrices::set(BTC_KEY, btc);
	MockPrices::set(ETH_KEY, 3_000);
}

/// Externalities from `genesis` with `wallets` funded first, at block 1.
pub fn new_test_ext_with(
	genesis: crate::GenesisConfig<Test>,
	wallets: &[(AccountId, Balance)],
) -> sp_io::TestExternalities {
	MockPrices::reset();
	CHANGED.with(|c| c.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	for (who, amount) in wallets {
		storage.top.insert(ledger::Wallet::hashed_key_for(who), amount.encode());
	}
	set_prices(60_000);
	RuntimeGenesisConfig { system: Default::default(), options: genesis }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_prices(60_000);
	});
	ext
}

/// The standard genesis: BTC and ETH configured, the three series, the seeded vault.
pub fn genesis() -> crate::GenesisConfig<Test> {
	crate::GenesisConfig {
		underlyings: vec![(BTC_KEY, btc_underlying()), (ETH_KEY, eth_underlying())],
		series: vec![
			btc_series(60_000, 30, OptionKind::Call),
			btc_series(60_000, 30, OptionKind::Put),
			SeriesParams {
				underlying: ETH_KEY,
				strike: Price::from_u32(3_000),
				expiry: NOW + 30 * DAY,
				kind: OptionKind::Call,
			},
		],
		vault_deposits: vec![(SEED_LP, SEED)],
		vault_rules: test_rules(),
	}
}

/// The invariants: the pallet's, and custody backing every quote claim.
pub fn check_invariants() {
	Options::do_try_state().unwrap();
	MockLedger::check_custody().unwrap();
}

/// Runs `test` on the standard genesis, then checks the invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext_with(genesis(), &[(SEED_LP, SEED)]).execute_with(|| {
		test();
		check_invariants();
	});
}

/// The benchmarks' externalities: the standard genesis without series.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(crate::GenesisConfig { series: vec![], ..genesis() }, &[(SEED_LP, SEED)])
}

/// Advance one block (running `on_initialize`), checking the invariants.
pub fn next_block() {
	System::set_block_number(System::block_number() + 1);
	Options::on_initialize(System::block_number());
	check_invariants();
}
