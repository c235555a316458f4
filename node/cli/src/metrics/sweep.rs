//! The liquidation sweep's backlog and its round-robin backstop: `LiquidationApi::at_risk`
//! and what no API reports, read from the `Liquidation` pallet's storage by key.

use super::{
	format::{flag, usize_f64},
	storage_prefix, Updater,
};
use ballast_primitives::{AccountId, SubAccount};
use ballast_runtime::opaque::Block;
use pallet_liquidation::runtime_api::LiquidationApi;
use polkadot_sdk::{
	sc_client_api::StorageProvider,
	sp_api::ProvideRuntimeApi,
	sp_core::storage::StorageKey,
	sp_io::hashing::blake2_128,
	sp_runtime::{codec::Encode, traits::Block as BlockT},
};

/// How many crossed accounts `at_risk` is asked for: `ballast_accounts_at_risk` saturates here.
pub const AT_RISK_LIMIT: u32 = 1_000;
/// How many deleveraging shortfalls are counted at most.
const DELEVERAGING_LIMIT: usize = 1_000;
/// How many accounts of the backstop's round are counted at most (a walk of the keys of
/// `Liquidation::Watching` every block): `ballast_sweep_backstop_*` saturate here.
pub const BACKSTOP_LIMIT: usize = 100_000;

impl Updater {
	pub(super) fn update_sweep(&self, at: <Block as BlockT>::Hash) -> Result<(), String> {
		let m = &self.metrics;
		let at_risk = self
			.client
			.runtime_api()
			.at_risk(at, AT_RISK_LIMIT)
			.map_err(|e| format!("at_risk: {e}"))?
			.len();
		m.at_risk.set(usize_f64(at_risk));
		let (head, tail) = self
			.storage::<(u32, u32)>(at, storage_prefix("Liquidation", "QueueBounds"))
			.unwrap_or_default();
		let queue = tail.saturating_sub(head);
		m.seizure_queue.set(f64::from(queue));
		let resume = self
			.client
			.storage(at, &StorageKey(storage_prefix("Liquidation", "WatchResume")))
			.ok()
			.flatten()
			.is_some();
		m.watch_resume.set(flag(resume));
		let prefix = StorageKey(storage_prefix("Liquidation", "Deleveraging"));
		let deleveraging = self
			.client
			.storage_keys(at, Some(&prefix), None)
			.map(|keys| keys.take(DELEVERAGING_LIMIT).count())
			.unwrap_or_default();
		m.deleveraging_accounts.set(usize_f64(deleveraging));
		m.backlog.set(usize_f64(
			at_risk
				.saturating_add(usize::try_from(queue).unwrap_or(usize::MAX))
				.saturating_add(deleveraging)
				.saturating_add(usize::from(resume)),
		));
		let (position, accounts) = self.backstop(at);
		m.backstop_position.set(usize_f64(position));
		m.backstop_accounts.set(usize_f64(accounts));
		Ok(())
	}

	/// Where the round-robin backstop is: `(position, accounts)`. It walks the keys of
	/// `Liquidation::Watching` (accounts with positions or debt) in storage order, a page per
	/// block, from the account after `Liquidation::CrossCursor` (the last one checked; none:
	/// the round starts over). `position` counts the accounts up to the cursor's, `accounts`
	/// all of them (both capped at [`BACKSTOP_LIMIT`]).
	fn backstop(&self, at: <Block as BlockT>::Hash) -> (usize, usize) {
		let prefix = storage_prefix("Liquidation", "Watching");
		let cursor = self
			.storage::<Option<(AccountId, SubAccount)>>(
				at,
				storage_prefix("Liquidation", "CrossCursor"),
			)
			.flatten()
			.map(|account| {
				let encoded = account.encode();
				let mut key = prefix.clone();
				key.extend_from_slice(&blake2_128(&encoded));
				key.extend_from_slice(&encoded);
				key
			});
		let Ok(keys) = self.client.storage_keys(at, Some(&StorageKey(prefix)), None) else {
			return (0, 0);
		};
		let (mut position, mut accounts) = (0usize, 0usize);
		for key in keys.take(BACKSTOP_LIMIT) {
			accounts = accounts.saturating_add(1);
			if cursor.as_ref().is_some_and(|c| key.0 <= *c) {
				position = position.saturating_add(1);
			}
		}
		(position, accounts)
	}
}
