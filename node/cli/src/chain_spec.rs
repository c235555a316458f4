//! Chain specifications: built from the runtime's genesis presets, or read from a JSON file.

use ballast_primitives::token;
use ballast_runtime::WASM_BINARY;
use polkadot_sdk::{
	sc_service::{self, ChainType, Properties},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};

/// Ballast's chain spec: no node-side extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets and tools (polkadot.js, chopsticks) need to display balances and addresses.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), token::SYMBOL.into());
	properties.insert("tokenDecimals".into(), token::DECIMALS.into());
	properties.insert("ss58Format".into(), token::SS58_PREFIX.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm blob is not in this binary: it was built with SKIP_WASM_BUILD. \
		 Rebuild ballast-node without it."
			.to_string()
	})
}

/// `--dev`: one validator (Alice), the `development` preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Ballast Development")
		.with_id("ballast_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave), the `local_testnet` preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Ballast Local Testnet")
		.with_id("ballast_local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The spec named by `--chain`: a preset name or the path of a chain-spec JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" | "development" => Box::new(development_chain_spec()?),
		"" | "local" | "local_testnet" => Box::new(local_chain_spec()?),
		path => {
			let path = std::path::PathBuf::from(path);
			if !path.is_file() {
				return Err(format!(
					"unknown chain `{}`: expected `dev`, `local` or the path of a chain-spec \
					 JSON file",
					path.display()
				));
			}
			Box::new(
				ChainSpec::from_json_file(path.clone())
					.map_err(|e| format!("invalid chain-spec file `{}`: {e}", path.display()))?,
			)
		},
	})
}
