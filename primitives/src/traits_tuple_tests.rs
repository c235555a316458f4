//! Two products behind one `Derivatives`: what `type Derivatives = (Perpetuals, Options)`
//! gives the margin and liquidation engines; pools that sum.

#![allow(clippy::arithmetic_side_effects)]

use super::*;
use polkadot_sdk::{sp_arithmetic::Permill, sp_runtime::Weight};

/// A product owning markets `FIRST..FIRST + 2`, one long position of `SIZE` in `FIRST`.
struct Product<const FIRST: u32, const SIZE: i128>;

impl<const FIRST: u32, const SIZE: i128> Derivatives<u64> for Product<FIRST, SIZE> {
	fn exposure(_: &u64, _: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError> {
		if mode == PriceMode::Fresh && FIRST > 0 {
			return Err(PriceError::Stale);
		}
		Ok(Exposure {
			unrealized_pnl: SIZE,
			initial_requirement: 10,
			maintenance_requirement: 5,
			positions: 1,
			notional: 100,
		})
	}
	fn risk_legs(_: &u64, _: SubAccount, mode: PriceMode) -> Result<Vec<RiskLeg>, PriceError> {
		if mode == PriceMode::Fresh && FIRST > 0 {
			return Err(PriceError::Stale);
		}
		Ok(vec![RiskLeg {
			underlying: FIRST,
			spot: Price::from_u32(FIRST + 7),
			quantity: SIZE,
			base_decimals: 0,
			instrument: ballast_math::portfolio::Instrument::Perp,
			min_shock: Default::default(),
		}])
	}
	fn market_exists(market: MarketId) -> bool {
		(FIRST..FIRST + 2).contains(&market)
	}
	fn positions(_: &u64, _: SubAccount) -> Vec<PositionView> {
		vec![PositionView {
			market: FIRST,
			quantity: SIZE,
			entry_notional: 1,
			entry_price: Price::from_u32(1),
		}]
	}
	fn mark_price(market: MarketId) -> Option<Price> {
		Self::market_exists(market).then(|| Price::from_u32(FIRST + 7))
	}
	fn funding_index(market: MarketId) -> Option<polkadot_sdk::sp_arithmetic::FixedI128> {
		Self::market_exists(market)
			.then(|| polkadot_sdk::sp_arithmetic::FixedI128::from_inner(i128::from(FIRST)))
	}
	fn liquidation_price(
		_: &u64,
		_: SubAccount,
		_: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		(FIRST > 0).then(|| (FIRST, true, Price::from_u32(3)))
	}
	fn position_pnl(_: &u64, _: SubAccount, market: MarketId) -> Option<(SignedBalance, Balance)> {
		(market == FIRST).then_some((SIZE, 1))
	}
	fn close_fraction(_: &u64, _: SubAccount, fraction: Permill) -> Result<Balance, DispatchError> {
		Ok(fraction.mul_floor(100))
	}
	fn deleverage(
		_: &u64,
		_: SubAccount,
		market: MarketId,
		_: Permill,
	) -> Result<SignedBalance, DispatchError> {
		Ok(i128::from(market) + 1_000)
	}
}

type Perps = Product<0, 4>;
type Options = Product<10, 6>;
type Both = (Perps, Options);

#[test]
fn sums_add_up_and_lists_concatenate() {
	let e = <Both as Derivatives<u64>>::exposure(&1, 0, PriceMode::LastKnown).unwrap();
	assert_eq!(
		(e.unrealized_pnl, e.initial_requirement, e.positions, e.notional),
		(10, 20, 2, 200)
	);
	let markets: Vec<_> =
		<Both as Derivatives<u64>>::positions(&1, 0).iter().map(|p| p.market).collect();
	assert_eq!(markets, vec![0, 10]);
	let legs = <Both as Derivatives<u64>>::risk_legs(&1, 0, PriceMode::LastKnown).unwrap();
	assert_eq!(
		legs.iter().map(|l| (l.underlying, l.quantity)).collect::<Vec<_>>(),
		vec![(0, 4), (10, 6)]
	);
	assert_eq!(
		<Both as Derivatives<u64>>::close_fraction(&1, 0, Permill::from_percent(50)),
		Ok(100)
	);
	// One member that cannot price fails the whole valuation (it never counts as zero).
	assert_eq!(
		<Both as Derivatives<u64>>::exposure(&1, 0, PriceMode::Fresh),
		Err(PriceError::Stale)
	);
	assert_eq!(
		<Both as Derivatives<u64>>::risk_legs(&1, 0, PriceMode::Fresh),
		Err(PriceError::Stale)
	);
}

#[test]
fn per_market_questions_go_to_the_member_with_the_market() {
	assert!(<Both as Derivatives<u64>>::market_exists(11));
	assert!(!<Both as Derivatives<u64>>::market_exists(5));
	assert_eq!(<Both as Derivatives<u64>>::mark_price(11), Some(Price::from_u32(17)));
	assert_eq!(<Both as Derivatives<u64>>::mark_price(1), Some(Price::from_u32(7)));
	assert_eq!(<Both as Derivatives<u64>>::deleverage(&1, 0, 10, Permill::one()), Ok(1_010));
	assert_eq!(<Both as Derivatives<u64>>::deleverage(&1, 0, 1, Permill::one()), Ok(1_001));
	assert!(<Both as Derivatives<u64>>::deleverage(&1, 0, 5, Permill::one()).is_err());
	assert_eq!(<Both as Derivatives<u64>>::position_pnl(&1, 0, 10), Some((6, 1)));
	assert_eq!(<Both as Derivatives<u64>>::liquidation_price(&1, 0, 0).map(|p| p.0), Some(10));
	// No products at all: nothing to value, nothing to close.
	assert_eq!(
		<() as Derivatives<u64>>::exposure(&1, 0, PriceMode::Fresh),
		Ok(Exposure::default())
	);
	assert!(<() as Derivatives<u64>>::positions(&1, 0).is_empty());
}

struct Pool<const Q: i128>;
impl<const Q: i128> PooledQuote for Pool<Q> {
	fn pooled_quote() -> SignedBalance {
		Q
	}
}

#[test]
fn pools_sum() {
	assert_eq!(<(Pool<5>, Pool<-2>, Pool<10>) as PooledQuote>::pooled_quote(), 13);
	assert_eq!(<() as PooledQuote>::pooled_quote(), 0);
}

struct Holder<const H: u128>;
impl<const H: u128> CollateralHoldings for Holder<H> {
	fn total_held(asset: AssetId) -> Balance {
		H * u128::from(asset)
	}
}

#[test]
fn holdings_sum() {
	assert_eq!(<(Holder<5>, Holder<7>) as CollateralHoldings>::total_held(2), 24);
	assert_eq!(<() as CollateralHoldings>::total_held(2), 0);
}

/// A product holding `N` positions (in a thread-local count) on key `K`; one position costs 10.
struct Shut<const K: u32>;
std::thread_local! {
	static LEFT: core::cell::RefCell<[u32; 2]> = const { core::cell::RefCell::new([0, 0]) };
}
impl<const K: u32> GlobalSettle for Shut<K> {
	fn price_keys() -> Vec<OracleKey> {
		vec![K, 7]
	}
	fn settle_next(prices: &[(OracleKey, Price)], max: u32, budget: Weight) -> SettleStep {
		assert!(prices.iter().any(|(k, _)| *k == K));
		let by_budget = u32::try_from(budget.ref_time() / 10).unwrap().max(1);
		LEFT.with(|l| {
			let mut l = l.borrow_mut();
			let left = &mut l[K as usize];
			let n = (*left).min(max).min(by_budget);
			*left -= n;
			SettleStep {
				settled: n,
				weight: Weight::from_parts(10 * u64::from(n), u64::from(n)),
				done: *left == 0,
			}
		})
	}
}

#[test]
fn global_settle_runs_members_in_turn() {
	type Both = (Shut<0>, Shut<1>);
	assert_eq!(<Both as GlobalSettle>::price_keys(), vec![0, 1, 7]);
	LEFT.with(|l| *l.borrow_mut() = [5, 4]);
	let prices = [(0, Price::from_u32(1)), (1, Price::from_u32(2)), (7, Price::from_u32(3))];
	let big = Weight::from_parts(1_000, 1_000);
	// The cap: 3 of the first member's 5.
	let s = <Both as GlobalSettle>::settle_next(&prices, 3, big);
	assert_eq!((s.settled, s.weight.ref_time(), s.done), (3, 30, false));
	// The first member finishes (2) and the second takes the rest of the cap (3 of 4).
	let s = <Both as GlobalSettle>::settle_next(&prices, 5, big);
	assert_eq!((s.settled, s.weight.ref_time(), s.done), (5, 50, false));
	// The budget: 20 of weight is two positions; the next step settles at least one.
	LEFT.with(|l| *l.borrow_mut() = [0, 3]);
	let s = <Both as GlobalSettle>::settle_next(&prices, 10, Weight::from_parts(20, 1_000));
	assert_eq!((s.settled, s.done), (2, false));
	let s = <Both as GlobalSettle>::settle_next(&prices, 10, Weight::from_parts(0, 0));
	assert_eq!((s.settled, s.done), (1, true));
	// No products: nothing to settle.
	assert!(<() as GlobalSettle>::settle_next(&prices, 10, big).done);
	assert!(<() as SettlementStatus>::is_live());
	assert!(!<() as SettlementStatus>::is_settling());
}
