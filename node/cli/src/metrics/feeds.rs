//! Prices and the feed: the `PriceFeedApi` report per asset, and this node's own price-feed
//! worker's records in its offchain database (its last submission, its per-source counters).

use super::{
	format::{count, flag, seconds, url_host, usd},
	AssetInfo, Updater,
};
use ballast_primitives::{AssetId, Price};
use pallet_price_feed::{runtime_api::PriceFeedApi, stats::SourceStats};
use polkadot_sdk::{
	sc_client_api::Backend,
	sp_api::ProvideRuntimeApi,
	sp_core::offchain::{OffchainStorage, STORAGE_PREFIX},
	sp_runtime::{codec::Decode, traits::Block as BlockT},
};
use std::collections::BTreeSet;

use ballast_runtime::opaque::Block;

/// Source indices read per asset from the offchain database (above any runtime's
/// `MaxSources`; the worker removes the counters past the end of an asset's list).
const SOURCE_SCAN: u32 = 32;

/// The labels of one source's series: asset, source index, host.
pub type SourceLabels = [String; 3];

impl Updater {
	/// A record of this node's price-feed worker, under `key` in its persistent offchain
	/// storage.
	fn offchain<T: Decode>(&self, key: &[u8]) -> Option<T> {
		let raw = self.backend.offchain_storage()?.get(STORAGE_PREFIX, key)?;
		T::decode(&mut raw.as_slice()).ok()
	}

	/// This node's worker's last submission of `asset`: `(price, block)` under
	/// `price-feed::last::<asset>` in the persistent offchain storage.
	fn last_submit(&self, asset: AssetId) -> Option<u32> {
		self.offchain::<(Price, u32)>(&pallet_price_feed::ocw::last_key(asset))
			.map(|(_, block)| block)
	}

	/// This node's worker's counters of `asset`'s sources (`price-feed::source::<asset>::<i>`).
	fn source_stats(&self, asset: AssetId) -> Vec<(u32, SourceStats)> {
		(0..SOURCE_SCAN)
			.filter_map(|i| {
				let key = pallet_price_feed::stats::source_key(asset, i);
				self.offchain::<SourceStats>(&key).map(|s| (i, s))
			})
			.collect()
	}

	pub(super) fn update_feeds(
		&self,
		at: <Block as BlockT>::Hash,
		number: u32,
		info: &mut impl FnMut(AssetId) -> AssetInfo,
	) -> Result<(), String> {
		let m = &self.metrics;
		let statuses = self.client.runtime_api().prices(at).map_err(|e| format!("prices: {e}"))?;
		let mut sources: BTreeSet<SourceLabels> = BTreeSet::new();
		for status in statuses {
			let name = info(status.asset).symbol;
			let l = &[name.as_str()];
			match status.latest {
				Some(latest) => m.price.with_label_values(l).set(usd(latest.price)),
				None => {
					let _ = m.price.remove_label_values(l);
				},
			}
			match status.age {
				Some(age) => m.price_age.with_label_values(l).set(seconds(age)),
				None => {
					let _ = m.price_age.remove_label_values(l);
				},
			}
			m.price_max_age.with_label_values(l).set(seconds(status.max_age));
			m.price_stale.with_label_values(l).set(flag(status.stale));
			m.feed_late.with_label_values(l).set(flag(status.late));
			m.feed_sources.with_label_values(l).set(f64::from(status.sources));
			if let Some(block) = self.last_submit(status.asset) {
				m.feed_last_submit.with_label_values(l).set(f64::from(block));
				m.feed_blocks_since_submit
					.with_label_values(l)
					.set(f64::from(number.saturating_sub(block)));
			}
			for (index, stats) in self.source_stats(status.asset) {
				let labels: SourceLabels = [name.clone(), index.to_string(), url_host(&stats.url)];
				let [a, s, h] = &labels;
				let (a, s, h) = (a.as_str(), s.as_str(), h.as_str());
				m.feed_source_fetches.with_label_values(&[a, s, h, "ok"]).set(count(stats.ok));
				m.feed_source_fetches
					.with_label_values(&[a, s, h, "failed"])
					.set(count(stats.failed));
				m.feed_source_last_error
					.with_label_values(&[a, s, h])
					.set(f64::from(stats.last_error));
				sources.insert(labels);
			}
		}
		// A source no longer reported (its list changed, its asset is no longer fed): its
		// series go.
		let mut previous = self.sources.lock().map_err(|_| "source labels poisoned")?;
		for [a, s, h] in previous.difference(&sources) {
			let (a, s, h) = (a.as_str(), s.as_str(), h.as_str());
			for result in ["ok", "failed"] {
				let _ = m.feed_source_fetches.remove_label_values(&[a, s, h, result]);
			}
			let _ = m.feed_source_last_error.remove_label_values(&[a, s, h]);
		}
		*previous = sources;
		Ok(())
	}
}
