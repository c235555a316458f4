//! Cross accounts under the portfolio grid ([`Config::PortfolioGrid`]): their requirements are
//! the grid's over all their positions together (a hedge lowers them), isolated accounts keep
//! the products' linear requirements.

use super::*;
use ballast_primitives::{
	math::{
		options::{years_from_seconds, Kind},
		portfolio::{self, Instrument, OptionTerms},
	},
	traits::{PositionView, RiskLeg},
};

/// A long perpetual of `btc` whole BTC at the mock's 50,000.
fn perp_leg(btc: i128) -> RiskLeg {
	RiskLeg {
		underlying: BTC,
		spot: Price::from_u32(50_000),
		quantity: btc * BTC_UNIT as i128,
		base_decimals: 8,
		instrument: Instrument::Perp,
		min_shock: Permill::from_percent(10),
	}
}

/// A long 30-day at-the-money put on one BTC.
fn put_leg() -> RiskLeg {
	RiskLeg {
		underlying: BTC,
		spot: Price::from_u32(50_000),
		quantity: BTC_UNIT as i128,
		base_decimals: 8,
		instrument: Instrument::Option(OptionTerms {
			kind: Kind::Put,
			strike: Price::from_u32(50_000),
			years: years_from_seconds(30 * 86_400),
			volatility: FixedU128::from_rational(60, 100),
			spread: Permill::from_percent(2),
			haircut: Permill::from_percent(10),
		}),
		min_shock: Permill::zero(),
	}
}

/// `(who, sub)` holds `legs`; the products' own (linear) view is `linear` with the legs' value
/// as unrealized PnL.
fn hold(who: AccountId, sub: SubAccount, legs: Vec<RiskLeg>, linear: Exposure) {
	let value: SignedBalance = legs
		.iter()
		.filter(|l| matches!(l.instrument, Instrument::Option(_)))
		.map(|l| portfolio::leg_value(l, l.spot, FixedU128::from_u32(1), 6))
		.sum();
	let positions = legs
		.iter()
		.enumerate()
		.map(|(i, l)| PositionView {
			market: i as MarketId,
			quantity: l.quantity,
			entry_notional: usdc(50_000),
			entry_price: Price::from_u32(50_000),
		})
		.collect::<Vec<_>>();
	MockDerivatives::set_book(
		who,
		sub,
		Book {
			exposure: Exposure {
				unrealized_pnl: value,
				positions: positions.len() as u32,
				..linear
			},
			positions,
			fresh_error: None,
			legs,
		},
	);
}

fn grid(legs: &[RiskLeg]) -> portfolio::Evaluation {
	portfolio::evaluate(&TEST_GRID, legs, 6)
}

#[test]
fn the_test_grid_is_within_its_bounds() {
	assert_eq!(TEST_GRID.validate(), Ok(()));
}

#[test]
fn a_cross_account_is_margined_by_the_grid_an_isolated_one_linearly() {
	test(|| {
		MockGrid::enable();
		deposit(ALICE, CROSS, USDC, usdc(20_000));
		hold(ALICE, CROSS, vec![perp_leg(1)], exposure(5_000, 2_500));
		// The −16 % cell: 8,000 USDC; maintenance 80 % of it.
		let v = MarginAccounts::valuation(&ALICE, CROSS).unwrap();
		assert_eq!((v.initial_requirement, v.maintenance_requirement), (usdc(8_000), usdc(6_400)));
		let snap = <MarginAccounts as MarginSide<AccountId>>::snapshot(&ALICE, CROSS).unwrap();
		assert_eq!(snap.maintenance_requirement, usdc(6_400));
		// The margin of safety's requirement term: 80 % × 16 % of the notional.
		assert_eq!(snap.requirement_sensitivity, usdc(6_400));
		assert_eq!(snap.requirement_sensitivity, grid(&[perp_leg(1)]).price_sensitivity);
		let report = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert_eq!(report.initial_requirement, usdc(8_000));
		// The same positions in an isolated account: the products' linear requirements.
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, USDC, usdc(20_000));
		hold(ALICE, sub, vec![perp_leg(1)], exposure(5_000, 2_500));
		let v = MarginAccounts::valuation(&ALICE, sub).unwrap();
		assert_eq!((v.initial_requirement, v.maintenance_requirement), (usdc(5_000), usdc(2_500)));
		let snap = <MarginAccounts as MarginSide<AccountId>>::snapshot(&ALICE, sub).unwrap();
		assert_eq!(snap.requirement_sensitivity, 0);
	});
}

