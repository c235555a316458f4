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
	configs::consensus::DefaultSessionLength, AccountId, CollateralRegistry, Liquidation,
	MarginAccounts, Perpetuals, PriceFeed, PriceGuard, Runtime, SessionKeys, ValidatorSet,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		migrations::VersionedMigration,
		traits::{OnRuntimeUpgrade, UncheckedOnRuntimeUpgrade},
	},
	frame_system, pallet_aura, pallet_grandpa, pallet_session,
	sp_runtime::{traits::OpaqueKeys, Weight},
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

/// Record `keys` as `who`'s session keys the way `session.setKeys` stores them (its keys, and
/// each key's owner), without its deposit, proof or reference counting: for this migration and
/// the benchmarks, which set up validators that did not call it.
pub fn record_session_keys(who: &AccountId, keys: &SessionKeys) {
	for id in SessionKeys::key_ids() {
		pallet_session::KeyOwner::<Runtime>::insert((*id, keys.get_raw(*id).to_vec()), who.clone());
	}
	pallet_session::NextKeys::<Runtime>::insert(who, keys.clone());
}

/// From validators fixed at genesis to validators chosen by governance (spec 105): a chain
/// that ran without `pallet_session` has its authorities only in Aura's and GRANDPA's storage.
/// Each authority becomes a validator whose account is its Aura key's account (as in the
/// presets: a well-known name's sr25519 key is both), with its Aura and GRANDPA keys as session
/// keys, registered as the session pallet's genesis registers them; the session pallet's
/// current and queued sets are these validators in authority order, so nothing changes for
/// Aura or GRANDPA until the first session boundary, an hour ([`DefaultSessionLength`]) after
/// the upgrade, which plans the same validators. The validator set adopts them.
///
/// It does nothing on a chain whose session pallet has validators already (a new chain, or one
/// that ran it), and nothing, with an error in the log, if the Aura and GRANDPA lists do not
/// pair up (then the validator set adopts the session's validators at the first boundary; the
/// authorities stay as they are).
pub struct SessionFromAuthorities;

// Not a `VersionedMigration`: both pallets are new, and FRAME records a new pallet's version
// before any migration runs. Its own condition (no session validators yet) makes it run once.
impl OnRuntimeUpgrade for SessionFromAuthorities {
	fn on_runtime_upgrade() -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		if !pallet_session::Validators::<Runtime>::get().is_empty() {
			return db.reads(1);
		}
		let aura = pallet_aura::Authorities::<Runtime>::get();
		let grandpa = pallet_grandpa::Authorities::<Runtime>::get();
		let reads = db.reads(3);
		if aura.is_empty() || aura.len() != grandpa.len() {
			polkadot_sdk::sp_runtime::print(
				"SessionFromAuthorities: Aura and GRANDPA authorities do not pair up; nothing seeded",
			);
			return reads;
		}
		let mut queued: Vec<(AccountId, SessionKeys)> = Vec::with_capacity(aura.len());
		for (aura, (grandpa, _weight)) in aura.iter().zip(grandpa.iter()) {
			let who = AccountId::from(aura.clone().into_inner());
			let keys = SessionKeys { aura: aura.clone(), grandpa: grandpa.clone() };
			record_session_keys(&who, &keys);
			// As the session pallet's genesis does: the keys are a consumer of the account, which
			// may not exist (a validator need not hold BLST).
			if frame_system::Pallet::<Runtime>::inc_consumers_without_limit(&who).is_err() {
				frame_system::Pallet::<Runtime>::inc_providers(&who);
			}
			queued.push((who, keys));
		}
		let validators: Vec<AccountId> = queued.iter().map(|(who, _)| who.clone()).collect();
		let count = u64::try_from(validators.len()).unwrap_or(u64::MAX);
		pallet_session::Validators::<Runtime>::put(&validators);
		pallet_session::QueuedKeys::<Runtime>::put(queued);
		if ValidatorSet::initialize(validators, DefaultSessionLength::get()).is_err() {
			polkadot_sdk::sp_runtime::print("SessionFromAuthorities: validator set not seeded");
		}
		reads.saturating_add(
			db.reads_writes(count.saturating_mul(2), count.saturating_mul(5).saturating_add(6)),
		)
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: Vec<u8>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use polkadot_sdk::frame_support::ensure;
		let aura = pallet_aura::Authorities::<Runtime>::get();
		let session = pallet_session::Validators::<Runtime>::get();
		ensure!(session.len() == aura.len(), "session validators are not the Aura authorities");
		ensure!(
			session.iter().all(pallet_session::NextKeys::<Runtime>::contains_key),
			"a validator has no session keys"
		);
		ValidatorSet::do_try_state()
	}
}

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
	// Validators chosen by governance: the session pallet and the validator set seeded from
	// the authorities a chain ran with until now.
	SessionFromAuthorities,
);
