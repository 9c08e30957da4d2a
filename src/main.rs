//! The `medsupply` command: parses arguments, runs, and turns errors into an exit code.

use clap::Parser;

fn main() {
    let args = medsupply::cli::Cli::parse();
    if let Err(e) = medsupply::cli::run(args) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
