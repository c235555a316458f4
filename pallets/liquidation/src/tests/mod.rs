//! Tests of the pallet over the mock margin engine and perpetuals: the calls and their errors,
//! one test per event, the sweep (index, cursor, budget), partial and full liquidation,
//! atomicity, auctions and the loss waterfall. Every block runs `do_try_state` and checks that
//! the custody holds what the book says ([`check_custody`]). The formulas have their own tests
//! in `ballast-math`.

use crate::{mock::*, pallet::*, types::*, Error, Event};
use ballast_primitives::{traits::MarginSide, Balance, Price, SubAccount, CROSS_ACCOUNT};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, weights::Weight},
	sp_arithmetic::Permill,
	sp_runtime::DispatchError,
};

/// The one isolated sub-account the tests use.
const ISO: SubAccount = 1;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// An isolated long of 1 BTC at 1,000 with `quote` USDC: 10× with 100 (liquidation price
/// ≈ 947.37), 2× with 500 (≈ 526.32).
fn long_btc(who: u64, quote: Balance) {
	isolated(who, BTC_PERP, quote * USD, ONE_BTC);
}

/// A cross account holding 1 BTC of collateral (maintenance value 900) with a debt of
/// `debt` USDC and no positions.
fn indebted(who: u64, debt: Balance) {
	open(who, CROSS_ACCOUNT, None);
	deposit(who, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
	realize_loss(who, CROSS_ACCOUNT, debt * USD);
}

/// A cross account holding 1 BTC of collateral with a debt of `debt` smallest quote units.
fn indebted_exact(who: u64, debt: Balance) {
	open(who, CROSS_ACCOUNT, None);
	deposit(who, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
	realize_loss(who, CROSS_ACCOUNT, debt);
}

/// A cross account with 500 USDC short 1 BTC at 1,000: the auto-deleveraging counterparty.
fn short_winner(who: u64) {
	open(who, CROSS_ACCOUNT, None);
	deposit_quote(who, CROSS_ACCOUNT, 500 * USD);
	trade(who, CROSS_ACCOUNT, BTC_PERP, -ONE_BTC);
}

fn liquidated(events: &[Event<Test>], who: u64, sub: SubAccount) -> bool {
	events.iter().any(
		|e| matches!(e, Event::PositionsLiquidated { who: w, sub: s, .. } if *w == who && *s == sub),
	)
}

fn failed(events: &[Event<Test>], who: u64) -> usize {
	events
		.iter()
		.filter(|e| matches!(e, Event::LiquidationFailed { who: w, .. } if *w == who))
		.count()
}

fn auction(id: AuctionId) -> Auction<u64, u64> {
	Auctions::<Test>::get(id).unwrap()
}

/// `CHARLIE` owes 450 USDC against 1 BTC: the next block seizes 0.5 BTC (worth 500 at 1,000,
/// i.e. 450 at the 10 % floor) into auction 0, starting at 1,020.
fn start_auction() -> AuctionId {
	indebted(CHARLIE, 450);
	let events = next_block();
	assert!(events.contains(&Event::AuctionStarted {
		id: 0,
		who: CHARLIE,
		sub: CROSS_ACCOUNT,
		asset: BTC,
		lot: 50_000_000,
		start_price: Price::from_u32(1_020),
	}));
	0
}

mod atomicity;
mod auctions;
mod boundary;
mod cursor;
mod errors_of_take_and_restart;
mod governed_params;
mod ranked_closes;
mod runtime_api;
mod solvency;
mod the_index_and_the_sweep;
mod the_watch;
mod the_waterfall;
