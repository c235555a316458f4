//! `ballast-node`: the validator and RPC node of the Ballast collateral chain.
//!
//! The node is the library `ballast-node-cli`; this binary adds the version its build script
//! makes from the git commit (`--version`: `0.1.0-<commit>`).

fn main() {
	// Errors are for operators: print them plainly and exit non-zero; never a panic trace.
	if let Err(error) = ballast_node_cli::run(env!("SUBSTRATE_CLI_IMPL_VERSION")) {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
