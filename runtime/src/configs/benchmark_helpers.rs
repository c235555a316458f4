//! What the pallets' benchmarks need from the runtime: prices written into the oracle, funded
//! wallets, and real margin accounts with real positions opened through the calls — on the dev
//! genesis (`--chain dev`: BTC-PERP, ETH-PERP, DOT-PERP; USDC, BTC, ETH and DOT listed).

use super::derivatives::NativeAndAssets;
use crate::{AccountId, MarginAccounts, Perpetuals, Runtime, RuntimeOrigin};
use alloc::vec::Vec;
use ballast_primitives::{
	assets,
	traits::{PriceProvider, TimestampedPrice},
	AssetId, Balance, MarketId, OracleKey, Price, SubAccount,
};
use polkadot_sdk::{frame_support::traits::fungibles::Mutate, pallet_oracle, pallet_timestamp};

/// One type implements every pallet's `BenchmarkHelper`.
pub struct BenchmarkHelpers;

const NOW: u64 = 1_700_000_000_000;
const BTC_PERP: MarketId = 0;
const USDC: Balance = 1_000_000;
const BTC: Balance = 100_000_000;
const ETH: Balance = 1_000_000_000_000_000_000;
const DOT: Balance = 10_000_000_000;

fn set_prices(btc: u32) {
	pallet_timestamp::Now::<Runtime>::put(NOW);
	for (asset, price) in
		[(assets::BTC, btc), (assets::ETH, 3_000), (assets::DOT, 6), (assets::USDC, 1)]
	{
		pallet_oracle::Values::<Runtime>::insert(
			asset,
			pallet_oracle::TimestampedValue { value: Price::from_u32(price), timestamp: NOW },
		);
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

/// Each collateral asset with about 1 000 USD of it.
fn collateral() -> Vec<(AssetId, Balance)> {
	[(assets::BTC, BTC / 60), (assets::ETH, ETH / 3), (assets::DOT, 166 * DOT)].to_vec()
}

/// About 3 000 USD of the market's underlying, long.
fn trade_size(market: MarketId) -> i128 {
	let size = match market {
		0 => BTC / 20,
		1 => ETH,
		_ => 500 * DOT,
	};
	i128::try_from(size).unwrap_or(0)
}

/// Deposit ample margin (quote and every collateral asset) into `(who, sub)`.
fn fund_margin(who: &AccountId, sub: SubAccount) {
	native(who);
	mint(who, assets::USDC, 200_000 * USDC);
	let _ = MarginAccounts::deposit(signed(who), sub, assets::USDC, 100_000 * USDC);
	for (asset, amount) in collateral() {
		mint(who, asset, amount.saturating_mul(4));
		let _ = MarginAccounts::deposit(signed(who), sub, asset, amount);
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

	fn open_cross(who: &AccountId, positions: u32, _assets: u32) {
		fund_margin(who, ballast_primitives::CROSS_ACCOUNT);
		for market in pallet_perpetuals::Markets::<Runtime>::iter_keys().take(positions as usize) {
			let _ = Perpetuals::trade(
				signed(who),
				ballast_primitives::CROSS_ACCOUNT,
				market,
				trade_size(market),
				None,
			);
		}
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
	fn setup() -> Vec<(AssetId, Balance)> {
		set_prices(60_000);
		collateral()
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

	fn open_positions(who: &AccountId, sub: SubAccount) {
		let bound =
			pallet_margin_accounts::Accounts::<Runtime>::get(who, sub).and_then(|a| a.market);
		for market in pallet_perpetuals::Markets::<Runtime>::iter_keys() {
			if bound.is_none_or(|m| m == market) {
				let _ = Perpetuals::trade(signed(who), sub, market, trade_size(market), None);
			}
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

	fn margin_account(who: &AccountId, isolated: Option<MarketId>) -> SubAccount {
		let Some(market) = isolated else {
			fund_margin(who, ballast_primitives::CROSS_ACCOUNT);
			return ballast_primitives::CROSS_ACCOUNT;
		};
		native(who);
		let Ok(sub) = MarginAccounts::do_create_isolated(who, market) else { return 0 };
		// 2 000 USDC against the positions the benchmark opens (≈ 3 000 USD, then 6 000).
		mint(who, assets::USDC, 4_000 * USDC);
		let _ = MarginAccounts::deposit(signed(who), sub, assets::USDC, 2_000 * USDC);
		sub
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
		max_jump: polkadot_sdk::sp_arithmetic::Permill::from_percent(25),
		jump_confirm: 60_000,
	};
	let _ = crate::PriceGuard::set_guard(
		polkadot_sdk::frame_system::RawOrigin::Root.into(),
		key,
		params,
	);
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