#[test]
fn a_put_lowers_a_long_perps_requirement_and_frees_margin() {
	test(|| {
		MockGrid::enable();
		let naked = grid(&[perp_leg(1)]);
		let hedged = grid(&[perp_leg(1), put_leg()]);
		assert_eq!(naked.initial, usdc(8_000));
		// Less than half: the put pays back most of the drop.
		assert!(hedged.initial * 2 < naked.initial, "{hedged:?}");
		deposit(ALICE, CROSS, USDC, usdc(8_000));
		hold(ALICE, CROSS, vec![perp_leg(1)], exposure(5_000, 2_500));
		// Naked: 8,000 of equity exactly meets 8,000; not one unit can leave.
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::InsufficientMargin);
		// With the put (its counted value in equity), the requirement falls to the grid's
		// hedged figure and the difference can be withdrawn.
		hold(ALICE, CROSS, vec![perp_leg(1), put_leg()], exposure(5_000, 2_500));
		let v = MarginAccounts::valuation(&ALICE, CROSS).unwrap();
		assert_eq!(v.initial_requirement, hedged.initial);
		assert_eq!(v.maintenance_requirement, hedged.maintenance);
		let free = v.free_margin();
		assert!(free > usdc(4_000), "{v:?}");
		assert_noop!(withdraw(ALICE, CROSS, USDC, free + 1), Error::<Test>::InsufficientMargin);
		assert_ok!(withdraw(ALICE, CROSS, USDC, free));
	});
}

#[test]
fn grid_legs_without_a_fresh_price_fail_closed() {
	test(|| {
		MockGrid::enable();
		deposit(ALICE, CROSS, USDC, usdc(20_000));
		hold(ALICE, CROSS, vec![perp_leg(1)], exposure(5_000, 2_500));
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Stale);
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::PriceStale);
		// Liquidation's conservative snapshot still values it.
		assert!(<MarginAccounts as MarginSide<AccountId>>::snapshot(&ALICE, CROSS).is_some());
	});
}

#[test]
fn the_scenario_table_shows_every_cell_and_adds_up_to_the_requirement() {
	test(|| {
		MockGrid::enable();
		deposit(ALICE, CROSS, USDC, usdc(20_000));
		let legs = vec![perp_leg(1), put_leg()];
		hold(ALICE, CROSS, legs.clone(), exposure(5_000, 2_500));
		let table = MarginAccounts::scenario_table(&ALICE, CROSS).expect("a cross account");
		let e = grid(&legs);
		let cells = TEST_GRID.spot_shocks.len() * TEST_GRID.vol_shocks.len();
		assert_eq!(table.cells.len(), cells);
		assert!(table.cells.iter().all(|c| c.underlying == BTC));
		// One underlying: the worst cell is the worst loss, and the requirements are the grid's.
		let worst = table.cells.iter().map(|c| c.pnl).min().unwrap();
		assert_eq!(worst.min(0).unsigned_abs(), e.worst_loss);
		assert_eq!(
			(table.initial_requirement, table.maintenance_requirement, table.floor),
			(e.initial, e.maintenance, e.floor)
		);
		// The flat cell (no move, volatility × 1) is exactly zero.
		let flat = table
			.cells
			.iter()
			.find(|c| c.spot_shock == 0 && c.vol == FixedU128::from_u32(1))
			.expect("a flat cell");
		assert_eq!(flat.pnl, 0);
		// Isolated accounts have none, nor do unknown accounts.
		let sub = create_isolated(ALICE, 0);
		assert_eq!(MarginAccounts::scenario_table(&ALICE, sub), None);
		assert_eq!(MarginAccounts::scenario_table(&BOB, CROSS), None);
	});
}
