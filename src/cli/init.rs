//! `medsupply init`: write a starting scenario into a folder and say what to type next.

use clap::{Args, ValueEnum};
use medsupply::error::Result;
use medsupply::init::{Template, init};
use std::path::PathBuf;

/// Arguments of `medsupply init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (or an empty one).
    pub dir: PathBuf,
    /// The starting point.
    #[arg(long, value_enum, default_value_t = TemplateArg::Minimal)]
    pub template: TemplateArg,
    /// Write into a folder that is not empty, overwriting the template's files there.
    #[arg(long)]
    pub force: bool,
}

/// `--template`: the templates of [`Template`].
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TemplateArg {
    /// One supplier, one factory, a hospital and a clinic in two regions.
    Minimal,
    /// Four regions with warehouses, dispatch from a reserve and a green channel.
    Regional,
    /// 31 provinces with hospital pools and front lines, six factories, a reserve, dispatch.
    National,
}

/// Writes the template and prints the next two commands.
pub fn run(args: &InitArgs) -> Result<()> {
    let template = match args.template {
        TemplateArg::Minimal => Template::Minimal,
        TemplateArg::Regional => Template::Regional,
        TemplateArg::National => Template::National,
    };
    let done = init(&args.dir, template, args.force)?;
    for file in &done.files {
        eprintln!("wrote {}", file.display());
    }
    let scenario = done.scenario.display();
    crate::print(&format!(
        "Next:\n  medsupply validate {scenario}\n  medsupply run {scenario}\n"
    ))
}
