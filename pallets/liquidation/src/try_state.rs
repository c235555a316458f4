//! The pallet's invariants, checked after every block by the tests and by `try-runtime`.

use crate::pallet::*;
use ballast_primitives::{AssetId, Balance, SubAccount};
use polkadot_sdk::frame_support::{
	ensure,
	traits::{fungibles::Inspect, Get},
};

impl<T: Config> Pallet<T> {
	/// Invariants:
	/// * the parameters in force ([`Params`]) are within the hard bounds of
	///   [`crate::LiquidationParams::validate`];
	/// * [`Index`] and [`Indexed`] describe the same entries;
	/// * [`Watch`] and [`Watching`] describe the same entries, [`WatchedSources`] counts them
	///   per source and direction, and every account with a position is in [`Watching`];
	/// * [`LiveAuctions`] counts the auctions of each account, [`LiveAuctionValue`] sums their
	///   value; no auction has an empty lot, nor one below its asset's minimum balance (the
	///   asset pallet could not keep it apart from the others: a take of the last other lot
	///   would sweep it away as dust);
	/// * the pallet account holds at least every live lot, per asset.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		ensure!(
			Params::<T>::get().validate(T::QuoteDecimals::get()).is_ok(),
			"liquidation parameters outside their hard bounds"
		);
		let mut n = 0u32;
		for ((m, side, k, acct), ()) in Index::<T>::iter() {
			ensure!(
				Indexed::<T>::get(&acct) == Some((m, side, k)),
				"index entry without its reverse"
			);
			n = n.saturating_add(1);
		}
		ensure!(Indexed::<T>::iter().count() == n as usize, "reverse index has extra entries");
		let mut adl = 0usize;
		for ((m, side, k, acct), ()) in AdlIndex::<T>::iter() {
			ensure!(
				AdlEntries::<T>::get(&acct).is_some_and(|e| e.contains(&(m, side, k))),
				"ADL entry without its reverse"
			);
			adl = adl.saturating_add(1);
		}
		ensure!(
			AdlEntries::<T>::iter_values().map(|e| e.len()).sum::<usize>() == adl,
			"ADL reverse index has extra entries"
		);
		// The watch: Watch and Watching describe the same entries, WatchedSources counts them,
		// and every account with a position is watched.
		let mut per_source: BTreeMap<(crate::Source, u8), u32> = BTreeMap::new();
		let mut watched = 0usize;
		for ((source, dir, k, acct), ()) in Watch::<T>::iter() {
			ensure!(
				Watching::<T>::get(&acct).is_some_and(|t| t.contains(&(source, dir, k))),
				"watch entry without its reverse"
			);
			let c = per_source.entry((source, dir)).or_default();
			*c = c.saturating_add(1);
			watched = watched.saturating_add(1);
		}
		ensure!(
			Watching::<T>::iter_values().map(|t| t.len()).sum::<usize>() == watched,
			"watch reverse index has extra entries"
		);
		for (key, n) in WatchedSources::<T>::iter() {
			ensure!(per_source.remove(&key) == Some(n), "WatchedSources miscounts the watch");
		}
		ensure!(per_source.is_empty(), "a watched source is not in WatchedSources");
		for acct in AdlEntries::<T>::iter_keys() {
			ensure!(Watching::<T>::contains_key(&acct), "an account with positions is not watched");
		}
		for (_, d) in Deleveraging::<T>::iter() {
			ensure!(d.left > 0, "settled shortfall kept");
			ensure!(d.steps < T::MaxDeleverageSteps::get(), "deleveraging past its step limit");
		}
		let mut counts: BTreeMap<(T::AccountId, SubAccount), u32> = BTreeMap::new();
		let mut lots: BTreeMap<AssetId, Balance> = BTreeMap::new();
		for (_, a) in Auctions::<T>::iter() {
			ensure!(a.lot > 0, "empty auction kept");
			ensure!(
				a.lot >= T::Assets::minimum_balance(a.asset),
				"live lot below the asset's minimum balance"
			);
			let c = counts.entry((a.who.clone(), a.sub)).or_default();
			*c = c.saturating_add(1);
			let l = lots.entry(a.asset).or_default();
			*l = l.saturating_add(a.lot);
		}
		let mut values: BTreeMap<AssetId, Balance> = BTreeMap::new();
		let mut per_account: BTreeMap<(T::AccountId, SubAccount), Balance> = BTreeMap::new();
		for (_, a) in Auctions::<T>::iter() {
			let v = values.entry(a.asset).or_default();
			*v = v.saturating_add(a.value);
			let v = per_account.entry((a.who, a.sub)).or_default();
			*v = v.saturating_add(a.value);
		}
		for (acct, v) in LiveAuctionValue::<T>::iter() {
			ensure!(v > 0, "zero LiveAuctionValue kept");
			ensure!(per_account.remove(&acct).unwrap_or(0) == v, "LiveAuctionValue mismatch");
		}
		ensure!(per_account.values().all(|v| *v == 0), "live value not in LiveAuctionValue");
		let mut total = 0u128;
		for (asset, v) in AuctionValue::<T>::iter() {
			ensure!(values.remove(&asset).unwrap_or(0) == v, "AuctionValue != Σ live lots' value");
			total = total.saturating_add(v);
		}
		ensure!(values.values().all(|v| *v == 0), "live lots without AuctionValue");
		ensure!(total == TotalAuctionValue::<T>::get(), "TotalAuctionValue mismatch");
		let (head, tail) = QueueBounds::<T>::get();
		ensure!(head <= tail, "queue bounds inverted");
		ensure!(
			SeizureQueue::<T>::iter().count()
				== usize::try_from(tail.saturating_sub(head)).unwrap_or(0)
				&& Queued::<T>::iter().count()
					== usize::try_from(tail.saturating_sub(head)).unwrap_or(0),
			"queue length mismatch"
		);
		for (acct, c) in LiveAuctions::<T>::iter() {
			ensure!(counts.remove(&acct).unwrap_or(0) == c, "LiveAuctions mismatch");
		}
		ensure!(counts.is_empty(), "auctions not counted in LiveAuctions");
		let me = Self::account_id();
		for (asset, lot) in lots {
			ensure!(T::Assets::balance(asset, &me) >= lot, "auction lots not held");
		}
		Ok(())
	}
}
