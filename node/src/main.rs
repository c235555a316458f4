//! `ballast-node`: the validator and RPC node of the Ballast collateral chain.

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod metrics;
mod price_server;
mod rpc;
mod service;

fn main() {
	// Errors are for operators: print them plainly and exit non-zero; never a panic trace.
	if let Err(error) = command::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
