//! What the pallets' benchmarks need from the runtime: prices written into the oracle, funded
//! wallets, and real margin accounts with real positions opened through the calls — on the dev
//! genesis (`--chain dev`: BTC-PERP, ETH-PERP, DOT-PERP; USDC, BTC, ETH and DOT listed).
//!
//! The widest accounts — [`MaxMarkets`] positions and [`MaxCollateralAssets`] collateral assets,
//! the limits the weights of the account-valuing calls are declared at — need more markets and
//! collateral than the genesis lists. [`list_markets`] and [`collateral`] list them the way
//! governance would, through the pallets' own root calls: each on its own oracle key, guarded by
//! the price guard ([`guard_key`]) and priced in the oracle ([`set_price`]); collateral assets
//! are created in `pallet-assets` and registered with the collateral registry.

use super::derivatives::{MaxCollateralAssets, MaxMarkets, NativeAndAssets};
use crate::{AccountId, MarginAccounts, Perpetuals, Runtime, RuntimeOrigin};
use alloc::{boxed::Box, vec::Vec};
use ballast_primitives::{
	assets,
	traits::{PriceProvider, TimestampedPrice},
	AssetId, AssetStatus, Balance, MarketId, OracleKey, Price, SubAccount, CROSS_ACCOUNT,
};
use pallet_collateral_registry::{CollateralParams, ConcentrationAddOn, HaircutSchedule};
use pallet_perpetuals::{MarketParams, MarketStatus};
use polkadot_sdk::{
	frame_support::{
		traits::fungibles::{Create, Mutate},
		BoundedVec,
	},
	frame_system::RawOrigin,
	pallet_oracle, pallet_timestamp,
	sp_arithmetic::Permill,
};

/// One type implements every pallet's `BenchmarkHelper`.
pub struct BenchmarkHelpers;

const NOW: u64 = 1_700_000_000_000;
const BTC_PERP: MarketId = 0;
const USDC: Balance = 1_000_000;
const BTC: Balance = 100_000_000;
const ETH: Balance = 1_000_000_000_000_000_000;
const DOT: Balance = 10_000_000_000;

/// Market `id` beyond the genesis ones trades the underlying priced under oracle key
/// `EXTRA_MARKET_KEYS + id`.
const EXTRA_MARKET_KEYS: OracleKey = 1_000;
/// The `i`-th collateral asset beyond the genesis ones has id (and oracle key)
/// `EXTRA_ASSETS + i`.
const EXTRA_ASSETS: AssetId = 100;
/// Every extra underlying and extra collateral asset costs 100 USD ...
const EXTRA_PRICE: u32 = 100;
/// ... and has 10 decimals.
const EXTRA_DECIMALS: u8 = 10;
/// One whole token of an extra underlying or asset.
const EXTRA_UNIT: Balance = 10_000_000_000;

/// The oracle reports `price` (whole USD) for `key`, stamped [`NOW`].
fn set_price(key: OracleKey, price: u32) {
	pallet_oracle::Values::<Runtime>::insert(
		key,
		pallet_oracle::TimestampedValue { value: Price::from_u32(price), timestamp: NOW },
	);
}

/// The clock at [`NOW`]; BTC at `btc`, ETH 3 000, DOT 6, USDC 1 (the extra markets and assets
/// keep the price they were listed at, also stamped [`NOW`]).
fn set_prices(btc: u32) {
	pallet_timestamp::Now::<Runtime>::put(NOW);
	for (asset, price) in
		[(assets::BTC, btc), (assets::ETH, 3_000), (assets::DOT, 6), (assets::USDC, 1)]
	{
		set_price(asset, price);
	}
}

fn mint(who: &AccountId, asset: AssetId, amount: Balance) {
	let _ = NativeAndAssets::mint_into(asset, who, amount);
}

/// BLST for the deposits of every margin account `who` may open.
fn native(who: &AccountId) {
	mint(who, assets::NATIVE, 100 * crate::UNIT);
}

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

