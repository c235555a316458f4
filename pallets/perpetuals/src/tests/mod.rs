//! Tests of the pallet: governance, every error of every call, every event, trading, funding,
//! the vault, the `Derivatives` and `PooledQuote` interfaces, reports, genesis and the
//! invariants. The formulas have their own tests in `ballast_math::perp`.
//!
//! Numbers: BTC at 60,000; a 1 BTC trade on an empty book pays the 0.01 % spread plus half its
//! size over the 1,000 BTC skew scale (0.05 %): 0.06 %, so a buy fills at 60,036 and a sell at
//! 59,964; the fee is 0.05 % of notional.

use crate::{mock::*, pallet::*, types::*, Error, Event};
use ballast_primitives::{
	math::perp,
	traits::{Derivatives, Exposure, PooledQuote, PositionView, PriceError, PriceMode},
	Balance, MarketId, Price, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_arithmetic::{traits::Zero, FixedI128, FixedPointNumber, Permill},
	sp_runtime::{DispatchError, TokenError},
};

const ALICE: AccountId = 1;
const BOB: AccountId = 2;
const LP: AccountId = 10;
const LP2: AccountId = 11;
const EVE: AccountId = 66;

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn price(p: u32) -> Price {
	Price::from_u32(p)
}

/// `units` whole USDC, signed.
fn usdc(units: i128) -> SignedBalance {
	units * USDC as i128
}

/// Put `units` USDC into `who`'s cross account.
fn fund(who: AccountId, units: u128) {
	MockLedger::deposit(who, CROSS_ACCOUNT, units * USDC);
}

/// Trade `delta` from `who`'s cross account.
fn trade(who: AccountId, market: MarketId, delta: i128) {
	assert_ok!(Perpetuals::trade(signed(who), CROSS_ACCOUNT, market, delta, None));
}

fn position(who: AccountId, market: MarketId) -> Option<Position> {
	Positions::<Test>::get((who, CROSS_ACCOUNT), market)
}

fn state(market: MarketId) -> MarketState<u64> {
	Markets::<Test>::get(market).unwrap().state
}

/// The last `Traded` event.
fn last_traded() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Perpetuals(e @ Event::Traded { .. }) => Some(e),
			_ => None,
		})
		.unwrap()
}

/// `(fee, realized PnL, funding)` of the last `Traded` event.
fn last_fill() -> (Balance, SignedBalance, SignedBalance) {
	match last_traded() {
		Event::Traded { fee, realized_pnl, funding, .. } => (fee, realized_pnl, funding),
		_ => unreachable!(),
	}
}

/// `(Σ ledger quote, vault cash, fee pot)`.
fn books() -> (SignedBalance, SignedBalance, Balance) {
	(MockLedger::total_quote(), VaultState::<Test>::get().cash, FeePot::<Test>::get())
}

fn add_liquidity(who: AccountId, units: u128) {
	MockLedger::fund_wallet(who, units * USDC);
	assert_ok!(Perpetuals::add_liquidity(signed(who), units * USDC, 0));
}

/// Ask to withdraw `shares` and, the exit notice passed, redeem them.
fn remove_liquidity(who: AccountId, shares: Balance) -> Result<(), DispatchError> {
	Perpetuals::request_withdrawal(signed(who), shares)?;
	let ready = PendingExits::<Test>::get(who).unwrap().ready_at;
	if ready > System::block_number() {
		run_to_block(ready);
	}
	Perpetuals::withdraw_liquidity(signed(who), 0)
}

fn update(market: MarketId, f: impl FnOnce(&mut MarketParams)) {
	let mut p = Markets::<Test>::get(market).unwrap().params;
	f(&mut p);
	assert_ok!(Perpetuals::update_market(root(), market, p));
}

mod derivatives;
mod funding;
mod genesis_and_invariants;
mod governance;
mod reports;
mod shutdown;
mod the_vault;
mod trade_behaviour;
mod trade_errors;
mod trade_weight;
