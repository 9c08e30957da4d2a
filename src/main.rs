//! The `medsupply` command: parses arguments, runs, and turns errors into an exit code.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    cli::on_interrupt();
    if let Err(e) = cli::run(args) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