fn root() -> RuntimeOrigin {
	RawOrigin::Root.into()
}

/// The parameters of an extra market on `oracle_key`: 10 decimals, 10 % / 5 % margin, caps and
/// skew scale far above what the benchmarks trade.
fn extra_market(oracle_key: OracleKey) -> MarketParams {
	MarketParams {
		oracle_key,
		base_decimals: EXTRA_DECIMALS,
		initial_margin: Permill::from_percent(10),
		maintenance_margin: Permill::from_percent(5),
		max_long_oi: 1_000_000 * EXTRA_UNIT,
		max_short_oi: 1_000_000 * EXTRA_UNIT,
		taker_fee: Permill::from_parts(500),
		base_spread: Permill::from_parts(200),
		skew_scale: 10_000_000 * EXTRA_UNIT,
		max_premium: Permill::from_percent(2),
		max_funding_rate: Permill::from_parts(1_000),
		status: MarketStatus::Active,
	}
}

/// From now on markets `0..n` exist (at most [`MaxMarkets`]): each one beyond the genesis ones
/// is created by Root on its own guarded, priced oracle key.
fn list_markets(n: u32) {
	let n = n.min(MaxMarkets::get());
	while pallet_perpetuals::NextMarketId::<Runtime>::get() < n {
		let key =
			EXTRA_MARKET_KEYS.saturating_add(pallet_perpetuals::NextMarketId::<Runtime>::get());
		guard_key(key);
		set_price(key, EXTRA_PRICE);
		if Perpetuals::create_market(root(), extra_market(key)).is_err() {
			return;
		}
	}
}

/// The risk parameters of an extra collateral asset priced under `oracle_key`: 20 % haircut,
/// 85 % liquidation threshold, caps far above what the benchmarks deposit.
fn extra_collateral(oracle_key: OracleKey) -> CollateralParams<super::derivatives::MaxBands> {
	CollateralParams {
		decimals: EXTRA_DECIMALS,
		oracle_key,
		haircut: HaircutSchedule {
			base: Permill::from_percent(20),
			bands: BoundedVec::new(),
			concentration: ConcentrationAddOn {
				market_depth: 10_000_000 * EXTRA_UNIT,
				slope: Permill::from_percent(10),
				max_add_on: Permill::from_percent(20),
			},
		},
		liquidation_threshold: Permill::from_percent(85),
		liquidation_penalty: Permill::from_percent(5),
		supply_cap: 100_000_000 * EXTRA_UNIT,
		account_cap: 10_000_000 * EXTRA_UNIT,
		status: AssetStatus::Active,
	}
}

/// List collateral asset `id` (and oracle key `id`) unless the registry lists it already: a
/// sufficient asset in `pallet-assets`, guarded and priced, registered by Root.
fn list_asset(id: AssetId) {
	guard_key(id);
	set_price(id, EXTRA_PRICE);
	if pallet_collateral_registry::AssetParams::<Runtime>::contains_key(id) {
		return;
	}
	let owner = AccountId::new([0xa5; 32]);
	let _ = <crate::Assets as Create<AccountId>>::create(id, owner, true, 1);
	let _ = crate::CollateralRegistry::register_asset(root(), id, Box::new(extra_collateral(id)));
}

/// `n` collateral assets (at most [`MaxCollateralAssets`]), each with about 1 000 USD of it:
/// BTC, ETH and DOT, then extra assets, listed as needed.
fn collateral(n: u32) -> Vec<(AssetId, Balance)> {
	let n = n.min(MaxCollateralAssets::get());
	let mut all =
		[(assets::BTC, BTC / 60), (assets::ETH, ETH / 3), (assets::DOT, 166 * DOT)].to_vec();
	let genesis = u32::try_from(all.len()).unwrap_or(u32::MAX);
	for i in 0..n.saturating_sub(genesis) {
		let id = EXTRA_ASSETS.saturating_add(i);
		list_asset(id);
		all.push((id, 10 * EXTRA_UNIT));
	}
	all.truncate(usize::try_from(n).unwrap_or(usize::MAX));
	all
}

