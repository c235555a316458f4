//! Weights for `pallet_perpetuals`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/`). The figures here are hand-derived upper bounds
//! for other runtimes and tests: storage
//! accesses are counted for the worst case and priced with the runtime's `DbWeight`. A trade
//! reads its market, position, vault, fee pot and price, then the margin engine values the
//! whole account (every collateral asset and every position) for the initial-margin test.

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
	fn trade() -> Weight;
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
	fn trade() -> Weight {
		// Plus `OnChange` in the runtime: the liquidation engine re-values the account and
		// re-files it in its liquidation-price and ADL indexes (≈ 54 reads, 6 writes).
		Weight::from_parts(400_000_000, 80_000)
			.saturating_add(T::DbWeight::get().reads_writes(70 + 54, 6 + 6))
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
	fn trade() -> Weight {
		Weight::from_parts(300_000_000, 60_000)
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
