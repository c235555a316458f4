//! The price guard's volatility on the real runtime (dev genesis): a daily figure measured per
//! unit of time, so a crash reads the same however often the operators feed it and moves the
//! collateral into its top haircut band in the block it is accepted; options annualise it with
//! `√365`; `Migrations` carries version 1's state over.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_primitives::{
	assets,
	traits::{CollateralRisk, PriceMode, PriceProvider, TimestampedPrice},
	Price, OPTION_SERIES_BASE,
};
use ballast_runtime::{CollateralRegistry, PriceGuard, Runtime};
use common::chain::*;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	},
	sp_arithmetic::{FixedU128, Permill},
};

fn btc_volatility() -> Permill {
	<PriceGuard as PriceProvider>::volatility(assets::BTC)
}

fn btc_haircut() -> Permill {
	<CollateralRegistry as CollateralRisk>::terms(assets::BTC, 0).unwrap().haircut
}

/// BTC at `price`, ETH and DOT unchanged, fed by two operators; a block passes.
fn btc(price: u32) {
	feed(&[(assets::BTC, price), (assets::ETH, 3_000), (assets::DOT, 6)]);
}

/// From the dev chain (BTC 60,000, volatility unknown), BTC falls 35 % to 39,000 over two
/// minutes, fed every `every` blocks (6 s each); then the operators keep feeding 39,000 every
/// block until the guard accepts it. Returns the volatility and the haircut at that block, and
/// the blocks it took.
fn crash(every: u32) -> (Permill, Permill, u32) {
	let mut out = None;
	chain().execute_with(|| {
		assert_eq!(btc_haircut(), Permill::from_percent(10));
		for block in 1..=20u32 {
			if block % every == 0 {
				btc(60_000 - 1_050 * block);
			} else {
				next_block();
			}
		}
		let mut blocks = 20;
		while PriceGuard::last_valid_price(assets::BTC).map(|p| p.price)
			!= Some(Price::from_u32(39_000))
		{
			btc(39_000);
			blocks += 1;
			assert!(blocks < 40, "the crash is never accepted");
		}
		out = Some((btc_volatility(), btc_haircut(), blocks));
	});
	out.unwrap()
}

#[test]
fn a_two_minute_crash_reads_the_same_at_any_feed_frequency_and_raises_the_haircut_at_once() {
	// Every block (20 prints of ≈ 2 %), every minute (−17.5 %, then −21 %: both inside the
	// 25 % breaker), and in one print (−35 %: held by the breaker for a minute, then accepted).
	let every_block = crash(1);
	let every_minute = crash(10);
	let one_print = crash(20);
	assert_eq!(every_block.2, 20, "accepted as it is fed");
	assert_eq!(every_minute.2, 20);
	assert!(one_print.2 > 20, "held by the breaker first");
	for (volatility, haircut, _) in [every_block, every_minute, one_print] {
		// 0.833 · |ln 0.65| ≈ 35.9 % a day, far above BTC's top band (10 %): the 25 % haircut.
		assert_eq!(volatility, every_block.0);
		assert!(
			volatility > Permill::from_percent(35) && volatility < Permill::from_percent(37),
			"{volatility:?}"
		);
		assert_eq!(haircut, Permill::from_percent(25));
	}
}

#[test]
fn a_quiet_market_keeps_the_base_haircut_and_a_ten_percent_drop_reads_near_nine() {
	chain().execute_with(|| {
		// An hour of prints within ±0.1 %, every block.
		for i in 0..600u32 {
			btc(if i % 2 == 0 { 60_000 } else { 60_060 });
		}
		assert!(btc_volatility() < Permill::from_percent(1), "{:?}", btc_volatility());
		assert_eq!(btc_haircut(), Permill::from_percent(10));
		// −10 % in one block: ≈ 8.8 % a day, BTC's 15 % band (from 5 %).
		btc(54_000);
		let v = btc_volatility();
		assert!(v > Permill::from_percent(8) && v < Permill::from_percent(10), "{v:?}");
		assert_eq!(btc_haircut(), Permill::from_percent(15));
	});
}

#[test]
fn options_annualise_the_daily_volatility_with_the_square_root_of_a_year() {
	chain().execute_with(|| {
		assert_ok!(root(pallet_price_guard::Call::<Runtime>::set_volatility {
			key: assets::BTC,
			volatility: Permill::from_percent(3),
		}));
		// The at-the-money BTC call: 3 % a day × 19.105 = 57.3 % a year (no skew at the money).
		let q =
			pallet_options::Pallet::<Runtime>::quote(OPTION_SERIES_BASE, PriceMode::Fresh).unwrap();
		let expected = FixedU128::from_rational(57_315, 100_000);
		assert!(
			q.volatility.into_inner().abs_diff(expected.into_inner()) < 10u128.pow(15),
			"{q:?}"
		);
	});
}

#[test]
fn the_runtime_migrations_carry_version_one_volatility_over() {
	use pallet_price_guard::migrations::v2::OldVolatilityState;
	chain().execute_with(|| {
		let last = TimestampedPrice { price: Price::from_u32(60_000), timestamp: NOW };
		let old = OldVolatilityState {
			variance: Price::from_rational(4, 10_000),
			volatility: Permill::from_percent(2),
			last_observation: Some(last),
		};
		unhashed::put(
			&pallet_price_guard::Volatility::<Runtime>::hashed_key_for(assets::BTC),
			&old,
		);
		StorageVersion::new(1).put::<PriceGuard>();

		<ballast_runtime::migrations::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();

		assert_eq!(PriceGuard::on_chain_storage_version(), StorageVersion::new(2));
		let new = pallet_price_guard::Volatility::<Runtime>::get(assets::BTC).unwrap();
		assert_eq!(new.volatility, Permill::from_percent(2));
		assert_eq!(new.anchor, Some(last));
		assert_eq!(new.last_observation, Some(last));
		assert_eq!(btc_volatility(), Permill::from_percent(2));
		try_state();
		// The estimator goes on from there.
		btc(60_000);
		assert!(btc_volatility() >= Permill::from_percent(2));
	});
}
