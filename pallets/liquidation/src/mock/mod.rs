//! Test runtime: `frame_system`, `pallet_balances`, `pallet_assets` (collateral, the quote asset
//! and auction lots are real assets) and the liquidation engine, over an in-memory margin engine
//! and perpetuals product.
//!
//! The mock margin book and positions live in **storage** (through `storage_alias`), not in
//! thread-locals, so that they are rolled back with the pallet's own storage when a liquidation
//! or a deleveraging step fails inside its storage layer — exactly as the real pallets are.
//! External inputs (prices, volatility, failure knobs) are thread-local.
//!
//! The book is consistent:
//! * a snapshot values collateral at maintenance weights, adds the quote balance and the
//!   positions' PnL (`ballast_math::margin::valuation`), and requires `mm × notional`;
//! * closing and deleveraging go through `ballast_math::perp::apply_fill` at the market price and
//!   settle realized PnL between the account's quote balance and a vault;
//! * collateral in the book is held by [`CUSTODY`] in `pallet_assets`, and seizing moves it to
//!   the liquidation pallet's account; quote balances, the vault and the insurance funds net of
//!   bad debt are USDC held by [`CUSTODY`]. [`check_custody`] checks both after every block.

use crate::{self as pallet_liquidation, GlobalInsurance, MarketInsurance};
use ballast_primitives::{
	math::{
		margin::{self, CollateralLine},
		perp,
		units::{self, Rounding},
	},
	traits::{
		AccountSnapshot, CollateralRisk, CollateralTerms, Derivatives, Exposure, MarginLedger,
		MarginSide, OnAccountChange, PooledQuote, PositionView, PriceBounds, PriceError, PriceMode,
		PriceProvider, TimestampedPrice,
	},
	AssetId, AssetStatus, Balance, MarketId, Moment, OracleKey, Price, SignedBalance, SubAccount,
	CROSS_ACCOUNT,
};
use codec::{Decode, Encode};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{
			fungibles::{Inspect, Mutate},
			tokens::Preservation,
			ConstU32, Hooks,
		},
		weights::Weight,
		PalletId, Twox64Concat,
	},
	frame_system, pallet_assets, pallet_balances,
	sp_arithmetic::Permill,
	sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult, ModuleError},
};
use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

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
		RuntimeViewFunction,
		RuntimeHoldReason,
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Assets = pallet_assets;

	#[runtime::pallet_index(3)]
	pub type Liquidation = pallet_liquidation;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = Balance;
	type Currency = Balances;
	type CreateOrigin =
		frame_support::traits::AsEnsureOriginWithArg<frame_system::EnsureSigned<u64>>;
	type ForceOrigin = frame_system::EnsureRoot<u64>;
	type Freezer = ();
	type Holder = ();
}

// ----- accounts, assets, markets -----

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const DAVE: u64 = 4;
pub const EVE: u64 = 5;
pub const BIDDER: u64 = 10;
pub const KEEPER: u64 = 11;
/// Holds every asset the mock margin engine books (collateral, quote, vault, insurance).
pub const CUSTODY: u64 = 1_000;
/// Owner of the assets in `pallet_assets`.
pub const ASSET_OWNER: u64 = 1_001;

/// Wrapped Bitcoin, 8 decimals, priced under oracle key 1.
pub const BTC: AssetId = 1;
/// Wrapped Ether, 18 decimals, priced under oracle key 2.
pub const ETH: AssetId = 2;
/// The quote asset, 6 decimals.
pub const USDC: AssetId = 4;
/// Decimals of the quote asset.
pub const QUOTE_DECIMALS: u8 = 6;
/// One USDC.
pub const USD: Balance = 1_000_000;
/// One BTC.
pub const ONE_BTC: i128 = 100_000_000;
/// One ETH.
pub const ONE_ETH: i128 = 1_000_000_000_000_000_000;

/// BTC perpetual (8 base decimals).
pub const BTC_PERP: MarketId = 0;
/// ETH perpetual (18 base decimals).
pub const ETH_PERP: MarketId = 1;
/// Maintenance margin of both markets.
pub const MAINTENANCE_MARGIN: Permill = Permill::from_percent(5);
/// Initial margin of both markets.
pub const INITIAL_MARGIN: Permill = Permill::from_percent(10);
/// Markets swept: `0..MAX_MARKETS` (only the first two exist).
pub const MAX_MARKETS: u32 = 4;

/// Base decimals of a market, if it exists.
pub fn base_decimals(market: MarketId) -> Option<u8> {
	match market {
		BTC_PERP => Some(8),
		ETH_PERP => Some(18),
		_ => None,
	}
}

