//! Solvency under attack (issue 11): each test is named after the scenario it defeats.

use super::*;
use ballast_primitives::traits::{OnAccountChange, PooledQuote};
use polkadot_sdk::frame_support::traits::{
	fungibles::Mutate,
	tokens::{Fortitude, Precision, Preservation},
};
use polkadot_sdk::sp_runtime::TokenError;

/// An isolated short of 10 ETH at 100 with `quote` USDC: crosses near 100 + quote / 10.
fn short_eth(who: u64, quote: Balance) {
	isolated(who, ETH_PERP, quote * USD, -10 * ONE_ETH);
}

/// A cross account long 10 ETH at 100 with 500 USDC: the ADL counterparty of an ETH short.
fn long_eth_winner(who: u64) {
	open(who, CROSS_ACCOUNT, None);
	deposit_quote(who, CROSS_ACCOUNT, 500 * USD);
	trade(who, CROSS_ACCOUNT, ETH_PERP, 10 * ONE_ETH);
}

// ----- scenario 5: bad debt is charged to a named party -----

#[test]
fn written_off_debt_is_charged_to_the_vault_in_the_same_block() {
	test(|| {
		long_btc(ALICE, 100);
		seed_insurance(None, 30 * USD);
		set_price(BTC_PERP, 800);
		let vault = Vault::get();
		let events = next_block();
		assert!(events.contains(&Event::BadDebtRecorded {
			who: ALICE,
			sub: ISO,
			amount: 70 * USD
		}));
		// The close paid the vault 200 (ALICE's realized loss); the 70 nobody could pay is
		// taken back from it in the same block, so the LPs do not count a gain never paid.
		assert_eq!(Vault::get(), vault + 200 * USD as i128 - 70 * USD as i128);
		// The record stays; the insurance pool is the funds alone, not net of bad debt.
		assert_eq!(BadDebt::<Test>::get(), 70 * USD);
		assert_eq!(
			Liquidation::pooled_quote(),
			(GlobalInsurance::<Test>::get() + MarketInsurance::<Test>::get(BTC_PERP)) as i128
		);
	});
}

// ----- scenario 8: no path makes a lot untakeable -----

#[test]
fn a_take_stands_when_the_liquidated_account_no_longer_exists() {
	test(|| {
		let id = start_auction();
		// CHARLIE pays his debt, withdraws the rest of his collateral and closes the account.
		deposit_quote(CHARLIE, CROSS_ACCOUNT, 450 * USD);
		let left = collateral_of(CHARLIE, CROSS_ACCOUNT, BTC);
		Assets::burn_from(
			BTC,
			&CUSTODY,
			left,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Force,
		)
		.unwrap();
		Book::remove((CHARLIE, CROSS_ACCOUNT));
		fund_wallet(BIDDER, 1_000 * USD);
		// The lot is still takeable: the proceeds have no account to repay, so they go to the
		// global insurance fund.
		assert_ok!(Liquidation::take(signed(BIDDER), id, 20_000_000, Price::from_u32(2_000)));
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ProceedsToInsurance { id: 0, who: CHARLIE, amount, .. } if *amount == 204 * USD
		)));
		assert_eq!(wallet(BTC, BIDDER), 20_000_000);
		assert_eq!(GlobalInsurance::<Test>::get(), 204 * USD);
		// The rest of the lot can be taken too; the auction ends.
		assert_ok!(Liquidation::take(
			signed(BIDDER),
			id,
			ONE_BTC as Balance,
			Price::from_u32(2_000)
		));
		assert!(Auctions::<Test>::get(id).is_none());
		assert_eq!(GlobalInsurance::<Test>::get(), 510 * USD);
	});
}

#[test]
fn a_take_stands_when_the_liquidated_account_cannot_be_credited() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 1_000 * USD);
		fail_settle(CHARLIE);
		assert_ok!(Liquidation::take(signed(BIDDER), id, 20_000_000, Price::from_u32(2_000)));
		System::assert_has_event(
			Event::ProceedsToInsurance {
				id,
				who: CHARLIE,
				sub: CROSS_ACCOUNT,
				amount: 204 * USD,
				error: settle_failed(),
			}
			.into(),
		);
		assert_eq!(wallet(USDC, BIDDER), 796 * USD);
		assert_eq!(wallet(BTC, BIDDER), 20_000_000);
		assert_eq!(GlobalInsurance::<Test>::get(), 204 * USD);
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), -450 * USD as i128);
	});
}

// ----- scenario 8: keeper rewards -----

