//! Test runtime: `frame_system`, real `pallet_balances` and `pallet_assets` for custody, and the
//! pallet; collateral terms, prices (with the price guard's bounds, maximum age and circuit
//! breaker per key, and last valid prices), positions and pooled quote from thread-local tables.

use crate::{self as pallet_margin_accounts};
use ballast_primitives::{
	math::portfolio::{Correlation, Floor, Grid, SpotShock},
	traits::{
		CollateralRisk, CollateralTerms, Derivatives, Exposure, OnAccountChange,
		PendingLiquidation, PooledQuote, PositionView, PriceBounds, PriceError, PriceMode,
		PriceProvider, RiskLeg, TimestampedPrice,
	},
	AssetId, AssetStatus, Balance, MarketId, Moment, OracleKey, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{AsEnsureOriginWithArg, ConstU32, ConstU8},
		PalletId,
	},
	frame_system::{self, EnsureRoot, EnsureSigned},
	pallet_assets, pallet_balances,
	sp_arithmetic::{FixedU128, Permill},
	sp_io,
	sp_runtime::{BuildStorage, DispatchError},
};
use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

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
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Assets = pallet_assets;

	#[runtime::pallet_index(3)]
	pub type MarginAccounts = pallet_margin_accounts;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = Balance;
	type AssetId = AssetId;
	type AssetIdParameter = AssetId;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Freezer = ();
}

// ----- assets and accounts -----

/// Wrapped Bitcoin, 8 decimals.
pub const BTC: AssetId = 1;
/// Wrapped Ether, 18 decimals.
pub const ETH: AssetId = 2;
/// Wrapped DOT, 10 decimals.
pub const DOT: AssetId = 3;
/// The quote asset, 6 decimals.
pub const USDC: AssetId = 4;
/// An asset that exists in `pallet_assets` but is not listed unless a test lists it.
pub const LINK: AssetId = 5;
/// An asset with a minimum balance of [`DUSTY_MIN_BALANCE`], not listed unless a test lists it.
pub const DUSTY: AssetId = 6;
/// Minimum balance of [`DUSTY`] in `pallet_assets`.
pub const DUSTY_MIN_BALANCE: Balance = 1_000;

pub const BTC_UNIT: Balance = 100_000_000;
pub const ETH_UNIT: Balance = 1_000_000_000_000_000_000;
pub const DOT_UNIT: Balance = 10_000_000_000;
pub const USDC_UNIT: Balance = 1_000_000;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// Owner of every asset in `pallet_assets`.
pub const ASSET_OWNER: AccountId = 100;

/// What each of ALICE, BOB and CHARLIE holds of each asset at genesis.
pub fn wallet_at_genesis(asset: AssetId) -> Balance {
	match asset {
		BTC => 10_000 * BTC_UNIT,
		ETH => 10_000 * ETH_UNIT,
		DOT => 1_000_000 * DOT_UNIT,
		USDC => 100_000_000 * USDC_UNIT,
		_ => 1_000_000_000,
	}
}

/// Every asset `pallet_assets` knows in the mock.
pub const ALL_ASSETS: [AssetId; 6] = [BTC, ETH, DOT, USDC, LINK, DUSTY];

/// The time of the default prices (ms).
pub const NOW: Moment = 1_000_000;

/// Markets that exist by default.
pub const MARKETS: [MarketId; 3] = [0, 1, 2];

/// The global settlement's status: the shared test double (`MockSettlement::set`).
pub use ballast_primitives::settlement::testing::{MockPhase, MockSettlement};

parameter_types! {
	pub const QuoteAsset: AssetId = USDC;
	pub const MarginPalletId: PalletId = PalletId(*b"bl/margn");
	pub const UnrealizedPnlHaircut: Permill = Permill::from_percent(20);
	/// Native units held for each open margin account (users start with 1,000,000).
	pub const AccountDeposit: Balance = ACCOUNT_DEPOSIT;
}

/// Native units held for each open margin account in the mock.
pub const ACCOUNT_DEPOSIT: Balance = 100;

/// Most isolated accounts per user in the mock.
pub const MAX_ISOLATED: u8 = 3;
/// Most collateral assets per account in the mock.
pub const MAX_COLLATERAL: u32 = 3;
/// Most positions per account in the mock: one per default market.
pub const MAX_POSITIONS: u32 = MARKETS.len() as u32;

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

