//! Benchmarks of `pallet_liquidation` (frame-benchmarking v2).
//!
//! The accounts are real: the runtime's [`crate::BenchmarkHelper`] opens them through the
//! margin and perpetuals pallets, so every storage access a liquidation makes is counted.
//!
//! * `on_initialize(n, k)`: a block's sweep with `n` isolated accounts far from their
//!   liquidation price and `k` that a crash pushed below maintenance. The sweep runs with an
//!   unlimited budget so that all `k` are liquidated (the hook passes `SweepBudget`); the
//!   round-robin backstop's cursor stands on the last account it walks, so its page is empty: the
//!   sweep charges each backstop check separately, at `check_account`.
//! * `check_account(p, c)`: valuing a cross account with `p` positions (up to
//!   [`Config::MaxMarkets`]) and `c` collateral assets (up to [`Config::MaxCollateralAssets`])
//!   and re-filing every one of its triggers in the watch: what the watch and the backstop
//!   charge per account, by its class.
//! * `watch_source`: reading a market's funding index (mark price, funding state) and the head of
//!   its watch entries: what the sweep pays per watched source each block.
//! * `deleverage_step`: one auto-deleveraging step that searches every market and side, and
//!   walks past [`Config::MaxAdlProbe`] losing positions at the head of the longs.
//! * `take` (the whole lot: the auction ends and the account goes down the waterfall) and
//!   `restart` (with a keeper reward).
//! * `set_params`: governance replacing the liquidation parameters (validated and written).
//! * `grid_evaluation(p, o)`: one evaluation of the runtime's portfolio grid
//!   ([`Config::PortfolioGrid`]) over `p` perpetual and `o` option legs on 4 underlyings: a
//!   cross account's ranked liquidation is charged one per evaluation it made, and the sweep
//!   makes room for `plan_evaluations(p)` of `grid_evaluation(0, p)` before valuing it
//!   (`weights::ranked_close_weight`).

use super::*;
use alloc::vec::Vec;
use ballast_primitives::{traits::MarginLedger, SignedBalance};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::fungibles::Mutate as _,
	frame_system::{pallet_prelude::BlockNumberFor, Pallet as System, RawOrigin},
};

fn crossed_longs<T: Config>(market: MarketId) -> usize {
	let Some(mark) = T::Derivatives::mark_price(market) else { return 0 };
	Index::<T>::iter_prefix((market, LONG))
		.take_while(|((k, _), ())| crossed(LONG, mark, *k))
		.count()
}

