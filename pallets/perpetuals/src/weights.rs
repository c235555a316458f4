//! Weights for `pallet_perpetuals`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/`). The figures here are hand-derived upper bounds
//! for other runtimes and tests: storage
//! accesses are counted for the worst case and priced with the runtime's `DbWeight`. A trade
//! reads its market, position, vault, fee pot and price, and the stress test reads every market;
//! then the margin engine values the whole account for the initial-margin test, and the
//! liquidation engine (`OnChange`) values it again and re-files its triggers: that part grows
//! with the account's class, `p` positions and `c` collateral assets
//! ([`WeightInfo::trade`]).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_perpetuals`.
pub trait WeightInfo {
	fn create_market() -> Weight;
	fn update_market() -> Weight;
	/// A trade of an account with `p` positions (the one traded among them) and `c` collateral
	/// assets: the dispatchable declares `trade(MaxMarkets, MaxCollateralAssets)` and is
	/// refunded to its account's class.
	fn trade(p: u32, c: u32) -> Weight;
	fn add_liquidity() -> Weight;
	fn request_withdrawal() -> Weight;
	fn withdraw_liquidity() -> Weight;
	fn cancel_withdrawal() -> Weight;
	fn recapitalise_vault() -> Weight;
	fn set_vault_rules() -> Weight;
}

/// Weights for the Ballast runtime.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_market() -> Weight {
		Weight::from_parts(25_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn update_market() -> Weight {
		Weight::from_parts(30_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}
	fn trade(p: u32, c: u32) -> Weight {
		// The fill and the stress test over every market (≤ 16, with its price); per position
		// its market and price, twice (margin test, `OnChange`), and three triggers re-filed
		// (out and in, with their source counts) plus its ADL entry; per collateral asset its
		// terms, volatility and price, twice, and two triggers re-filed.
		Weight::from_parts(250_000_000, 30_000)
			.saturating_add(Weight::from_parts(30_000_000, 6_000).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(20_000_000, 6_000).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads_writes(50, 12))
			.saturating_add(T::DbWeight::get().reads_writes(6, 8).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads_writes(8, 4).saturating_mul(c.into()))
	}
	fn add_liquidity() -> Weight {
		// NAV reads every market (≤ 16) and its price.
		Weight::from_parts(150_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads_writes(40, 5))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 2))
	}
	fn withdraw_liquidity() -> Weight {
		// NAV reads every market (≤ 16) and its price.
		Weight::from_parts(150_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads_writes(40, 5))
	}
	fn cancel_withdrawal() -> Weight {
		Weight::from_parts(25_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn recapitalise_vault() -> Weight {
		Weight::from_parts(60_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn set_vault_rules() -> Weight {
		Weight::from_parts(15_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
}

impl WeightInfo for () {
	fn create_market() -> Weight {
		Weight::from_parts(25_000_000, 2_000)
	}
	fn update_market() -> Weight {
		Weight::from_parts(30_000_000, 2_000)
	}
	fn trade(p: u32, c: u32) -> Weight {
		Weight::from_parts(200_000_000, 20_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(c.into()))
	}
	fn add_liquidity() -> Weight {
		Weight::from_parts(150_000_000, 30_000)
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
	}
	fn withdraw_liquidity() -> Weight {
		Weight::from_parts(150_000_000, 30_000)
	}
	fn cancel_withdrawal() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
	}
	fn recapitalise_vault() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
	}
	fn set_vault_rules() -> Weight {
		Weight::from_parts(15_000_000, 1_000)
	}
}
