//! A dev chain with prices, and helpers to drive it block by block like the real chain: every
//! block runs the registry's and the liquidation engine's `on_initialize` and checks every
//! pallet's invariants.

#![allow(dead_code, unused_imports)]

use super::ext_for_preset;
use ballast_primitives::{assets, AssetStatus, Price, CROSS_ACCOUNT};
use ballast_runtime::{
	CollateralRegistry, Liquidation, MarginAccounts, Oracle, Perpetuals, PriceGuard, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, System,
};
use pallet_margin_accounts::{Error as MarginError, Event as MarginEvent};
use pallet_perpetuals::{Error as PerpError, Event as PerpEvent, MarketParams, MarketStatus};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungibles::Inspect, Hooks, UnfilteredDispatchable},
		BoundedVec,
	},
	sp_arithmetic::Permill,
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{AccountId32, DispatchError, DispatchResult, TokenError},
	*,
};

pub type AccountId = AccountId32;

pub const NOW: u64 = 1_700_000_000_000;
pub const BTC_PERP: u32 = 0;
pub const ETH_PERP: u32 = 1;
pub const USDC: u128 = 1_000_000;
pub const BTC: u128 = 100_000_000;
pub const ETH: u128 = 1_000_000_000_000_000_000;

pub fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
pub fn dave() -> AccountId {
	Sr25519Keyring::Dave.to_account_id()
}
pub fn charlie() -> AccountId {
	Sr25519Keyring::Charlie.to_account_id()
}
pub fn eve() -> AccountId {
	Sr25519Keyring::Eve.to_account_id()
}

/// Dispatch `call` from `who` the way an extrinsic is dispatched (in a storage layer).
pub fn call(who: &AccountId, call: impl Into<RuntimeCall>) -> DispatchResult {
	let call: RuntimeCall = call.into();
	call.dispatch_bypass_filter(RuntimeOrigin::signed(who.clone())).map(|_| ()).map_err(|e| e.error)
}

pub fn root(call: impl Into<RuntimeCall>) -> DispatchResult {
	let call: RuntimeCall = call.into();
	call.dispatch_bypass_filter(RuntimeOrigin::root()).map(|_| ()).map_err(|e| e.error)
}

pub fn set_now(ms: u64) {
	pallet_timestamp::Now::<Runtime>::put(ms);
}

pub fn try_state() {
	PriceGuard::do_try_state().expect("price guard invariants");
	CollateralRegistry::do_try_state().expect("registry invariants");
	MarginAccounts::do_try_state().expect("margin invariants");
	Perpetuals::do_try_state().expect("perpetuals invariants");
	Liquidation::do_try_state().expect("liquidation invariants");
	ballast_runtime::Options::do_try_state().expect("options invariants");
	ballast_runtime::StressTest::do_try_state().expect("stress test invariants");
	ballast_runtime::GlobalSettlement::do_try_state().expect("global settlement invariants");
	ballast_runtime::ValidatorSet::do_try_state().expect("validator set invariants");
	// Custody, exactly (on chain a donation to the custody account would make it `>=`): every
	// collateral unit held is some account's, and every USDC held is a quote balance, the
	// vault's or the fee pot's.
	for asset in [assets::BTC, assets::ETH, assets::DOT] {
		assert_eq!(
			custody_balance(asset),
			pallet_margin_accounts::TotalCollateral::<Runtime>::get(asset),
			"custody of asset {asset}"
		);
	}
	// The pools the runtime declares (the perps vault and fee pot, the options vault, the
	// liquidation funds): the same list the margin pallet proves its books with.
	let pooled = <ballast_runtime::configs::derivatives::QuotePools as ballast_primitives::traits::PooledQuote>::pooled_quote();
	assert_eq!(
		custody_balance(assets::USDC) as i128,
		pallet_margin_accounts::TotalQuote::<Runtime>::get() + pooled,
		"Σ quote balances + vault + fees == USDC held"
	);
}

/// Finish this block and start the next, 6 s later, checking invariants in between.
pub fn next_block() {
	let n = System::block_number();
	Oracle::on_finalize(n);
	PriceGuard::on_finalize(n);
	try_state();
	System::set_block_number(n + 1);
	set_now(pallet_timestamp::Now::<Runtime>::get() + 6_000);
	PriceGuard::on_initialize(n + 1);
	Liquidation::on_initialize(n + 1);
	ballast_runtime::Options::on_initialize(n + 1);
	ballast_runtime::StressTest::on_initialize(n + 1);
	ballast_runtime::GlobalSettlement::on_initialize(n + 1);
	try_state();
}