#[test]
fn restarting_a_dust_auction_forever_does_not_drain_insurance() {
	test(|| {
		// A debt of 0.01 USDC: a lot of 1,112 satoshis (about 0.011 USDC).
		indebted_exact(CHARLIE, USD / 100);
		next_block();
		assert!(auction(0).lot < 2_000);
		seed_insurance(None, 100 * USD);
		for _ in 0..50 {
			System::set_block_number(
				System::block_number() + Params::<Test>::get().auction_max_age as u64 + 1,
			);
			assert_ok!(Liquidation::restart(signed(KEEPER), 0));
		}
		// Restarted 50 times, still restartable, but the fund paid the keeper next to nothing.
		assert!(GlobalInsurance::<Test>::get() >= 100 * USD - USD / 100);
		assert_eq!(wallet(USDC, KEEPER), 100 * USD - GlobalInsurance::<Test>::get());
		assert_eq!(auction(0).paid_restarts, Params::<Test>::get().max_paid_restarts);
	});
}

#[test]
fn only_the_first_restarts_of_an_auction_are_paid() {
	test(|| {
		let id = start_auction();
		seed_insurance(None, 100 * USD);
		let mut rewards = Vec::new();
		for _ in 0..5 {
			System::set_block_number(
				System::block_number() + Params::<Test>::get().auction_max_age as u64 + 1,
			);
			assert_ok!(Liquidation::restart(signed(KEEPER), id));
			let Some(Event::AuctionRestarted { reward, .. }) = events().last().cloned() else {
				panic!("no AuctionRestarted")
			};
			rewards.push(reward);
		}
		// 1 % of 0.5 BTC at 1,020 is 5.10: capped at 5, three times, then nothing.
		assert_eq!(rewards, vec![5 * USD, 5 * USD, 5 * USD, 0, 0]);
		assert_eq!(GlobalInsurance::<Test>::get(), 85 * USD);
	});
}

// ----- scenario 7: dust disables auto-deleveraging -----

#[test]
fn a_dust_position_at_the_head_of_the_adl_index_does_not_disable_deleveraging() {
	test(|| {
		short_eth(ALICE, 60);
		long_eth_winner(BOB);
		// EVE's 1-wei long cost nothing: entry price 0, at the head of the longs, and PnL 0.
		open(EVE, CROSS_ACCOUNT, None);
		Positions::insert(
			(EVE, CROSS_ACCOUNT),
			ETH_PERP,
			MockPosition { quantity: 1, entry_notional: 0 },
		);
		Liquidation::changed(&EVE, CROSS_ACCOUNT);
		let head = AdlIndex::<Test>::iter_prefix((ETH_PERP, LONG)).next().unwrap().0 .1;
		assert_eq!(head, (EVE, CROSS_ACCOUNT));
		// At 110 ALICE loses 100 against 60: a shortfall of 40 plus the penalty.
		set_price(ETH_PERP, 110);
		let events = run_to_block(3);
		assert!(!events.iter().any(|e| matches!(e, Event::BadDebtRecorded { .. })));
		assert!(events
			.iter()
			.any(|e| matches!(e, Event::AutoDeleveraged { who: BOB, bankrupt: ALICE, .. })));
		assert_eq!(quote_of(ALICE, ISO), 0);
		assert_eq!(BadDebt::<Test>::get(), 0);
	});
}

// ----- known bugs of the seizure queue -----

#[test]
fn a_queued_account_with_a_live_auction_is_not_dropped_from_the_queue() {
	test(|| {
		// Room for 300 of BTC: CHARLIE's 450 debt gets a 0.3 BTC auction and waits for the rest.
		set_params(|p| p.max_auction_value_per_asset = 300 * USD);
		indebted(CHARLIE, 450);
		next_block();
		assert_eq!(auction(0).lot, 30_000_000);
		assert!(Queued::<Test>::contains_key((CHARLIE, CROSS_ACCOUNT)));
		// The cap stays full: CHARLIE keeps his place.
		run_to_block(System::block_number() + 3);
		assert!(Queued::<Test>::contains_key((CHARLIE, CROSS_ACCOUNT)));
		// Room appears: the rest of the debt (150, sized to cover it at the floor) is seized
		// while the first auction still runs.
		set_params(|p| p.max_auction_value_per_asset = 1_000_000 * USD);
		let events = next_block();
		assert!(events.iter().any(|e| matches!(
			e,
			Event::AuctionStarted { id: 1, who: CHARLIE, lot: 16_666_667, .. }
		)));
		assert!(!Queued::<Test>::contains_key((CHARLIE, CROSS_ACCOUNT)));
		assert_eq!(LiveAuctions::<Test>::get((CHARLIE, CROSS_ACCOUNT)), 2);
	});
}

