//! Tests of the pallet: governance, every error of every call, every event, pricing on chain
//! (put–call parity), the vault's caps and stress rule, expiry and settlement, the
//! `Derivatives` and `PooledQuote` interfaces, and the invariants (with corrupted states).
//!
//! Numbers: BTC at 60,000, tracked volatility 1 % (a day) × 50 = 50 % a year (plus the
//! skew away from the money), 30-day series; an at-the-money BTC call is worth ≈ 3,440 USDC, its
//! ask 2 % more.

use crate::{mock::*, pallet::*, types::*, Error, Event};
use ballast_primitives::{
	traits::{Derivatives, PooledQuote, PriceMode},
	Balance, MarketId, Price, SignedBalance, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_arithmetic::{traits::Zero, FixedPointNumber, FixedU128, Permill},
	sp_runtime::{DispatchError, TokenError},
};

const ALICE: AccountId = 1;
const BOB: AccountId = 2;
const LP: AccountId = 10;

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// Put `units` USDC into `who`'s cross account.
fn fund(who: AccountId, units: u128) {
	MockLedger::deposit(who, CROSS_ACCOUNT, units * USDC);
}

/// Buy `quantity` of `series` from `who`'s cross account, paying whatever it costs.
fn buy(who: AccountId, series: MarketId, quantity: Balance) {
	assert_ok!(Options::buy(signed(who), CROSS_ACCOUNT, series, quantity, Balance::MAX));
}

fn position(who: AccountId, series: MarketId) -> Option<Position> {
	Positions::<Test>::get(series, (who, CROSS_ACCOUNT))
}

fn series(id: MarketId) -> Series {
	AllSeries::<Test>::get(id).unwrap()
}

/// The premium of the last `Bought` or `Sold` event.
fn last_premium() -> Balance {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Options(Event::Bought { premium, .. })
			| RuntimeEvent::Options(Event::Sold { premium, .. }) => Some(premium),
			_ => None,
		})
		.unwrap()
}

fn options_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Options(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn cash() -> Balance {
	VaultState::<Test>::get().cash
}

/// `units` USDC, signed.
fn usdc(units: i128) -> SignedBalance {
	units * USDC as i128
}

mod derivatives;
mod governance;
mod invariants;
mod pricing;
mod settlement;
mod shutdown;
mod trading;
mod vault;
