//! Builds the runtime's wasm blob, unless `SKIP_WASM_BUILD` is set (native-only tests).
fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
