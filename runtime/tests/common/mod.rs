//! Shared helpers for runtime tests: externalities built from the real genesis presets,
//! merged over the default genesis exactly as `ballast-node build-spec` does.

#![allow(dead_code)]

pub mod chain;
pub mod population;

use ballast_runtime::{genesis_config_presets, RuntimeGenesisConfig};
use polkadot_sdk::{
	frame_support::genesis_builder_helper::build_state, sp_genesis_builder::PresetId,
	sp_io::TestExternalities,
};
use serde_json::Value;

/// Recursively merge `patch` into `base`: objects merge key by key, anything else replaces.
pub fn json_merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				json_merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The full genesis JSON of preset `name`.
pub fn preset_json(name: &str) -> Value {
	let patch = genesis_config_presets::get_preset(&PresetId::from(name))
		.unwrap_or_else(|| panic!("preset `{name}` exists"));
	let patch: Value = serde_json::from_slice(&patch).expect("a preset is valid JSON");
	let mut full = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializable");
	json_merge(&mut full, patch);
	full
}

/// Externalities holding the genesis state of preset `name`, at block 1.
pub fn ext_for_preset(name: &str) -> TestExternalities {
	let json = serde_json::to_vec(&preset_json(name)).expect("serializable");
	let mut ext = TestExternalities::new_empty();
	ext.execute_with(|| {
		build_state::<RuntimeGenesisConfig>(json).expect("preset builds");
		ballast_runtime::System::set_block_number(1);
	});
	ext
}