/// The sweep's base cost with `()` weights.
pub fn base_weight() -> Weight {
	crate::weights::sweep_base_weight::<()>()
}

/// One liquidation's cost with `()` weights.
pub fn act_weight() -> Weight {
	crate::weights::liquidation_weight::<()>()
}

parameter_types! {
	pub const LiquidationPalletId: PalletId = PalletId(*b"bal/liqd");
	pub const QuoteDecimals: u8 = QUOTE_DECIMALS;
	/// Room for 20 liquidations a block.
	pub static SweepBudget: Weight = Weight::from_parts(20_000_000 + 20 * 1_000_000_000, u64::MAX);
	pub static AccountChecksPerBlock: u32 = 4;
	pub const CloseBuffer: Permill = Permill::from_percent(10);
	pub const FullLiquidationRatio: Permill = Permill::from_percent(50);
	/// 100 USDC.
	pub const DustNotional: Balance = 100 * USD;
	pub const LiquidationPenalty: Permill = Permill::from_percent(2);
	pub const AuctionBasePremium: Permill = Permill::from_percent(2);
	pub const AuctionMaxPremium: Permill = Permill::from_percent(10);
	pub const AuctionBaseDecay: Permill = Permill::from_parts(5_000);
	pub const AuctionMaxDiscount: Permill = Permill::from_percent(10);
	pub const AuctionMaxAge: u32 = 100;
	pub static MaxAuctionValue: Balance = 1_000_000 * USD;
	pub static MaxAuctionValuePerAsset: Balance = 1_000_000 * USD;
	pub const KeeperReward: Balance = 5 * USD;
	pub static MaxDeleverageSteps: u32 = 3;
}

impl pallet_liquidation::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Margin = MockMargin;
	type Derivatives = MockPerps;
	type Collateral = MockCollateral;
	type Prices = MockPrices;
	type Assets = Assets;
	type QuoteDecimals = QuoteDecimals;
	type PalletId = LiquidationPalletId;
	type MaxMarkets = ConstU32<MAX_MARKETS>;
	type SweepBudget = SweepBudget;
	type AccountChecksPerBlock = AccountChecksPerBlock;
	type CloseBuffer = CloseBuffer;
	type FullLiquidationRatio = FullLiquidationRatio;
	type DustNotional = DustNotional;
	type LiquidationPenalty = LiquidationPenalty;
	type AuctionBasePremium = AuctionBasePremium;
	type AuctionMaxPremium = AuctionMaxPremium;
	type AuctionBaseDecay = AuctionBaseDecay;
	type AuctionMaxDiscount = AuctionMaxDiscount;
	type AuctionMaxAge = AuctionMaxAge;
	type MaxAuctionValue = MaxAuctionValue;
	type MaxAuctionValuePerAsset = MaxAuctionValuePerAsset;
	type KeeperReward = KeeperReward;
	type MaxDeleverageSteps = MaxDeleverageSteps;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

// ----- external inputs: prices, volatility, failure knobs -----