/// About 3 000 USD of the market's underlying, long.
fn trade_size(market: MarketId) -> i128 {
	let size = match market {
		0 => BTC / 20,
		1 => ETH,
		2 => 500 * DOT,
		_ => 30 * EXTRA_UNIT,
	};
	i128::try_from(size).unwrap_or(0)
}

/// Fund `who` and deposit into `(who, sub)` ample quote (100 000 USDC) and `assets` collateral
/// assets (listed as needed), about 1 000 USD of each.
fn fund_margin(who: &AccountId, sub: SubAccount, assets: u32) {
	native(who);
	mint(who, assets::USDC, 200_000 * USDC);
	let _ = MarginAccounts::deposit(signed(who), sub, assets::USDC, 100_000 * USDC);
	for (asset, amount) in collateral(assets) {
		mint(who, asset, amount.saturating_mul(4));
		let _ = MarginAccounts::deposit(signed(who), sub, asset, amount);
	}
}

/// Open one position of [`trade_size`] in each market of `markets` from `(who, sub)` (listing
/// markets as needed): long, or alternately long and short (`alternate`), which keeps the
/// vault's skew (and its stress test) small.
fn open_positions(who: &AccountId, sub: SubAccount, markets: u32, alternate: bool) {
	list_markets(markets);
	for market in 0..markets.min(MaxMarkets::get()) {
		let size = trade_size(market);
		let size = if alternate && market % 2 == 1 { size.saturating_neg() } else { size };
		let _ = Perpetuals::trade(signed(who), sub, market, size, None);
	}
}

impl pallet_liquidation::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn setup() -> MarketId {
		set_prices(60_000);
		// The vault takes skew only up to its stress bound: 1,200 accounts 0.1 BTC long
		// (7.2 M USDC) need more NAV than the genesis 500,000 USDC.
		let lp = AccountId::new([0x1b; 32]);
		mint(&lp, assets::USDC, 10_000_000 * USDC);
		let _ = Perpetuals::do_add_liquidity(&lp, 10_000_000 * USDC, 0);
		BTC_PERP
	}

	fn open_isolated(who: &AccountId, long: bool, crossing: bool) -> SubAccount {
		native(who);
		let Ok(sub) = MarginAccounts::do_create_isolated(who, BTC_PERP) else { return 0 };
		mint(who, assets::USDC, 10_000 * USDC);
		mint(who, assets::BTC, BTC);
		let size = i128::try_from(BTC / 10).unwrap_or(0);
		if crossing {
			// 0.1 BTC long on 500 USDC and 0.005 BTC of collateral: after the crash, a full
			// close, a debt, and the collateral seized into an auction.
			let _ = MarginAccounts::deposit(signed(who), sub, assets::USDC, 500 * USDC);
			let _ = MarginAccounts::deposit(signed(who), sub, assets::BTC, BTC / 200);
		} else {
			let _ = MarginAccounts::deposit(signed(who), sub, assets::USDC, 5_000 * USDC);
		}
		let delta = if long { size } else { size.saturating_neg() };
		let _ = Perpetuals::trade(signed(who), sub, BTC_PERP, delta, None);
		sub
	}

	/// 100 000 USDC and about 1 000 USD of each of `assets` collateral assets; `positions`
	/// positions of about 3 000 USD, alternately long and short: an account of 48 000 USD of
	/// notional at most against 100 000 USDC, far from its liquidation limit.
	fn open_cross(who: &AccountId, positions: u32, assets: u32) {
		fund_margin(who, CROSS_ACCOUNT, assets);
		open_positions(who, CROSS_ACCOUNT, positions, true);
	}

	fn crash() {
		set_prices(51_000);
	}

	fn auction_asset() -> AssetId {
		assets::BTC
	}

	fn fund_quote(who: &AccountId, amount: Balance) {
		mint(who, assets::USDC, amount);
	}
}

