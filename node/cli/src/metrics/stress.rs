//! The stress test (`StressApi`), on runtimes that have it.

use super::{
	format::{flag, ratio, shock_label, whole, whole_signed},
	Updater,
};
use ballast_runtime::opaque::Block;
use pallet_stress::runtime_api::StressApi;
use polkadot_sdk::{sp_api::ProvideRuntimeApi, sp_runtime::traits::Block as BlockT};

impl Updater {
	pub(super) fn update_stress(&self, at: <Block as BlockT>::Hash) -> Result<(), String> {
		let m = &self.metrics;
		let q = self.quote_decimals;
		let stress =
			self.client.runtime_api().report(at).map_err(|e| format!("stress report: {e}"))?;
		match stress.coverage {
			Some(c) => m.stress_coverage.with_label_values(&[]).set(whole(c.into_inner(), 18)),
			None => {
				let _ = m.stress_coverage.remove_label_values(&[]);
			},
		}
		m.stress_worst_shortfall.set(whole(stress.worst_shortfall, q));
		m.stress_capacity.set(whole_signed(stress.capacity, q));
		m.stress_tightening.set(ratio(stress.tightening));
		m.stress_alarm.set(flag(stress.alarm));
		m.stress_pass_visited.set(f64::from(stress.pass.2));
		m.stress_shortfall.reset();
		let mut labels: Vec<String> = Vec::new();
		for (i, scenario) in stress.scenarios.iter().enumerate() {
			let current = stress.pass_totals.get(i).copied().unwrap_or_default();
			let completed = stress.completed_totals.get(i).copied().unwrap_or_default();
			let mut label = shock_label(scenario.shock);
			if labels.contains(&label) {
				// Two scenarios with one shock (different volatilities): tell them apart.
				label = format!("{label} vol x{}", whole(scenario.vol.into_inner(), 18));
			}
			m.stress_shortfall
				.with_label_values(&[label.as_str()])
				.set(whole(current.max(completed), q));
			labels.push(label);
		}
		Ok(())
	}
}
