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
		portfolio::{self, Correlation, Floor, Grid, SpotShock},
		units::{self, Rounding},
	},
	traits::{
		AccountSnapshot, CollateralRisk, CollateralTerms, Derivatives, Exposure, LossBearer,
		MarginLedger, MarginSide, OnAccountChange, PooledQuote, PositionView, PriceBounds,
		PriceError, PriceMode, PriceProvider, TimestampedPrice,
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
			ConstU32, Get, Hooks,
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
/// The smallest ETH balance an account may hold (`pallet_assets` minimum balance).
pub const ETH_MINIMUM_BALANCE: Balance = 1_000_000_000_000;
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
		// Two more markets, inert until priced (the benchmarks' widest accounts use them).
		2 | 3 => Some(10),
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
	/// The liquidation parameters (close 10 % beyond the minimum, in full below half the
	/// requirement or 100 USDC, 2 % penalty; auctions +2 % to +10 %, 0.5 % a block, floor
	/// −10 %, restarted after 100 blocks; caps of 1,000,000 USDC; keepers 1 % up to 5 USDC for 3
	/// restarts). Tests change them in storage with [`set_params`].
	pub MockDefaultParams: crate::LiquidationParams = crate::LiquidationParams {
		close_buffer: Permill::from_percent(10),
		full_liquidation_ratio: Permill::from_percent(50),
		dust_notional: 100 * USD,
		liquidation_penalty: Permill::from_percent(2),
		auction_base_premium: Permill::from_percent(2),
		auction_max_premium: Permill::from_percent(10),
		auction_base_decay: Permill::from_parts(5_000),
		auction_max_discount: Permill::from_percent(10),
		auction_max_age: 100,
		max_auction_value: 1_000_000 * USD,
		max_auction_value_per_asset: 1_000_000 * USD,
		keeper_reward: 5 * USD,
		keeper_reward_share: Permill::from_percent(1),
		max_paid_restarts: 3,
	};
	pub static MaxDeleverageSteps: u32 = 3;
	pub static MaxAdlProbe: u32 = 4;
}

/// The global settlement's status: the shared test double (`MockSettlement::set`).
pub use ballast_primitives::settlement::testing::{MockPhase, MockSettlement};

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
	type MaxCollateralAssets = ConstU32<2>;
	type SweepBudget = SweepBudget;
	type AccountChecksPerBlock = AccountChecksPerBlock;
	type DefaultParams = MockDefaultParams;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type MaxDeleverageSteps = MaxDeleverageSteps;
	type MaxAdlProbe = MaxAdlProbe;
	type LossBearer = MockVault;
	/// None unless a test calls [`use_grid`].
	type PortfolioGrid = MockGrid;
	type Settlement = MockSettlement;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

mod book;
mod inputs;
pub use book::*;
pub use inputs::*;

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

/// Take `(who, sub)`'s triggers out of the watch (it stays in the backstop's set), as if
/// something the watch does not follow had moved it.
pub fn forget_triggers(who: u64, sub: SubAccount) {
	let key = (who, sub);
	for (source, dir, k) in crate::Watching::<Test>::get(key).unwrap_or_default() {
		crate::Watch::<Test>::remove((source, dir, k, key));
		crate::WatchedSources::<Test>::mutate_exists((source, dir), |n| {
			*n = n.map(|c| c - 1).filter(|c| *c > 0)
		});
	}
	crate::Watching::<Test>::insert(key, polkadot_sdk::frame_support::BoundedVec::default());
}

/// Change the stored liquidation parameters (as `set_params` would, without its checks: the
/// invariants after the test still require them within bounds).
pub fn set_params(change: impl FnOnce(&mut crate::LiquidationParams)) {
	crate::Params::<Test>::mutate(change);
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
	COLLATERAL_PENALTY.with(|v| v.borrow_mut().clear());
	clear_failures();
	set_oracle(BTC, 1_000);
	set_oracle(ETH, 100);
	set_price(BTC_PERP, 1_000);
	set_price(ETH_PERP, 100);
	let storage = RuntimeGenesisConfig {
		assets: pallet_assets::GenesisConfig {
			assets: vec![
				(BTC, ASSET_OWNER, true, 1),
				// 10^-6 ETH: a smaller lot cannot be moved to an account holding none.
				(ETH, ASSET_OWNER, true, ETH_MINIMUM_BALANCE),
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

	fn open_cross(who: &u64, positions: u32, assets: u32) {
		open(*who, CROSS_ACCOUNT, None);
		for (i, (asset, amount)) in
			[(BTC, ONE_BTC as Balance), (ETH, 10 * ONE_ETH as Balance)].into_iter().enumerate()
		{
			if (i as u32) < assets {
				deposit(*who, CROSS_ACCOUNT, asset, amount);
			}
		}
		deposit_quote(*who, CROSS_ACCOUNT, 10_000 * USD);
		for market in 0..positions {
			if market_price(market).is_none() {
				set_price(market, 10);
			}
			let size = 10i128.pow(u32::from(base_decimals(market).unwrap())) / 100;
			trade(*who, CROSS_ACCOUNT, market, if market % 2 == 0 { size } else { -size });
		}
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
