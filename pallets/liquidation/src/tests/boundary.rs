//! The boundary (scenario 12): the index and the health test agree, and no account leaves the
//! index while it holds a position.

use super::*;
use polkadot_sdk::sp_arithmetic::FixedPointNumber;
use proptest::prelude::*;

/// `(who, ISO)`: an isolated account in BTC-PERP holding `margin` quote units and `size`.
fn open_isolated(who: u64, margin: Balance, size: i128) {
	open(who, ISO, Some(BTC_PERP));
	deposit_quote(who, ISO, margin);
	trade(who, ISO, BTC_PERP, size);
}

/// The liquidation price `(who, ISO)` is filed at.
fn indexed_price(who: u64) -> Price {
	let (_, side, k) = Indexed::<Test>::get((who, ISO)).expect("indexed");
	key_price(side, k)
}

/// The index never misses an unhealthy `(who, ISO)` at `mark`, and finds it crossed while
/// healthy only within the rounding band of its boundary: two bands further it is unhealthy.
fn agree_at(who: u64, mark: Price, band: u128) {
	set_price_exact(BTC_PERP, mark);
	let unhealthy = !snapshot(who, ISO).is_healthy();
	let crossed = Liquidation::is_crossed(&who, ISO);
	let (_, side, _) = Indexed::<Test>::get((who, ISO)).expect("indexed");
	assert!(
		!unhealthy || crossed,
		"unhealthy at {mark:?} but not crossed (indexed at {:?})",
		indexed_price(who)
	);
	if crossed && !unhealthy {
		let further = if side == LONG {
			mark.into_inner().saturating_sub(2 * band)
		} else {
			mark.into_inner() + 2 * band
		};
		set_price_exact(BTC_PERP, Price::from_inner(further));
		assert!(
			!snapshot(who, ISO).is_healthy(),
			"crossed and healthy at {mark:?}, outside the band (indexed at {:?})",
			indexed_price(who)
		);
		set_price_exact(BTC_PERP, mark);
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(256))]

	/// Crossed in the index ⇔ unhealthy, up to the rounding band: at the indexed price itself,
	/// one step of the price's precision on either side of it, across the band, and anywhere
	/// else. And a sweep at that price never takes an account holding a position out of the
	/// index.
	#[test]
	fn crossed_in_the_index_iff_unhealthy(
		long in any::<bool>(),
		size in 1_000i128..1_000_000_000,
		entry in 100u32..100_000,
		leverage in 2u128..20,
		mark_bp in 5_000u128..15_000,
		at in 0usize..6,
	) {
		test(|| {
			set_price(BTC_PERP, entry);
			let notional = Price::from_u32(entry).saturating_mul_int(size as u128) / 100;
			open_isolated(ALICE, notional / leverage + 1, if long { size } else { -size });
			let pos = position(ALICE, ISO, BTC_PERP).unwrap();
			let band = ballast_primitives::math::units::mul_div(
				Price::from_u32(entry).into_inner(),
				ballast_primitives::math::liquidation::INDEX_BAND_UNITS,
				pos.entry_notional.max(1),
				ballast_primitives::math::Rounding::Up,
			)
			.unwrap()
			.max(1);
			let liq = indexed_price(ALICE).into_inner();
			let marks = [
				liq.saturating_sub(1),
				liq,
				liq + 1,
				liq.saturating_sub(band),
				liq + band,
				(Price::from_u32(entry) * Price::from_rational(mark_bp, 10_000)).into_inner(),
			];
			for inner in marks {
				agree_at(ALICE, Price::from_inner(inner), band);
			}
			// The sweep at one of those prices: whatever it does, an account that still holds
			// a position stays in the index.
			set_price_exact(BTC_PERP, Price::from_inner(marks[at]));
			next_block();
			if position(ALICE, ISO, BTC_PERP).is_some() {
				assert!(Indexed::<Test>::get((ALICE, ISO)).is_some(), "left the index with a position");
			}
		});
	}
}

#[test]
fn an_account_exactly_at_its_indexed_liquidation_price_stays_in_the_index() {
	test(|| {
		AccountChecksPerBlock::set(0);
		long_btc(ALICE, 100);
		let filed = Indexed::<Test>::get((ALICE, ISO)).unwrap();
		// The mark sits exactly on the indexed price: crossed, but still healthy (the band).
		set_price_exact(BTC_PERP, indexed_price(ALICE));
		assert!(Liquidation::is_crossed(&ALICE, ISO));
		assert!(snapshot(ALICE, ISO).is_healthy());
		for _ in 0..3 {
			assert!(!liquidated(&next_block(), ALICE, ISO));
			assert_eq!(Indexed::<Test>::get((ALICE, ISO)), Some(filed));
		}
		// A step further it is unhealthy, and the index finds it.
		set_price(BTC_PERP, 947);
		assert!(liquidated(&next_block(), ALICE, ISO));
	});
}