/// Opens `key`'s circuit breaker to a 100 % move, for tests about what happens after a crash
/// rather than about the breaker (which holds a move beyond 25 % for a minute).
pub fn open_breaker(key: u32) {
	let guard = pallet_price_guard::Guards::<Runtime>::get(key).expect("guarded");
	assert_ok!(root(pallet_price_guard::Call::<Runtime>::set_guard {
		key,
		params: pallet_price_guard::GuardParams { max_jump: Permill::one(), ..guard },
	}));
}

/// Alice and Bob (two oracle operators: the dev chain's minimum count) feed `(asset, whole
/// USD)` prices in the current block (no block passes).
pub fn feed_now(prices: &[(u32, u32)]) {
	let values: BoundedVec<_, _> = BoundedVec::truncate_from(
		prices.iter().map(|(k, v)| (*k, Price::from_u32(*v))).collect::<Vec<_>>(),
	);
	for who in [alice(), Sr25519Keyring::Bob.to_account_id()] {
		assert_ok!(Oracle::feed_values(RuntimeOrigin::signed(who), values.clone()));
	}
}

/// Alice and Bob feed `(asset, whole USD)` prices, then a block passes.
pub fn feed(prices: &[(u32, u32)]) {
	feed_now(prices);
	next_block();
}

/// The dev chain with prices: BTC 60 000, ETH 3 000, DOT 6.
pub fn chain() -> polkadot_sdk::sp_io::TestExternalities {
	let mut ext = ext_for_preset(DEV_RUNTIME_PRESET);
	ext.execute_with(|| {
		set_now(NOW);
		feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
	});
	ext
}

pub fn deposit(who: &AccountId, sub: u8, asset: u32, amount: u128) -> DispatchResult {
	call(who, pallet_margin_accounts::Call::<Runtime>::deposit { sub, asset, amount })
}
pub fn withdraw(who: &AccountId, sub: u8, asset: u32, amount: u128) -> DispatchResult {
	call(who, pallet_margin_accounts::Call::<Runtime>::withdraw { sub, asset, amount })
}
pub fn trade(who: &AccountId, sub: u8, market: u32, size_delta: i128) -> DispatchResult {
	call(
		who,
		pallet_perpetuals::Call::<Runtime>::trade { sub, market, size_delta, limit_price: None },
	)
}
pub fn create_isolated(who: &AccountId, market: u32) -> DispatchResult {
	call(who, pallet_margin_accounts::Call::<Runtime>::create_isolated { market })
}

pub fn custody_balance(asset: u32) -> u128 {
	<Runtime as pallet_margin_accounts::Config>::Assets::balance(
		asset,
		&MarginAccounts::custody_account(),
	)
}

pub fn market(id: u32) -> pallet_perpetuals::Market<u32> {
	pallet_perpetuals::Markets::<Runtime>::get(id).unwrap()
}

pub fn last_traded() -> (i128, Price, u128, i128) {
	System::events()
		.iter()
		.rev()
		.find_map(|r| match &r.event {
			RuntimeEvent::Perpetuals(PerpEvent::Traded {
				new_size,
				price,
				fee,
				realized_pnl,
				..
			}) => Some((*new_size, *price, *fee, *realized_pnl)),
			_ => None,
		})
		.expect("a trade happened")
}

/// `(who, sub)` as the liquidation engine sees it: one valuation at conservative prices.
pub fn health(who: &AccountId, sub: u8) -> Option<ballast_primitives::traits::AccountSnapshot> {
	<ballast_runtime::MarginAccounts as ballast_primitives::traits::MarginSide<AccountId>>::snapshot(
		who, sub,
	)
}

/// The liquidation price of an isolated account with one position, as the engine indexes it.
pub fn liquidation_price(who: &AccountId, sub: u8) -> Option<(u32, bool, Price)> {
	let s = health(who, sub)?;
	if s.market.is_none() || s.positions != 1 {
		return None;
	}
	<ballast_runtime::Perpetuals as ballast_primitives::traits::Derivatives<AccountId>>::liquidation_price(
		who,
		sub,
		s.equity_without_pnl,
	)
}