impl pallet_margin_accounts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Assets = Assets;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AccountDeposit = AccountDeposit;
	type QuoteAsset = QuoteAsset;
	type QuoteDecimals = ConstU8<6>;
	type Risk = MockRisk;
	type Prices = MockPrices;
	type Derivatives = MockDerivatives;
	type Pools = MockPools;
	type PalletId = MarginPalletId;
	type MaxIsolatedAccounts = ConstU8<MAX_ISOLATED>;
	type MaxCollateralAssets = ConstU32<MAX_COLLATERAL>;
	type MaxPositions = ConstU32<MAX_POSITIONS>;
	type UnrealizedPnlHaircut = UnrealizedPnlHaircut;
	type PortfolioGrid = MockGrid;
	type Tightening = MockTightening;
	type OnChange = MockOnChange;
	type PendingLiquidation = MockPendingLiquidation;
	type Settlement = MockSettlement;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// The portfolio grid of cross accounts: off (the products' linear requirements, which the
/// tests set directly) unless a test turns it on ([`MockGrid::enable`]).
pub struct MockGrid;

/// The grid a test turns on: the runtime's default shape.
pub const TEST_GRID: Grid<'static> = Grid {
	spot_shocks: &[
		SpotShock::from_percent(0),
		SpotShock::from_percent(-3),
		SpotShock::from_percent(3),
		SpotShock::from_percent(-6),
		SpotShock::from_percent(6),
		SpotShock::from_percent(-10),
		SpotShock::from_percent(10),
		SpotShock::from_percent(-16),
		SpotShock::from_percent(16),
	],
	vol_shocks: &[
		FixedU128::from_inner(700_000_000_000_000_000),
		FixedU128::from_inner(1_000_000_000_000_000_000),
		FixedU128::from_inner(1_300_000_000_000_000_000),
	],
	sets: &[Correlation::Together, Correlation::Alone],
	floor: Floor { perp: Permill::from_percent(1), short_option: Permill::from_percent(5) },
	maintenance: Permill::from_percent(80),
};

impl MockGrid {
	/// Cross accounts are margined by [`TEST_GRID`] from now on (in this test's thread).
	pub fn enable() {
		GRID_ON.with(|g| *g.borrow_mut() = true);
	}
}

impl frame_support::traits::Get<Option<Grid<'static>>> for MockGrid {
	fn get() -> Option<Grid<'static>> {
		GRID_ON.with(|g| *g.borrow()).then_some(TEST_GRID)
	}
}

// ----- thread-local tables -----

/// One account's book in the derivative stand-in.
#[derive(Clone, Debug, Default)]
pub struct Book {
	/// What `exposure` reports (in every mode that does not fail).
	pub exposure: Exposure,
	/// What `positions` reports.
	pub positions: Vec<PositionView>,
	/// If set, `exposure` in [`PriceMode::Fresh`] fails with this (a mark price is stale).
	pub fresh_error: Option<PriceError>,
	/// What `risk_legs` reports (the portfolio grid's view of the positions).
	pub legs: Vec<RiskLeg>,
}

thread_local! {
	static GRID_ON: RefCell<bool> = const { RefCell::new(false) };
	static TERMS: RefCell<BTreeMap<AssetId, CollateralTerms>> = const { RefCell::new(BTreeMap::new()) };
	static VOLATILITY: RefCell<BTreeMap<AssetId, Permill>> = const { RefCell::new(BTreeMap::new()) };
	static PRICES: RefCell<BTreeMap<OracleKey, TimestampedPrice>> = const { RefCell::new(BTreeMap::new()) };
	static LAST_VALID: RefCell<BTreeMap<OracleKey, TimestampedPrice>> = const { RefCell::new(BTreeMap::new()) };
	static BOUNDS: RefCell<BTreeMap<OracleKey, PriceBounds>> = const { RefCell::new(BTreeMap::new()) };
	static CLOCK: RefCell<Moment> = const { RefCell::new(0) };
	static MARKET_SET: RefCell<BTreeSet<MarketId>> = const { RefCell::new(BTreeSet::new()) };
	static BOOKS: RefCell<BTreeMap<(AccountId, SubAccount), Book>> = const { RefCell::new(BTreeMap::new()) };
	static LIQUIDATION_PRICE: RefCell<Option<Price>> = const { RefCell::new(None) };
	static OTHER_EQUITY_SEEN: RefCell<Option<SignedBalance>> = const { RefCell::new(None) };
	static EXPOSURE_MODES: RefCell<Vec<PriceMode>> = const { RefCell::new(Vec::new()) };
	static POOLED: RefCell<SignedBalance> = const { RefCell::new(0) };
	static CHANGES: RefCell<Vec<(AccountId, SubAccount)>> = const { RefCell::new(Vec::new()) };
	static PENDING: RefCell<BTreeSet<(AccountId, SubAccount)>> = const { RefCell::new(BTreeSet::new()) };
}

