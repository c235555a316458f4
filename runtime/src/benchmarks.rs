//! The pallets `ballast-node benchmark pallet` can weigh (node built with
//! `--features runtime-benchmarks`).

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_assets, Assets]
	[pallet_oracle, Oracle]
	[pallet_membership, OracleMembership]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_collateral_registry, CollateralRegistry]
	[pallet_price_feed, PriceFeed]
	[pallet_price_guard, PriceGuard]
	[pallet_margin_accounts, MarginAccounts]
	[pallet_perpetuals, Perpetuals]
	[pallet_options, Options]
	[pallet_stress, StressTest]
	[pallet_global_settlement, GlobalSettlement]
	[pallet_liquidation, Liquidation]
	[pallet_validator_set, ValidatorSet]
);