impl pallet_margin_accounts::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn setup(assets: u32) -> Vec<(AssetId, Balance)> {
		set_prices(60_000);
		collateral(assets)
	}

	fn quote_amount() -> Balance {
		100_000 * USDC
	}

	fn fund(who: &AccountId, asset: AssetId, amount: Balance) {
		mint(who, asset, amount);
	}

	fn market() -> MarketId {
		BTC_PERP
	}

	fn open_positions(who: &AccountId, sub: SubAccount, positions: u32) {
		if positions == 0 {
			return;
		}
		match pallet_margin_accounts::Accounts::<Runtime>::get(who, sub).and_then(|a| a.market) {
			Some(market) => {
				let _ = Perpetuals::trade(signed(who), sub, market, trade_size(market), None);
			},
			// A cross account: a perpetual in each market, then options for the rest (the
			// class counts every product's positions, up to `MaxPositions`).
			None => {
				let perps = positions.min(MaxMarkets::get());
				open_positions(who, sub, perps, false);
				open_option_legs(who, sub, positions.saturating_sub(perps));
			},
		}
	}
}

impl pallet_perpetuals::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn guard(key: OracleKey) {
		guard_key(key)
	}

	fn setup() {
		set_prices(60_000);
	}

	fn list_markets(markets: u32) {
		list_markets(markets)
	}

	fn cross_account(who: &AccountId, assets: u32) -> SubAccount {
		fund_margin(who, CROSS_ACCOUNT, assets);
		CROSS_ACCOUNT
	}

	fn move_prices() {
		set_prices(61_000);
	}

	fn trade_size(market: MarketId) -> i128 {
		trade_size(market)
	}

	fn fund_quote(who: &AccountId) -> Balance {
		mint(who, assets::USDC, 200_000 * USDC);
		100_000 * USDC
	}
}

impl pallet_options::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn price(key: OracleKey) {
		guard_key(key);
		// Priced at the clock as it stands (after `expire`, past the expiry).
		let now = pallet_timestamp::Now::<Runtime>::get().max(NOW);
		pallet_timestamp::Now::<Runtime>::put(now);
		pallet_oracle::Values::<Runtime>::insert(
			key,
			pallet_oracle::TimestampedValue { value: Price::from_u32(60_000), timestamp: now },
		);
	}

	fn cross_account(who: &AccountId) -> SubAccount {
		fund_margin(who, CROSS_ACCOUNT, 0);
		CROSS_ACCOUNT
	}

	fn fund_quote(who: &AccountId) -> Balance {
		mint(who, assets::USDC, 200_000 * USDC);
		100_000 * USDC
	}

	fn expire(expiry: u64) {
		pallet_timestamp::Now::<Runtime>::put(expiry.saturating_add(1));
	}
}

/// Benchmarks write oracle values directly: the on-chain price path, without operators.
impl pallet_price_guard::BenchmarkHelper for BenchmarkHelpers {
	fn set_price(key: OracleKey, price: TimestampedPrice) {
		pallet_oracle::Values::<Runtime>::insert(
			key,
			pallet_oracle::TimestampedValue { value: price.price, timestamp: price.timestamp },
		);
	}
}

/// Guards `key` with wide bounds unless the price guard guards it already (the dev genesis
/// guards 1..=3): benchmarks list assets, markets and feeds only on guarded keys.
fn guard_key(key: OracleKey) {
	if <crate::PriceGuard as PriceProvider>::bounds(key).is_some() {
		return;
	}
	let params = pallet_price_guard::GuardParams {
		min_price: Price::from_u32(1),
		max_price: Price::from_u32(1_000_000_000),
		max_age: 10 * 60 * 1_000,
		trade_age: 10 * 60 * 1_000,
		max_jump: Permill::from_percent(25),
		jump_confirm: 60_000,
	};
	let _ = crate::PriceGuard::set_guard(root(), key, params);
}

impl pallet_collateral_registry::BenchmarkHelper for BenchmarkHelpers {
	fn guard(key: OracleKey) {
		guard_key(key)
	}
}

