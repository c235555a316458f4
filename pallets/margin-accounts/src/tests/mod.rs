//! Tests of the pallet over the mock runtime: every error a call can return, every event, and
//! the behaviour the crate docs promise (custody, failing closed, ring-fencing, conservative
//! snapshots, reports). Every test ends with `do_try_state` and an exact custody check
//! ([`crate::mock::test`]). The margin formula itself is tested in `ballast_math::margin`.

use crate::{mock::*, pallet::*, Error, Event};
use ballast_primitives::{
	traits::{Exposure, MarginLedger, MarginSide, PooledQuote, PriceError, PriceMode},
	AssetId, AssetStatus, Balance, MarketId, Price, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		pallet_prelude::DispatchResult,
		traits::fungibles::{Inspect, Mutate},
	},
	sp_arithmetic::{FixedU128, Permill},
	sp_runtime::TokenError,
};

const CROSS: SubAccount = CROSS_ACCOUNT;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn usdc(n: u128) -> Balance {
	n * USDC_UNIT
}

/// `n` whole USDC as a signed amount.
fn susdc(n: i128) -> SignedBalance {
	n * USDC_UNIT as i128
}

fn deposit(who: AccountId, sub: SubAccount, asset: AssetId, amount: Balance) {
	assert_ok!(MarginAccounts::deposit(signed(who), sub, asset, amount));
}

fn withdraw(who: AccountId, sub: SubAccount, asset: AssetId, amount: Balance) -> DispatchResult {
	MarginAccounts::withdraw(signed(who), sub, asset, amount).map(|_| ()).map_err(|e| e.error)
}

fn transfer(
	who: AccountId,
	from: SubAccount,
	to: SubAccount,
	asset: AssetId,
	amount: Balance,
) -> DispatchResult {
	MarginAccounts::transfer(signed(who), from, to, asset, amount).map(|_| ()).map_err(|e| e.error)
}

fn create_isolated(who: AccountId, market: MarketId) -> SubAccount {
	MarginAccounts::do_create_isolated(&who, market).unwrap()
}

fn wallet(who: AccountId, asset: AssetId) -> Balance {
	<Assets as Inspect<AccountId>>::balance(asset, &who)
}

fn custody(asset: AssetId) -> Balance {
	wallet(MarginAccounts::custody_account(), asset)
}

fn account(
	who: AccountId,
	sub: SubAccount,
) -> crate::MarginAccount<<Test as crate::Config>::MaxCollateralAssets> {
	Accounts::<Test>::get(who, sub).expect("account exists")
}

/// An exposure with these requirements (whole USDC) and a notional of 10,000 USDC.
fn exposure(im: u128, mm: u128) -> Exposure {
	Exposure {
		initial_requirement: usdc(im),
		maintenance_requirement: usdc(mm),
		notional: usdc(10_000),
		..Default::default()
	}
}

/// One position in market 0 with these requirements (whole USDC).
fn open_position(who: AccountId, sub: SubAccount, im: u128, mm: u128) {
	MockDerivatives::open(who, sub, &[0], exposure(im, mm));
}

/// Settle `delta` to `(who, sub)` with the counterparty's side booked to the pools (as a
/// derivative pallet does), so custody stays exact.
fn settle(who: AccountId, sub: SubAccount, delta: SignedBalance) {
	assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::settle(&who, sub, delta));
	MockPools::set(MockPools::pooled_quote() - delta);
}

mod account_deposit;
mod asset_status;
mod custody_and_balances;
mod custody_and_settlement_edge_cases;
mod deposit_errors;
mod events;
mod isolated_errors;
mod iteration;
mod ledger;
mod portfolio_grid;
mod report_and_liquidation_price;
mod seize;
mod snapshot_conservative_prices;
mod tightening;
mod transfer_errors;
mod weights_by_class;
mod withdraw_errors;