thread_local! {
	/// Oracle prices of collateral, by oracle key.
	static ORACLE: RefCell<BTreeMap<OracleKey, Price>> = const { RefCell::new(BTreeMap::new()) };
	/// Mark price of each market.
	static MARKS: RefCell<BTreeMap<MarketId, Price>> = const { RefCell::new(BTreeMap::new()) };
	/// Volatility of collateral assets.
	static VOLATILITY: RefCell<BTreeMap<AssetId, Permill>> = const { RefCell::new(BTreeMap::new()) };
	/// The price guard's pause clock per oracle key.
	static INVALID_BLOCKS: RefCell<BTreeMap<OracleKey, u32>> = const { RefCell::new(BTreeMap::new()) };
	/// Accounts whose `close_fraction` fails (after closing: the storage layer must undo it).
	static FAIL_CLOSE: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	/// Accounts whose `deleverage` fails (after closing).
	static FAIL_DELEVERAGE: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	/// Accounts whose `settle` fails, after how many more successful calls.
	static FAIL_SETTLE: RefCell<BTreeMap<u64, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The oracle now reports `price` (whole USDC) for collateral `asset`.
pub fn set_oracle(asset: AssetId, price: u32) {
	set_oracle_exact(asset, Price::from_u32(price));
}

/// The oracle now reports `price` for collateral `asset`.
pub fn set_oracle_exact(asset: AssetId, price: Price) {
	ORACLE.with(|o| o.borrow_mut().insert(asset, price));
}

/// `n` more blocks ended without a usable price of `key` (the guard's pause clock).
pub fn add_invalid_blocks(key: OracleKey, n: u32) {
	INVALID_BLOCKS.with(|c| *c.borrow_mut().entry(key).or_default() += n);
}

/// The oracle forgets `asset`.
pub fn remove_oracle(asset: AssetId) {
	ORACLE.with(|o| o.borrow_mut().remove(&asset));
}

/// `market`'s mark price is now `price` whole USDC.
pub fn set_price(market: MarketId, price: u32) {
	set_price_exact(market, Price::from_u32(price));
}

/// `market`'s mark price is now `price`.
pub fn set_price_exact(market: MarketId, price: Price) {
	MARKS.with(|m| m.borrow_mut().insert(market, price));
}

/// `market` has no price.
pub fn remove_price(market: MarketId) {
	MARKS.with(|m| m.borrow_mut().remove(&market));
}

/// `market`'s mark price.
pub fn market_price(market: MarketId) -> Option<Price> {
	MARKS.with(|m| m.borrow().get(&market).copied())
}

/// Volatility of `asset`.
pub fn set_volatility(asset: AssetId, vol: Permill) {
	VOLATILITY.with(|v| v.borrow_mut().insert(asset, vol));
}

/// `close_fraction` of `who`'s accounts closes, then fails.
pub fn fail_close(who: u64) {
	FAIL_CLOSE.with(|f| f.borrow_mut().insert(who));
}

/// `deleverage` of `who`'s positions closes, then fails.
pub fn fail_deleverage(who: u64) {
	FAIL_DELEVERAGE.with(|f| f.borrow_mut().insert(who));
}

/// `settle` on `who`'s accounts fails.
pub fn fail_settle(who: u64) {
	fail_settle_after(who, 0);
}

/// `settle` on `who`'s accounts succeeds `n` more times, then fails.
pub fn fail_settle_after(who: u64, n: u32) {
	FAIL_SETTLE.with(|f| f.borrow_mut().insert(who, n));
}

/// Every call works again.
pub fn clear_failures() {
	FAIL_CLOSE.with(|f| f.borrow_mut().clear());
	FAIL_DELEVERAGE.with(|f| f.borrow_mut().clear());
	FAIL_SETTLE.with(|f| f.borrow_mut().clear());
}

/// The mock's own errors: module errors of a pallet index no real pallet has, so that they keep
/// their identity through events (a `DispatchError::Other` loses its text when encoded).
pub fn mock_error(code: u8) -> DispatchError {
	DispatchError::Module(ModuleError { index: 99, error: [code, 0, 0, 0], message: None })
}

/// What a failing `close_fraction` returns.
pub fn close_failed() -> DispatchError {
	mock_error(1)
}

/// What a failing `settle` returns.
pub fn settle_failed() -> DispatchError {
	mock_error(2)
}

/// What a failing `deleverage` returns.
pub fn deleverage_failed() -> DispatchError {
	mock_error(3)
}

fn fails(set: &'static std::thread::LocalKey<RefCell<BTreeSet<u64>>>, who: u64) -> bool {
	set.with(|f| f.borrow().contains(&who))
}

/// Price guard stand-in: prices from the thread-local table, always fresh; the collateral keys
/// (BTC, ETH) guarded between 1 and 10,000,000, at most a minute old.
pub struct MockPrices;

impl PriceProvider for MockPrices {
	fn price(asset: OracleKey) -> Option<TimestampedPrice> {
		ORACLE
			.with(|o| o.borrow().get(&asset).map(|p| TimestampedPrice { price: *p, timestamp: 0 }))
	}

	fn now() -> Moment {
		0
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		matches!(key, BTC | ETH).then(|| PriceBounds {
			min_price: Price::from_u32(1),
			max_price: Price::from_u32(10_000_000),
			max_age: 60_000,
			trade_age: 60_000,
			max_jump: polkadot_sdk::sp_arithmetic::Permill::from_percent(50),
		})
	}

	fn invalid_blocks(key: OracleKey) -> u32 {
		INVALID_BLOCKS.with(|c| c.borrow().get(&key).copied().unwrap_or(0))
	}
}

/// Collateral registry stand-in: BTC (8 decimals, 90 % maintenance weight) and ETH (18
/// decimals, 80 %).
pub struct MockCollateral;

impl CollateralRisk for MockCollateral {
	fn terms(asset: AssetId, _holding: Balance) -> Option<CollateralTerms> {
		let (decimals, weight) = match asset {
			BTC => (8, 90),
			ETH => (18, 80),
			_ => return None,
		};
		Some(CollateralTerms {
			status: AssetStatus::Active,
			decimals,
			oracle_key: asset,
			haircut: Permill::from_percent(100 - weight),
			maintenance_weight: Permill::from_percent(weight),
			liquidation_penalty: Permill::from_percent(5),
			penalty_to_insurance: Permill::from_percent(50),
			supply_cap: Balance::MAX,
			account_cap: Balance::MAX,
		})
	}

	fn volatility(asset: AssetId) -> Permill {
		VOLATILITY.with(|v| v.borrow().get(&asset).copied().unwrap_or_default())
	}
}

mod book;
pub use book::*;

// ----- test helpers: the book -----

/// Open `(who, sub)` (bound to `market` if isolated) if it does not exist.
pub fn open(who: u64, sub: SubAccount, market: Option<MarketId>) {
	assert_eq!(sub == CROSS_ACCOUNT, market.is_none(), "only isolated accounts are bound");
	if !Book::contains_key((who, sub)) {
		Book::insert((who, sub), MockAccount { market, ..Default::default() });
	}
}

/// Deposit `amount` of USDC (smallest units) into `(who, sub)`'s quote balance.
pub fn deposit_quote(who: u64, sub: SubAccount, amount: Balance) {
	Assets::mint_into(USDC, &CUSTODY, amount).unwrap();
	Book::mutate((who, sub), |a| a.as_mut().unwrap().quote += amount as i128);
	Liquidation::changed(&who, sub);
}

/// Deposit `amount` of collateral `asset` into `(who, sub)`.
pub fn deposit(who: u64, sub: SubAccount, asset: AssetId, amount: Balance) {
	Assets::mint_into(asset, &CUSTODY, amount).unwrap();
	Book::mutate((who, sub), |a| {
		*a.as_mut().unwrap().collateral.entry(asset).or_default() += amount
	});
	Liquidation::changed(&who, sub);
}

/// Trade `delta` in `market` at its mark price (no fee, no margin check).
pub fn trade(who: u64, sub: SubAccount, market: MarketId, delta: i128) {
	MockPerps::fill(who, sub, market, delta).unwrap();
	Liquidation::changed(&who, sub);
}

/// `(who, sub)` lost `amount` to the vault (a trade closed at a loss): its quote balance falls.
pub fn realize_loss(who: u64, sub: SubAccount, amount: Balance) {
	Book::mutate((who, sub), |a| a.as_mut().unwrap().quote -= amount as i128);
	Vault::mutate(|v| *v += amount as i128);
	Liquidation::changed(&who, sub);
}

/// `(who, sub)`'s quote balance.
pub fn quote_of(who: u64, sub: SubAccount) -> SignedBalance {
	Book::get((who, sub)).unwrap().quote
}

/// `(who, sub)`'s holding of `asset`.
pub fn collateral_of(who: u64, sub: SubAccount, asset: AssetId) -> Balance {
	Book::get((who, sub)).unwrap().collateral.get(&asset).copied().unwrap_or(0)
}

/// `(who, sub)`'s position in `market`.
pub fn position(who: u64, sub: SubAccount, market: MarketId) -> Option<MockPosition> {
	Positions::get((who, sub), market)
}

/// `(who, sub)` valued as the engine sees it.
pub fn snapshot(who: u64, sub: SubAccount) -> AccountSnapshot {
	MockMargin::snapshot(&who, sub).unwrap()
}

/// `amount` of USDC in `who`'s wallet.
pub fn fund_wallet(who: u64, amount: Balance) {
	Assets::mint_into(USDC, &who, amount).unwrap();
}

/// `who`'s wallet balance of `asset`.
pub fn wallet(asset: AssetId, who: u64) -> Balance {
	<Assets as Inspect<u64>>::balance(asset, &who)
}

/// Put `amount` of USDC into an insurance fund (`None`: the global one), held by the custody.
pub fn seed_insurance(market: Option<MarketId>, amount: Balance) {
	Assets::mint_into(USDC, &CUSTODY, amount).unwrap();
	match market {
		Some(m) => MarketInsurance::<Test>::mutate(m, |f| *f += amount),
		None => GlobalInsurance::<Test>::mutate(|f| *f += amount),
	}
}

/// An isolated account `(who, 1)` in `market` holding `quote` USDC and a position of `size`.
pub fn isolated(who: u64, market: MarketId, quote: Balance, size: i128) -> SubAccount {
	open(who, 1, Some(market));
	deposit_quote(who, 1, quote);
	trade(who, 1, market, size);
	1
}

/// Custody holds exactly what the book says: every collateral asset, and the quote of all
/// accounts, the vault and the insurance funds net of bad debt.
pub fn check_custody() {
	let mut quote: SignedBalance = Vault::get() + Liquidation::pooled_quote();
	let mut collateral: BTreeMap<AssetId, Balance> = BTreeMap::new();
	for (_, a) in Book::iter() {
		quote += a.quote;
		for (asset, amount) in a.collateral {
			*collateral.entry(asset).or_default() += amount;
		}
	}
	assert_eq!(wallet(USDC, CUSTODY) as i128, quote, "custody USDC != Σ quote + vault + pools");
	for asset in [BTC, ETH] {
		assert_eq!(
			wallet(asset, CUSTODY),
			collateral.get(&asset).copied().unwrap_or(0),
			"custody of {asset} != Σ collateral"
		);
	}
}

// ----- externalities -----

/// Externalities at block 1: BTC, ETH and USDC exist (sufficient), prices are at their reference
/// levels (BTC 1,000, ETH 100, both as collateral and as markets), no knob is set.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ORACLE.with(|o| o.borrow_mut().clear());
	INVALID_BLOCKS.with(|c| c.borrow_mut().clear());
	MARKS.with(|m| m.borrow_mut().clear());
	VOLATILITY.with(|v| v.borrow_mut().clear());
	clear_failures();
	set_oracle(BTC, 1_000);
	set_oracle(ETH, 100);
	set_price(BTC_PERP, 1_000);
	set_price(ETH_PERP, 100);
	let storage = RuntimeGenesisConfig {
		assets: pallet_assets::GenesisConfig {
			assets: vec![
				(BTC, ASSET_OWNER, true, 1),
				(ETH, ASSET_OWNER, true, 1),
				(USDC, ASSET_OWNER, true, 1),
			],
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` at block 1, then checks the pallet's invariants and the custody.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Liquidation::do_try_state().unwrap();
		check_custody();
	});
}

/// Run the next block (its sweep) and the invariants; returns the liquidation events of that
/// block, in order.
pub fn next_block() -> Vec<crate::Event<Test>> {
	System::reset_events();
	let n = System::block_number() + 1;
	System::set_block_number(n);
	let used = Liquidation::on_initialize(n);
	assert!(used.all_lte(SweepBudget::get()), "sweep over budget: {used:?}");
	Liquidation::do_try_state().unwrap();
	check_custody();
	events()
}

/// Run blocks up to `n`; returns the liquidation events of all of them.
pub fn run_to_block(n: u64) -> Vec<crate::Event<Test>> {
	let mut all = Vec::new();
	while System::block_number() < n {
		all.extend(next_block());
	}
	all
}

/// The liquidation events since the last reset.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Liquidation(e) => Some(e),
			_ => None,
		})
		.collect()
}

// ----- benchmarks -----

/// Builds the benchmarks' accounts in the mock book.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for MockBenchmarkHelper {
	fn setup() -> MarketId {
		set_oracle(BTC, 1_000);
		set_oracle(ETH, 100);
		set_price(BTC_PERP, 1_000);
		set_price(ETH_PERP, 100);
		BTC_PERP
	}

	fn open_isolated(who: &u64, long: bool, crossing: bool) -> SubAccount {
		let sub = (1..=SubAccount::MAX).find(|s| !Book::contains_key((who, *s))).unwrap();
		open(*who, sub, Some(BTC_PERP));
		// 10× leverage crosses at ~947 (below the crash to 800); 2× at ~526 (above).
		deposit_quote(*who, sub, if crossing { 100 * USD } else { 500 * USD });
		trade(*who, sub, BTC_PERP, if long { ONE_BTC } else { -ONE_BTC });
		sub
	}

	fn open_cross_worst_case(who: &u64) {
		open(*who, CROSS_ACCOUNT, None);
		deposit(*who, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
		deposit(*who, CROSS_ACCOUNT, ETH, 10 * ONE_ETH as Balance);
		deposit_quote(*who, CROSS_ACCOUNT, 1_000 * USD);
		trade(*who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC / 10);
		trade(*who, CROSS_ACCOUNT, ETH_PERP, -ONE_ETH);
	}

	fn crash() {
		set_price(BTC_PERP, 800);
	}

	fn auction_asset() -> AssetId {
		BTC
	}

	fn fund_quote(who: &u64, amount: Balance) {
		fund_wallet(*who, amount);
	}
}
