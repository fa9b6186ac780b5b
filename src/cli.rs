//! Command-line definitions. Only clap structures live here; commands read them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Declarative GitOps for Vanta: plan and apply the records of an inventory of YAML files.
#[derive(Debug, Parser)]
#[command(name = "vanta-gitops", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 error, 2 success with changes present \
(only with --detailed-exitcode or --expect-no-changes)."
)]
pub struct Cli {
    /// Raise the log level: -v for debug, -vv for trace. RUST_LOG overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Disable colours. Setting NO_COLOR does the same.
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and check the whole inventory offline.
    Validate(ValidateArgs),
    /// Show what would change in Vanta.
    Plan(PlanArgs),
    /// Push the desired state to Vanta, after showing the plan.
    Apply(ApplyArgs),
    /// Render a saved plan.
    Show(ShowArgs),
    /// Evaluate the inventory's Custom Tests against its records.
    Test(TestArgs),
    /// Write JSON Schemas of the inventory's files, for editors.
    Schema(SchemaArgs),
    /// Run the local Vanta-compatible sandbox.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Publish a saved plan to GitHub: a pull-request comment or the job summary.
    #[command(subcommand)]
    Github(GithubCommand),
}

/// Output formats of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Text,
    Json,
    Github,
}

/// Output formats of plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Terraform-style text, coloured on a terminal.
    Text,
    /// The saved plan format, described by `schemas/plan.schema.json`.
    Json,
    /// Markdown for pull-request comments and job summaries.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// How to print problems.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,

    /// The largest inventory file read, in bytes. Hidden: tests lower it to check the limit
    /// without writing a file of 256 MiB.
    #[arg(long, value_name = "BYTES", hide = true, default_value_t = crate::inventory::MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
}

/// The source of the current records.
#[derive(Debug, Clone, Args)]
pub struct RemoteArgs {
    /// Run against a local sandbox that starts with the command, keeping its state in
    /// DIR/.vanta-gitops/sandbox.json. No Vanta account is needed.
    #[arg(long, conflicts_with = "api_url")]
    pub sandbox: bool,

    /// The API base URL, such as https://api.vanta.com. Defaults to the Workspace's region.
    #[arg(long, env = "VANTA_API_URL")]
    pub api_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// Save the plan as JSON, for `show` and `apply`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Exit with 2 when there are changes, 0 when there are none, 1 on errors.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Plan only this resource, whole (repeatable). Other resources are not read.
    #[arg(long, value_name = "NAME")]
    pub resource: Vec<String>,

    /// Show unchanged fields and array elements too (text format only).
    #[arg(long)]
    pub full: bool,

    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The inventory folder, or a plan saved with `plan --out`.
    #[arg(default_value = ".")]
    pub target: PathBuf,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// Apply without asking for confirmation. Required when not on a terminal.
    #[arg(long)]
    pub auto_approve: bool,

    /// Exit with 2 and change nothing when there is anything to apply.
    #[arg(long)]
    pub expect_no_changes: bool,

    /// Allow deletions beyond the `maxDestroy` policy.
    #[arg(long)]
    pub allow_destroy: bool,

    /// Apply only this resource (repeatable).
    #[arg(long, value_name = "NAME")]
    pub resource: Vec<String>,

    /// Write an apply record (JSON) for auditors to this file.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `plan --out`.
    pub plan: PathBuf,

    /// Show unchanged fields and array elements too (text format only).
    #[arg(long)]
    pub full: bool,

    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Evaluate the records currently in Vanta instead of the inventory's.
    #[arg(long)]
    pub remote: bool,

    #[command(flatten)]
    pub remote_args: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The folder to write the schemas to: `inventory.schema.json` for every document kind,
    /// and `<resource>.records.schema.json` for the Records files of each resource.
    #[arg(long, value_name = "OUT_DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox until interrupted.
    Serve(SandboxServeArgs),
}

#[derive(Debug, Args)]
pub struct SandboxServeArgs {
    /// The address to listen on. Only loopback addresses are accepted.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: std::net::SocketAddr,

    /// The JSON file that keeps the sandbox's records between runs.
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,

    /// A configuration file with applications, resources, limits and faults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Declare the resources of this inventory, with a sandbox application to use them.
    #[arg(long, value_name = "DIR")]
    pub inventory: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum GithubCommand {
    /// Post a saved plan as a pull-request comment, or update the one posted before. Reads
    /// GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_EVENT_PATH.
    Comment(GithubCommentArgs),
    /// Append a saved plan to the job summary, the file GITHUB_STEP_SUMMARY names.
    Summary(GithubSummaryArgs),
}

#[derive(Debug, Args)]
pub struct GithubCommentArgs {
    /// A plan saved with `plan --out`.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,

    /// The name that distinguishes this plan's comment from other workspaces' comments.
    /// Defaults to the plan's workspace name.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,

    /// The pull-request number. Defaults to `pull_request.number` of the workflow's event.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub pr: Option<u64>,
}

#[derive(Debug, Args)]
pub struct GithubSummaryArgs {
    /// A plan saved with `plan --out`.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
}