#[test]
fn an_account_at_the_full_per_asset_cap_is_queued_once_not_every_block() {
	test(|| {
		set_params(|p| p.max_auction_value_per_asset = 500 * USD);
		start_auction();
		indebted(DAVE, 450);
		assert_eq!(next_block(), vec![Event::SeizureQueued { who: DAVE, sub: CROSS_ACCOUNT }]);
		// The global cap has room, the per-asset cap has none: DAVE waits, silently.
		for _ in 0..3 {
			assert!(!next_block().iter().any(|e| matches!(e, Event::SeizureQueued { .. })));
			assert!(Queued::<Test>::contains_key((DAVE, CROSS_ACCOUNT)));
		}
		assert_eq!(collateral_of(DAVE, CROSS_ACCOUNT, BTC), ONE_BTC as Balance);
	});
}

// ----- scenario 6: collateral that cannot be seized -----

#[test]
fn an_account_whose_only_collateral_is_unseizable_dust_goes_down_the_waterfall() {
	test(|| {
		// Someone holds ETH in custody, so a dust deposit can be booked; the liquidation
		// account holds none, so a lot below ETH's minimum balance cannot be moved there.
		open(DAVE, CROSS_ACCOUNT, None);
		deposit(DAVE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
		open(CHARLIE, CROSS_ACCOUNT, None);
		deposit(CHARLIE, CROSS_ACCOUNT, ETH, 1_000);
		realize_loss(CHARLIE, CROSS_ACCOUNT, 50 * USD);
		seed_insurance(None, 100 * USD);
		let events = run_to_block(3);
		assert!(events.iter().any(|e| matches!(
			e,
			Event::SeizureSkipped {
				who: CHARLIE,
				asset: ETH,
				reason: SkipReason::SeizeFailed(_),
				..
			}
		)));
		// The dust counted for nothing: the global fund covered the debt.
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), 0);
		assert_eq!(GlobalInsurance::<Test>::get(), 50 * USD);
		assert_eq!(Auctions::<Test>::iter().count(), 0);
	});
}

#[test]
fn collateral_the_oracle_never_priced_does_not_freeze_liquidation() {
	test(|| {
		open(CHARLIE, CROSS_ACCOUNT, None);
		deposit(CHARLIE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
		realize_loss(CHARLIE, CROSS_ACCOUNT, 50 * USD);
		remove_oracle(ETH);
		seed_insurance(None, 100 * USD);
		let events = run_to_block(3);
		assert!(events.contains(&Event::SeizureSkipped {
			who: CHARLIE,
			sub: CROSS_ACCOUNT,
			asset: ETH,
			reason: SkipReason::Unpriced,
		}));
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), 0);
		assert_eq!(GlobalInsurance::<Test>::get(), 50 * USD);
	});
}

#[test]
fn a_paused_collateral_price_makes_the_account_wait_instead_of_the_insurance_paying() {
	test(|| {
		open(CHARLIE, CROSS_ACCOUNT, None);
		deposit(CHARLIE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
		realize_loss(CHARLIE, CROSS_ACCOUNT, 50 * USD);
		seed_insurance(None, 100 * USD);
		// An outlier below ETH's bounds, and no last valid price: seizure of ETH pauses.
		set_oracle_exact(ETH, Price::from_rational(1, 2));
		let events = run_to_block(3);
		assert!(events.iter().any(|e| matches!(
			e,
			Event::SeizureSkipped {
				who: CHARLIE,
				asset: ETH,
				reason: SkipReason::PricePaused(_),
				..
			}
		)));
		assert_eq!(GlobalInsurance::<Test>::get(), 100 * USD);
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), -50 * USD as i128);
		// A usable price again: the ETH goes to auction.
		set_oracle(ETH, 100);
		let events = run_to_block(5);
		assert!(events
			.iter()
			.any(|e| matches!(e, Event::AuctionStarted { who: CHARLIE, asset: ETH, .. })));
	});
}