/// BTC-like terms: 10% haircut, 95% maintenance weight, caps of 10,000 BTC in total and 1,000 BTC
/// per account. Its price's bounds are the price guard's: [`bounds_at_genesis`].
pub fn btc_terms() -> CollateralTerms {
	CollateralTerms {
		status: AssetStatus::Active,
		decimals: 8,
		oracle_key: BTC,
		haircut: Permill::from_percent(10),
		maintenance_weight: Permill::from_percent(95),
		liquidation_penalty: Permill::from_percent(5),
		supply_cap: 10_000 * BTC_UNIT,
		account_cap: 1_000 * BTC_UNIT,
	}
}

/// ETH-like terms: 20% haircut, 90% weight.
pub fn eth_terms() -> CollateralTerms {
	CollateralTerms {
		decimals: 18,
		oracle_key: ETH,
		haircut: Permill::from_percent(20),
		maintenance_weight: Permill::from_percent(90),
		supply_cap: 100_000 * ETH_UNIT,
		account_cap: 10_000 * ETH_UNIT,
		..btc_terms()
	}
}

/// DOT-like terms: 30% haircut, 80% weight.
pub fn dot_terms() -> CollateralTerms {
	CollateralTerms {
		decimals: 10,
		oracle_key: DOT,
		haircut: Permill::from_percent(30),
		maintenance_weight: Permill::from_percent(80),
		supply_cap: 20_000_000 * DOT_UNIT,
		account_cap: 2_000_000 * DOT_UNIT,
		..btc_terms()
	}
}

/// Terms for an extra asset (LINK, DUSTY): 0 decimals, priced under its own key.
pub fn plain_terms(asset: AssetId) -> CollateralTerms {
	CollateralTerms {
		decimals: 0,
		oracle_key: asset,
		haircut: Permill::from_percent(50),
		maintenance_weight: Permill::from_percent(60),
		supply_cap: Balance::MAX,
		account_cap: Balance::MAX,
		..btc_terms()
	}
}

/// The price guard's bounds of `key` after [`reset_tables`], every price at most a minute old
/// and at most 50% away from the last valid price (the circuit breaker): BTC believed between 1,000 and 1,000,000, ETH between 50 and 1,000,000, DOT between 1 and
/// 10,000, LINK and DUSTY between 1 and 1,000. The quote asset's key is not guarded.
pub fn bounds_at_genesis(key: OracleKey) -> Option<PriceBounds> {
	let (min, max) = match key {
		BTC => (1_000, 1_000_000),
		ETH => (50, 1_000_000),
		DOT => (1, 10_000),
		LINK | DUSTY => (1, 1_000),
		_ => return None,
	};
	Some(PriceBounds {
		min_price: Price::from_u32(min),
		max_price: Price::from_u32(max),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: Permill::from_percent(50),
	})
}

mod inputs;
pub use inputs::*;

