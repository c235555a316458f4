//! Storage migrations, run by `Executive` on the first block after a runtime upgrade.
//!
//! Policy (see `CHANGELOG.md`):
//! - A change to a pallet's stored layout (an item removed, or its key or value type changed)
//!   bumps that pallet's `STORAGE_VERSION` and adds a `VersionedMigration<FROM, TO, ..>` here
//!   that rewrites the data. `runtime/tests/layout.rs` fails when storage changes without the bump.
//! - Each entry runs only when the on-chain version equals `FROM`, then stamps `TO`, so an entry
//!   is harmless on a chain that already has it; entries are removed once every network has
//!   upgraded past them.

use crate::{
	CollateralRegistry, Liquidation, MarginAccounts, Perpetuals, PriceFeed, PriceGuard, Runtime,
};
use polkadot_sdk::{
	frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade},
	frame_system,
	sp_runtime::Weight,
};

/// Version 1 is the layout Ballast launches with: the Ballast pallets had no recorded version
/// (0) before it, and their layout at 0 on the networks that ran it (spec 104) is the same, so
/// the step from 0 to 1 rewrites nothing and only records the version.
pub struct SameLayout;

impl UncheckedOnRuntimeUpgrade for SameLayout {
	fn on_runtime_upgrade() -> Weight {
		Weight::zero()
	}
}

type DbWeight = <Runtime as frame_system::Config>::DbWeight;

/// Record storage version 1 on a pallet still at 0.
pub type StampV1<P> = VersionedMigration<0, 1, SameLayout, P, DbWeight>;

/// `pallet_liquidation` 1 → 2 adds `Liquidation::Params` (the governed liquidation parameters),
/// which reads `DefaultLiquidationParams` while empty: nothing to rewrite, only the version.
pub type LiquidationV1ToV2 = VersionedMigration<1, 2, SameLayout, Liquidation, DbWeight>;

/// The migrations of the next runtime upgrade, in order.
pub type Migrations = (
	StampV1<CollateralRegistry>,
	StampV1<MarginAccounts>,
	StampV1<Perpetuals>,
	StampV1<Liquidation>,
	StampV1<PriceFeed>,
	StampV1<PriceGuard>,
	// After the stamp: a chain at 0 is stamped 1 above, then migrated to 2 here.
	pallet_price_guard::migrations::v2::MigrateV1ToV2<Runtime>,
	// After the stamp, likewise: 1 → 2 records the version (the new `Params` reads its default).
	LiquidationV1ToV2,
);