#[test]
fn a_debt_smaller_than_the_minimum_lot_still_seizes_collateral() {
	test(|| {
		// One unit of debt needs 1.1·10^10 wei of ETH, below ETH's minimum balance: the lot is
		// raised to the minimum balance (the proceeds beyond the debt go back to the account).
		open(CHARLIE, CROSS_ACCOUNT, None);
		deposit(CHARLIE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
		realize_loss(CHARLIE, CROSS_ACCOUNT, 1);
		let events = run_to_block(2);
		assert!(events.iter().any(|e| matches!(
			e,
			Event::AuctionStarted { who: CHARLIE, asset: ETH, lot: ETH_MINIMUM_BALANCE, .. }
		)));
	});
}

// ----- the margin engine asks before closing an account -----

#[test]
fn an_account_with_liquidation_work_outstanding_is_pending() {
	use ballast_primitives::traits::PendingLiquidation;
	test(|| {
		let pending = |who| Liquidation::is_pending(&who, CROSS_ACCOUNT);
		assert!(!pending(CHARLIE));
		// A live auction.
		let id = start_auction();
		assert!(pending(CHARLIE));
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Liquidation::take(
			signed(BIDDER),
			id,
			ONE_BTC as Balance,
			Price::from_u32(2_000)
		));
		assert!(!pending(CHARLIE));
		// A place in the queue.
		// Caps of one smallest unit: no lot fits.
		set_params(|p| {
			p.max_auction_value = 1;
			p.max_auction_value_per_asset = 1;
		});
		indebted(DAVE, 450);
		next_block();
		assert!(Queued::<Test>::contains_key((DAVE, CROSS_ACCOUNT)));
		assert!(pending(DAVE));
		// A shortfall being deleveraged.
		long_btc(ALICE, 100);
		short_winner(BOB);
		set_price(BTC_PERP, 800);
		next_block();
		assert!(Deleveraging::<Test>::contains_key((ALICE, ISO)));
		assert!(Liquidation::is_pending(&ALICE, ISO));
		assert!(!pending(BOB));
	});
}

#[test]
fn a_loss_the_vault_refuses_changes_nothing() {
	test(|| {
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 800);
		fail_bear_loss();
		let events = next_block();
		assert_eq!(
			events[0],
			Event::LiquidationFailed { who: ALICE, sub: ISO, error: bear_loss_failed() }
		);
		assert_eq!(BadDebt::<Test>::get(), 0);
		assert_eq!(position(ALICE, ISO, BTC_PERP).unwrap().quantity, ONE_BTC);
		clear_failures();
		assert!(next_block().iter().any(|e| matches!(e, Event::BadDebtRecorded { .. })));
	});
}

// ----- auction custody: the asset pallet's minimum balance -----

/// CHARLIE's ETH collateral with a debt of `debt` quote units goes to auction 0 in block 2;
/// returns its lot.
fn eth_auction(debt: Balance) -> Balance {
	open(CHARLIE, CROSS_ACCOUNT, None);
	deposit(CHARLIE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
	realize_loss(CHARLIE, CROSS_ACCOUNT, debt);
	run_to_block(2);
	Auctions::<Test>::get(0).expect("auction 0 started").lot
}

fn eth_held_by_the_pallet() -> Balance {
	wallet(ETH, Liquidation::account_id())
}

#[test]
fn dust_remainder_take_is_cut_so_no_lot_is_swept_to_the_bidder() {
	test(|| {
		// A lot between one and two minimum balances: a take that leaves less than the minimum
		// would make the asset pallet reap the auction account and hand the bidder the rest of
		// the lot unpaid.
		let lot = eth_auction(100);
		assert!(lot > ETH_MINIMUM_BALANCE && lot < 2 * ETH_MINIMUM_BALANCE, "{lot}");
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Assets::mint_into(ETH, &BIDDER, ETH_MINIMUM_BALANCE));
		let usdc = wallet(USDC, BIDDER);
		let asked = lot - ETH_MINIMUM_BALANCE / 2;
		assert_ok!(Liquidation::take(signed(BIDDER), 0, asked, Price::from_u32(1_000)));
		// Cut to leave exactly the minimum: the bidder got and paid for that, nothing more.
		let bought = lot - ETH_MINIMUM_BALANCE;
		assert!(events().iter().any(|e| matches!(
			e,
			Event::AuctionTaken { id: 0, bidder: BIDDER, amount, .. } if *amount == bought
		)));
		assert_eq!(wallet(ETH, BIDDER), ETH_MINIMUM_BALANCE + bought);
		assert!(wallet(USDC, BIDDER) < usdc);
		assert_eq!(Auctions::<Test>::get(0).map(|a| a.lot), Some(ETH_MINIMUM_BALANCE));
		assert_eq!(eth_held_by_the_pallet(), ETH_MINIMUM_BALANCE);
		// The rest goes only whole.
		assert_noop!(
			Liquidation::take(signed(BIDDER), 0, ETH_MINIMUM_BALANCE - 1, Price::from_u32(1_000)),
			Error::<Test>::TakeLeavesDust
		);
		assert_ok!(Liquidation::take(signed(BIDDER), 0, u128::MAX, Price::from_u32(1_000)));
		assert_eq!(Auctions::<Test>::get(0), None);
		assert_eq!(eth_held_by_the_pallet(), 0);
		assert_eq!(wallet(ETH, BIDDER), ETH_MINIMUM_BALANCE + lot);
		Liquidation::do_try_state().unwrap();
	});
}