/// Benchmark set-up over the mock's tables.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn setup(assets: u32) -> Vec<(AssetId, Balance)> {
		// Benchmarks share one thread: forget the positions an earlier one opened.
		MockDerivatives::reset();
		MockPrices::set_defaults();
		// About a thousand quote units of each; the mock's accounts hold three at most.
		let mut all = vec![(BTC, BTC_UNIT / 50), (ETH, ETH_UNIT / 3), (DOT, 200 * DOT_UNIT)];
		all.truncate(assets as usize);
		all
	}

	fn quote_amount() -> Balance {
		100_000 * USDC_UNIT
	}

	fn fund(who: &AccountId, asset: AssetId, amount: Balance) {
		use polkadot_sdk::frame_support::traits::fungibles::Mutate;
		Assets::mint_into(asset, who, amount).expect("asset exists");
	}

	fn market() -> MarketId {
		MARKETS[0]
	}

	fn open_positions(who: &AccountId, sub: SubAccount, positions: u32) {
		if positions == 0 {
			return;
		}
		let bound = crate::Accounts::<Test>::get(who, sub).and_then(|a| a.market);
		let markets: Vec<MarketId> = MARKETS
			.iter()
			.copied()
			.filter(|m| bound.is_none_or(|b| b == *m))
			.take(positions as usize)
			.collect();
		let n = markets.len() as u128;
		MockDerivatives::open(
			*who,
			sub,
			&markets,
			Exposure {
				unrealized_pnl: 0,
				initial_requirement: n * 100 * USDC_UNIT,
				maintenance_requirement: n * 50 * USDC_UNIT,
				positions: 0,
				notional: n * 1_000 * USDC_UNIT,
			},
		);
		MockDerivatives::set_liquidation_price(Some(Price::from_u32(40_000)));
	}
}

/// Reset every thread-local table to its default: BTC, ETH and DOT listed and priced (see
/// [`MockPrices::set_defaults`]), every key guarded as in [`bounds_at_genesis`], the default
/// markets, no positions, no pools, no changes.
pub fn reset_tables() {
	GRID_ON.with(|g| *g.borrow_mut() = false);
	TERMS.with(|t| {
		*t.borrow_mut() = [(BTC, btc_terms()), (ETH, eth_terms()), (DOT, dot_terms())].into();
	});
	VOLATILITY.with(|t| t.borrow_mut().clear());
	MockPrices::clear();
	MockPrices::set_defaults();
	MockPrices::reset_bounds();
	MockDerivatives::reset();
	MockPools::set(0);
	MockOnChange::take();
	MockPendingLiquidation::clear();
}

/// Externalities at block 1 (so that events are recorded): every asset of [`ALL_ASSETS`]
/// created (sufficient, minimum balance 1 except [`DUSTY`]), ALICE, BOB and CHARLIE funded
/// ([`wallet_at_genesis`]); and the thread-local tables reset ([`reset_tables`]).
pub fn new_test_ext() -> sp_io::TestExternalities {
	reset_tables();
	let users = [ALICE, BOB, CHARLIE];
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: users.iter().map(|u| (*u, 1_000_000)).collect(),
			..Default::default()
		},
		assets: pallet_assets::GenesisConfig {
			assets: ALL_ASSETS
				.iter()
				.map(|a| (*a, ASSET_OWNER, true, if *a == DUSTY { DUSTY_MIN_BALANCE } else { 1 }))
				.collect(),
			accounts: ALL_ASSETS
				.iter()
				.flat_map(|a| users.iter().map(move |u| (*a, *u, wallet_at_genesis(*a))))
				.collect(),
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on fresh externalities, then checks the pallet's invariants
/// ([`crate::Pallet::do_try_state`]) and that custody is exact ([`assert_custody_exact`]).
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		MarginAccounts::do_try_state().unwrap();
		assert_custody_exact();
	});
}

/// The custody account holds exactly Σ collateral of each asset, and exactly Σ quote balances +
/// pooled quote of the quote asset (the mock never donates to custody).
pub fn assert_custody_exact() {
	use polkadot_sdk::frame_support::traits::fungibles::Inspect;
	let custody = MarginAccounts::custody_account();
	let mut collateral: BTreeMap<AssetId, Balance> = BTreeMap::new();
	let mut quote: SignedBalance = 0;
	for (_, _, account) in crate::Accounts::<Test>::iter() {
		quote += account.quote;
		for (asset, amount) in account.collateral.iter() {
			*collateral.entry(*asset).or_default() += amount;
		}
	}
	for asset in ALL_ASSETS {
		let held = <Assets as Inspect<AccountId>>::balance(asset, &custody);
		if asset == USDC {
			assert_eq!(held as SignedBalance, quote + MockPools::pooled_quote(), "quote custody");
		} else {
			assert_eq!(held, collateral.get(&asset).copied().unwrap_or(0), "custody of {asset}");
			assert_eq!(crate::TotalCollateral::<Test>::get(asset), held, "total of {asset}");
		}
	}
	assert_eq!(crate::TotalQuote::<Test>::get(), quote);
}