/// An auction of `lot` of the benchmark asset against `who`'s debt, started at block 0.
fn live_auction<T: Config>(
	who: &T::AccountId,
	sub: SubAccount,
) -> Result<AuctionId, BenchmarkError> {
	let asset = T::BenchmarkHelper::auction_asset();
	let (oracle, decimals) =
		Pallet::<T>::collateral_price(asset).ok_or(BenchmarkError::Stop("no collateral price"))?;
	let lot = ballast_primitives::math::units::pow10(decimals).unwrap_or(1);
	T::Assets::mint_into(asset, &Pallet::<T>::account_id(), lot)
		.map_err(|_| BenchmarkError::Stop("cannot mint the lot"))?;
	let value = ballast_primitives::math::units::quote_value(
		lot,
		decimals,
		oracle,
		T::QuoteDecimals::get(),
		ballast_primitives::math::Rounding::Down,
	)
	.unwrap_or(0);
	// The account owes what the lot is worth.
	T::Margin::settle(who, sub, SignedBalance::try_from(value).unwrap_or(0).saturating_neg())
		.map_err(|_| BenchmarkError::Stop("cannot book the debt"))?;
	let id = NextAuctionId::<T>::get();
	NextAuctionId::<T>::put(id.saturating_add(1));
	Auctions::<T>::insert(
		id,
		Auction {
			who: who.clone(),
			sub,
			asset,
			lot,
			start_price: oracle,
			started: BlockNumberFor::<T>::from(0u32),
			decay: Params::<T>::get().auction_base_decay,
			value,
			paused_at_start: 0,
			paid_restarts: 0,
		},
	);
	LiveAuctions::<T>::insert((who, sub), 1);
	LiveAuctionValue::<T>::insert((who, sub), value);
	AuctionValue::<T>::insert(asset, value);
	TotalAuctionValue::<T>::put(value);
	Ok(id)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn on_initialize(n: Linear<0, 1_000>, k: Linear<0, 200>) -> Result<(), BenchmarkError> {
		let market = T::BenchmarkHelper::setup();
		for i in 0..n {
			T::BenchmarkHelper::open_isolated(&account("healthy", i, 0), true, false);
		}
		for i in 0..k {
			T::BenchmarkHelper::open_isolated(&account("crossing", i, 0), true, true);
		}
		T::BenchmarkHelper::crash();
		assert_eq!(crossed_longs::<T>(market), k as usize);
		// The backstop's page is charged per account (`check_account`): keep it empty here, with
		// the cursor on the last account it walks.
		CrossCursor::<T>::put(Watching::<T>::iter_keys().last());

		#[block]
		{
			Pallet::<T>::sweep(Weight::MAX);
		}

		assert_eq!(crossed_longs::<T>(market), 0);
		Ok(())
	}

	#[benchmark]
	fn check_account(
		p: Linear<1, { T::MaxMarkets::get() }>,
		c: Linear<0, { T::MaxCollateralAssets::get() }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		let who: T::AccountId = account("cross", 0, 0);
		T::BenchmarkHelper::open_cross(&who, p, c);
		let sub = ballast_primitives::CROSS_ACCOUNT;
		let key = (who.clone(), sub);
		// The worst case moves every trigger: file the account under other levels first, so
		// the check removes and inserts each of them.
		let filed = Watching::<T>::get(&key).ok_or(BenchmarkError::Stop("not watched"))?;
		let mut moved = Vec::new();
		for (source, dir, k) in filed.iter() {
			Watch::<T>::remove((source, dir, k, &key));
			let mut other = *k;
			other[15] ^= 1;
			Watch::<T>::insert((source, dir, other, &key), ());
			moved.push((*source, *dir, other));
		}
		Watching::<T>::insert(&key, BoundedVec::truncate_from(moved));
		let mut meter = polkadot_sdk::frame_support::weights::WeightMeter::new();
		let outcome;

		#[block]
		{
			outcome = Pallet::<T>::recheck(&who, sub, &mut meter, Weight::zero());
		}

		assert_eq!(outcome, Outcome::Healthy);
		assert_eq!(
			Watching::<T>::get(&key).map(|t| class_of(&t)),
			Some((p, c)),
			"the account is filed under one mark, funding index, price and weight per holding"
		);
		Ok(())
	}

	#[benchmark]
	fn watch_source() -> Result<(), BenchmarkError> {
		let market = T::BenchmarkHelper::setup();
		let who: T::AccountId = account("cross", 0, 0);
		T::BenchmarkHelper::open_cross(&who, 1, 1);
		let source = Source::Funding(market);
		let dir = WatchedSources::<T>::iter_keys()
			.find(|(s, _)| *s == source)
			.map(|(_, d)| d)
			.ok_or(BenchmarkError::Stop("funding not watched"))?;
		let head;

		#[block]
		{
			let level = Pallet::<T>::source_level(source);
			head = level.and_then(|_| Watch::<T>::iter_prefix((source, dir)).next());
		}

		assert!(head.is_some());
		Ok(())
	}

	#[benchmark]
	fn deleverage_step() -> Result<(), BenchmarkError> {
		let market = T::BenchmarkHelper::setup();
		let bankrupt: T::AccountId = account("bankrupt", 0, 0);
		let bsub = T::BenchmarkHelper::open_isolated(&bankrupt, true, false);
		let winner: T::AccountId = account("winner", 0, 0);
		let wsub = T::BenchmarkHelper::open_isolated(&winner, false, false);
		// Longs the crash leaves without profit: the probe walks past all of them.
		for i in 0..T::MaxAdlProbe::get() {
			T::BenchmarkHelper::open_isolated(&account("loser", i, 0), true, false);
		}
		T::BenchmarkHelper::crash();
		let (pnl, _) = T::Derivatives::position_pnl(&winner, wsub, market)
			.ok_or(BenchmarkError::Stop("no short"))?;
		// Half the winner's profit: a partial close, the entry stays in the index.
		let left = Balance::try_from(pnl).unwrap_or(0) / 2;
		let state = Deleverage { left, scope: u32::MAX, steps: 0, market: None };
		Deleveraging::<T>::insert((&bankrupt, bsub), state.clone());

		#[block]
		{
			// As the sweep runs it: the step in its storage layer (a failure would leave `left`).
			Pallet::<T>::deleverage(&bankrupt, bsub, state);
		}

		// The winner paid (nearly all of) it: nothing was written off.
		assert!(Deleveraging::<T>::get((&bankrupt, bsub)).map_or(0, |d| d.left) < left);
		assert_eq!(BadDebt::<T>::get(), 0);
		Ok(())
	}

	#[benchmark]
	fn take() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		let who: T::AccountId = account("liquidated", 0, 0);
		let sub = T::BenchmarkHelper::open_isolated(&who, true, false);
		let id = live_auction::<T>(&who, sub)?;
		let lot = Auctions::<T>::get(id).map(|a| a.lot).unwrap_or(0);
		let bidder: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund_quote(&bidder, 10_000_000_000_000);

		#[extrinsic_call]
		_(RawOrigin::Signed(bidder), id, lot, Price::from_u32(u32::MAX));

		assert!(!Auctions::<T>::contains_key(id));
		Ok(())
	}

	#[benchmark]
	fn restart() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		let who: T::AccountId = account("liquidated", 0, 0);
		let sub = T::BenchmarkHelper::open_isolated(&who, true, false);
		let id = live_auction::<T>(&who, sub)?;
		let params = Params::<T>::get();
		GlobalInsurance::<T>::put(params.keeper_reward);
		System::<T>::set_block_number(params.auction_max_age.saturating_add(1).into());
		let keeper: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(keeper), id);

		// The keeper was paid (a share of the lot's value, at most the fixed reward).
		assert!(GlobalInsurance::<T>::get() < params.keeper_reward);
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// A value that differs in every field from the default, within the bounds.
		let mut params = Params::<T>::get();
		params.close_buffer = MAX_CLOSE_BUFFER;
		params.liquidation_penalty = MAX_LIQUIDATION_PENALTY;
		params.auction_max_premium = MAX_AUCTION_PREMIUM;
		params.auction_base_decay = MAX_AUCTION_DECAY;
		params.auction_max_discount = MAX_AUCTION_DISCOUNT;
		params.auction_max_age = params.auction_max_age.saturating_add(1);
		params.max_paid_restarts = MAX_PAID_RESTARTS;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params.clone());
		System::<T>::assert_last_event(
			<T as Config>::RuntimeEvent::from(Event::ParamsSet { params }).into(),
		);
		Ok(())
	}

	#[benchmark]
	fn grid_evaluation(p: Linear<0, 16>, o: Linear<0, 16>) -> Result<(), BenchmarkError> {
		use ballast_primitives::math::{options, portfolio};
		use polkadot_sdk::sp_arithmetic::{FixedPointNumber, FixedU128, Permill};
		// Without a grid (a runtime that ranks nothing), a one-cell stand-in.
		const SHOCKS: [portfolio::SpotShock; 1] = [portfolio::SpotShock::from_percent(-16)];
		const VOLS: [FixedU128; 1] = [FixedU128::from_inner(1_000_000_000_000_000_000)];
		const SETS: [portfolio::Correlation; 1] = [portfolio::Correlation::Together];
		let grid = T::PortfolioGrid::get().unwrap_or(portfolio::Grid {
			spot_shocks: &SHOCKS,
			vol_shocks: &VOLS,
			sets: &SETS,
			floor: portfolio::Floor { perp: Permill::zero(), short_option: Permill::zero() },
			maintenance: Permill::one(),
		});
		let perps = (0..p).map(|i| portfolio::Leg {
			underlying: i % 4,
			spot: Price::saturating_from_integer(60_000u32),
			quantity: 100_000_000,
			base_decimals: 8,
			instrument: portfolio::Instrument::Perp,
			min_shock: Permill::zero(),
		});
		let legs: Vec<portfolio::Leg> = (0..o)
			.map(|i| portfolio::Leg {
				underlying: i % 4,
				spot: Price::saturating_from_integer(60_000u32),
				quantity: 100_000_000,
				base_decimals: 8,
				instrument: portfolio::Instrument::Option(portfolio::OptionTerms {
					kind: if i % 2 == 0 { options::Kind::Put } else { options::Kind::Call },
					strike: Price::saturating_from_integer(
						56_000u32.saturating_add(i.saturating_mul(1_000)),
					),
					years: options::years_from_seconds(30 * 86_400),
					volatility: FixedU128::from_rational(60, 100),
					spread: Permill::from_percent(2),
					haircut: Permill::from_percent(10),
				}),
				min_shock: Permill::zero(),
			})
			.chain(perps)
			.collect();
		let e;
		#[block]
		{
			e = portfolio::evaluate(&grid, &legs, T::QuoteDecimals::get());
		}
		assert_eq!(e.valuations > 0, p > 0 || o > 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