#[test]
fn dust_remainder_take_of_one_lot_cannot_sweep_another() {
	test(|| {
		// Two lots of the same asset in the auction account: a take of all of the first that
		// would leave the holding below the minimum must not exist, since every lot is at least
		// the minimum; the second is untouched by any take of the first.
		let first = eth_auction(1);
		assert_eq!(first, ETH_MINIMUM_BALANCE);
		open(DAVE, CROSS_ACCOUNT, None);
		deposit(DAVE, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
		realize_loss(DAVE, CROSS_ACCOUNT, 1);
		run_to_block(3);
		let second = Auctions::<Test>::get(1).expect("DAVE's auction").lot;
		assert_eq!(eth_held_by_the_pallet(), first + second);
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Liquidation::take(signed(BIDDER), 0, u128::MAX, Price::from_u32(1_000)));
		assert_eq!(wallet(ETH, BIDDER), first);
		assert_eq!(eth_held_by_the_pallet(), second);
		Liquidation::do_try_state().unwrap();
	});
}

#[test]
fn dust_donated_to_the_auction_account_does_not_block_the_last_take() {
	test(|| {
		// Anyone may send a little ETH to the auction account (below the minimum is allowed to
		// an account that holds some): the last lot must still go whole, the unowned dust with
		// it, rather than fail because the account could not be kept alive.
		let lot = eth_auction(1);
		assert_ok!(Assets::mint_into(ETH, &EVE, 2 * ETH_MINIMUM_BALANCE));
		assert_ok!(<Assets as Mutate<u64>>::transfer(
			ETH,
			&EVE,
			&Liquidation::account_id(),
			ETH_MINIMUM_BALANCE / 2,
			Preservation::Preserve
		));
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Liquidation::take(signed(BIDDER), 0, lot, Price::from_u32(1_000)));
		assert_eq!(Auctions::<Test>::get(0), None);
		assert_eq!(eth_held_by_the_pallet(), 0);
		assert_eq!(wallet(ETH, BIDDER), lot + ETH_MINIMUM_BALANCE / 2);
		Liquidation::do_try_state().unwrap();
	});
}

#[test]
fn a_dust_holding_is_not_seized_beside_a_live_lot() {
	test(|| {
		// With the auction account already holding ETH, a holding below the minimum balance
		// could be moved in — as a lot the next take of the other lot would sweep away. It is
		// skipped as it would be were the account empty.
		eth_auction(1);
		open(DAVE, CROSS_ACCOUNT, None);
		deposit(DAVE, CROSS_ACCOUNT, ETH, ETH_MINIMUM_BALANCE / 2);
		realize_loss(DAVE, CROSS_ACCOUNT, 1);
		let events = run_to_block(3);
		assert!(events.iter().any(|e| matches!(
			e,
			Event::SeizureSkipped {
				who: DAVE,
				asset: ETH,
				reason: SkipReason::SeizeFailed(DispatchError::Token(TokenError::BelowMinimum)),
				..
			}
		)));
		assert!(!events.iter().any(|e| matches!(e, Event::AuctionStarted { who: DAVE, .. })));
		assert_eq!(collateral_of(DAVE, CROSS_ACCOUNT, ETH), ETH_MINIMUM_BALANCE / 2);
		Liquidation::do_try_state().unwrap();
	});
}

#[test]
fn try_state_rejects_a_lot_below_the_minimum_balance() {
	test(|| {
		let lot = eth_auction(1);
		let set_lot = |lot| {
			Auctions::<Test>::mutate(0, |a| {
				if let Some(a) = a {
					a.lot = lot;
				}
			})
		};
		set_lot(ETH_MINIMUM_BALANCE - 1);
		assert_eq!(
			Liquidation::do_try_state(),
			Err("live lot below the asset's minimum balance".into())
		);
		set_lot(lot);
	});
}