impl pallet_price_feed::BenchmarkHelper for BenchmarkHelpers {
	fn guard(key: OracleKey) {
		guard_key(key)
	}
}

/// The stress test's widest account: `legs` positions, up to [`MaxOptionPositions`] of them
/// options on BTC (the dearest legs to value: a Black–Scholes evaluation per scenario), the
/// rest perpetuals in as many markets; 1.55 BTC long in all, on about 16,000 USDC plus what
/// the other legs need, so that it meets its margin and falls short in the −30 % scenario.
///
/// [`MaxOptionPositions`]: super::options::MaxOptionPositions
impl pallet_stress::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn account_at_risk(who: &AccountId, legs: u32) {
		set_prices(60_000);
		let options = legs.saturating_sub(1).min(super::options::MaxOptionPositions::get());
		let perps = legs.saturating_sub(options).max(1);
		native(who);
		mint(who, assets::USDC, 1_000_000 * USDC);
		let deposit = 16_000u128
			.saturating_add(900u128.saturating_mul(u128::from(perps.saturating_sub(1))))
			.saturating_add(100u128.saturating_mul(u128::from(options)));
		let _ = MarginAccounts::deposit(signed(who), CROSS_ACCOUNT, assets::USDC, deposit * USDC);
		open_positions(who, CROSS_ACCOUNT, perps, false);
		let btc = i128::try_from(BTC.saturating_mul(3) / 2).unwrap_or(0);
		let _ = Perpetuals::trade(signed(who), CROSS_ACCOUNT, BTC_PERP, btc, None);
		open_option_legs(who, CROSS_ACCOUNT, options);
	}
}

/// `n` options on BTC (at most [`MaxOptionPositions`]) bought into `(who, sub)`, 0.001 BTC
/// each: strikes 80 %, 82.5 %, … of a 60,000 spot, calls and puts in turn, each a series
/// listed here.
///
/// [`MaxOptionPositions`]: super::options::MaxOptionPositions
fn open_option_legs(who: &AccountId, sub: SubAccount, n: u32) {
	use pallet_options::{OptionKind, SeriesParams};
	for i in 0..n.min(super::options::MaxOptionPositions::get()) {
		let strike = Price::from_u32(48_000u32.saturating_add(1_500u32.saturating_mul(i)));
		let kind = if i % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
		let params = SeriesParams {
			underlying: assets::BTC,
			strike,
			expiry: crate::genesis_config_presets::DEV_OPTION_EXPIRY,
			kind,
		};
		let Ok(id) = crate::Options::do_list_series(params) else { continue };
		let _ = crate::Options::buy(signed(who), sub, id, BTC / 1_000, Balance::MAX);
	}
}

impl pallet_global_settlement::BenchmarkHelper for BenchmarkHelpers {
	fn prices(keys: u32) -> u32 {
		// A perpetual market per key beyond the genesis ones, each on a key of its own, each
		// with open interest (only those need a settlement price).
		list_markets(keys);
		set_prices(60_000);
		let trader = AccountId::new([0x5e; 32]);
		fund_margin(&trader, CROSS_ACCOUNT, 0);
		open_positions(&trader, CROSS_ACCOUNT, keys, true);
		let keys =
			<super::derivatives::Products as ballast_primitives::traits::GlobalSettle>::price_keys(
			);
		u32::try_from(keys.len()).unwrap_or(u32::MAX)
	}
}

/// Session keys for a benchmark account, unique to it (its own bytes as both public keys),
/// recorded as `session.setKeys` records them.
impl pallet_validator_set::BenchmarkHelper<AccountId> for BenchmarkHelpers {
	fn register_keys(who: &AccountId) {
		use polkadot_sdk::sp_core::{ed25519, sr25519};
		let raw: [u8; 32] = *who.as_ref();
		let keys = crate::SessionKeys {
			aura: sr25519::Public::from_raw(raw).into(),
			grandpa: ed25519::Public::from_raw(raw).into(),
		};
		crate::migrations::record_session_keys(who, &keys);
	}
}
