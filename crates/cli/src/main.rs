//! `liangxin`: the command line of the two-new party-building platform.
//!
//! Exit codes: 0 done; 2 wrong arguments; 3 refused (bad database address, not a liangxin
//! database, data would be overwritten, bad key); 4 database unreachable; 1 anything else.

/// `println!` for the command's output: see [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say_line(format_args!($($arg)*))
    };
}

mod accounts_cmd;
mod audit_cmd;
mod ballot_cmd;
mod bulletin_cmd;
mod coverage_cmd;
mod demo_cmd;
mod import_cmd;
mod output;
mod report_cmd;
mod serve_cmd;
mod spot_check_cmd;
mod vanguard_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use liangxin_store::anchor::AnchorFile;
use liangxin_store::crypto::Suite;
use liangxin_store::{KeySource, Store, StoreError, Target};

#[derive(Debug, Parser)]
#[command(name = "liangxin", version, about = "两新组织党建工作信息平台")]
struct Cli {
    /// Database: a SQLite file path or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        hide_env_values = true,
        default_value = "./data/liangxin.db"
    )]
    db: String,
    /// Key file for resident-ID encryption, kept apart from the data (created for a new
    /// database only). Default: ./keys/liangxin.key. `LIANGXIN_KEY` (64 hex digits) takes
    /// precedence.
    #[arg(long, global = true, env = "LIANGXIN_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// Where the audit log's last checkpoint is kept. Default: beside the key file
    /// (liangxin.anchor), or ./keys/liangxin.anchor with `LIANGXIN_KEY`.
    #[arg(long, global = true, env = "LIANGXIN_ANCHOR_FILE")]
    anchor_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the demo city (Quzhou's six counties, the seven named places) into the database.
    Demo {
        /// Seed of the generator: the same seed and date give the same city.
        #[arg(long, default_value_t = liangxin_demo::DEFAULT_SEED)]
        seed: u64,
        /// Replace an existing database's data.
        #[arg(long, conflicts_with = "if_empty")]
        force: bool,
        /// Do nothing (and succeed) when the database already holds data.
        #[arg(long)]
        if_empty: bool,
        /// The reference date terms and join dates are generated around (default today);
        /// the same seed and date give the same city.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Number of two-new organizations (the members and party organizations follow):
        /// 60,000 for the city, 600,000 for a province.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
        organizations: Option<u32>,
        /// Build a province instead (its GB/T 2260 code: 330000, Zhejiang's eleven cities),
        /// city after city, with a year of meetings and dues, on PostgreSQL or SQLite.
        #[arg(long, value_parser = clap::value_parser!(i32).range(110000..=820000))]
        province: Option<i32>,
        /// With --province: generate only these cities (codes, e.g. 330800), each as it is
        /// in the whole province.
        #[arg(long, requires = "province", value_delimiter = ',')]
        cities: Vec<i32>,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// 建库: found a city on an empty database (its county-level divisions from GB/T 2260,
    /// the city's 两新工委 and one per county), with its first system administrator, whose
    /// one-time password is printed once.
    Init {
        /// The city's GB/T 2260 code (地级市, e.g. 330800).
        #[arg(long)]
        city: String,
        /// The city's name, when the shipped region list does not have it (or has an old one).
        #[arg(long)]
        city_name: Option<String>,
        /// The city's county-level divisions (a line each: code,name), instead of the
        /// shipped list, for divisions newer than it.
        #[arg(long)]
        counties: Option<PathBuf>,
        /// The first system administrator's login name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The algorithms for resident IDs, their lookup hash and the audit chain: `aes`
        /// (AES-256-GCM, HMAC-SHA-256) or `sm` (国密 SM4-GCM, HMAC-SM3, GB/T 39786). Fixed
        /// for the database from then on.
        #[arg(long, default_value = "aes")]
        crypto: String,
    },
    /// 备份: a consistent copy of the whole database while the server runs (SQLite's own
    /// VACUUM INTO; pg_dump on PostgreSQL), after a checkpoint of the audit log. The key
    /// is not in it: keep the key file apart.
    Backup {
        /// The backup file to write (it must not exist).
        file: PathBuf,
    },
    /// 恢复: a backup into an empty place (a new SQLite file, or a PostgreSQL database
    /// without tables), then the audit log is verified against the checkpoint file.
    Restore {
        /// The backup file made by `liangxin backup`.
        file: PathBuf,
    },
    /// 账号管理 from the console: list, create, disable, enable, reset.
    Accounts {
        #[command(subcommand)]
        what: AccountsCommand,
    },
    /// Coverage rates and the gap list (覆盖检修) with the action the rules demand.
    Coverage {
        #[arg(long, value_enum, default_value_t = By::County)]
        by: By,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Limit to one county (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// The day judged (default today), YYYY-MM-DD: the rules in force then and the records
        /// as they stood then (units, members, coverage links and instructors dated after it
        /// do not count).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Instead of the tallies, every unit with its state and required actions.
        #[arg(long)]
        list: bool,
        /// With --list: organization (组织覆盖), work (工作覆盖, organizational coverage
        /// included), work_only, gap (空白).
        #[arg(long, requires = "list")]
        state: Option<String>,
        /// With --list: any (需要行动), or one action's code (set_up_own_branch, …).
        #[arg(long, requires = "list")]
        action: Option<String>,
    },
    /// Serve the web platform; an empty database gets the demo city and demo accounts first.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Database connections of this instance.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
        pool: u32,
        /// Send cookies without `Secure` (only behind a TLS-terminating proxy that strips it, or for plain-HTTP testing on another host).
        #[arg(long)]
        insecure_cookies: bool,
        /// Serve HTTPS with this PEM certificate chain (with --tls-key); HSTS is then sent.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// A proxy or load balancer in front (CIDR, e.g. 10.0.0.0/8; repeatable): its
        /// X-Forwarded-For names the client the sign-in limits count, and its
        /// X-Forwarded-Proto says whether the client used HTTPS.
        #[arg(long)]
        trusted_proxy: Vec<liangxin_web::client::Cidr>,
        /// A PostgreSQL streaming replica of --db (a postgres:// URL): reports, lists and
        /// exports read from it, except a user's reads until it has replayed their last
        /// write; when it is down, the primary serves them.
        #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
        read_db: Option<String>,
    },
    /// 组织关系排查: run the audit over the city or a county and keep its findings.
    Audit {
        /// Limit to one county (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Limit to one party organization's subtree, as county-id (e.g. 330825-12): the
        /// run a zone's 党工委 or a branch secretary starts.
        #[arg(long, conflicts_with_all = ["county", "list"])]
        party_org: Option<String>,
        /// The date the records are judged on (default today), YYYY-MM-DD, with only what is
        /// dated on or before it. A past day is a preview: its findings are counted and not
        /// kept, unless --keep.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Keep the findings of a past day's run (they become the kept findings' history).
        #[arg(long)]
        keep: bool,
        /// Instead of running it, time its computation this many times against the raw SQL
        /// of its member checks (nothing is kept).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        bench: Option<u32>,
        /// Instead of running it, list the kept findings of the last runs.
        #[arg(long, conflicts_with_all = ["as_of", "keep", "bench"])]
        list: bool,
        /// With --list: one kind of finding (its code, e.g. no_organizational_life).
        #[arg(long, requires = "list")]
        kind: Option<String>,
        /// With --list: open (未销号, the default), closed (已销号) or all.
        #[arg(long, requires = "list", default_value = "open")]
        state: String,
        /// With --list: table, json or csv.
        #[arg(long, value_enum, default_value_t = Format::Table, requires = "list")]
        format: Format,
    },
    /// Verify the audit log (审计日志): its chain from the first row, and its end against
    /// the last checkpoint; then write a new checkpoint, in the log and beside the key.
    VerifyLog,
    /// Replace the master key: every resident ID is sealed again with a new key, which the
    /// key file then holds first; the old keys stay below it to verify the audit-log rows
    /// they chained. Stop the server first.
    RotateKey,
    /// Personal API tokens of an account: create (printed once; only its hash is kept),
    /// list, revoke.
    Tokens {
        #[command(subcommand)]
        what: TokensCommand,
    },
    /// Import a spreadsheet: preview it, commit it, list or undo imports.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// 民主评议 ballots: recount a round's published bulletin (唱票结果公告) without the
    /// platform or its database.
    Ballot {
        #[command(subcommand)]
        what: BallotCommand,
    },
    /// 党员先锋指数 of a scope's members by band (no names, no ranking), computed from the
    /// records; or, with --bench, its computation timed against the raw SQL of its facts.
    Vanguard {
        /// Limit to one county (its code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Limit to one party organization's subtree, as county-id (e.g. 330825-12).
        #[arg(long, conflicts_with = "county")]
        party_org: Option<String>,
        /// The year (default the year of --as-of).
        #[arg(long)]
        year: Option<i32>,
        /// The day the year is counted up to (default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Time the computation this many times against the raw SQL of its facts.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        bench: Option<u32>,
    },
    /// 党内统计: a table computed from the records (member-change 党员数量变化情况,
    /// member-basics 党员基本情况, joined-periods 党员入党时间情况, probation 预备党员转正情况,
    /// party-orgs 基层党组织数量和换届情况, or all) for the city, one county or one party
    /// organization's subtree on a day.
    Report {
        /// member-change | member-basics | joined-periods | probation | party-orgs | all
        table: String,
        /// 统计截止日期 (default today), YYYY-MM-DD.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Limit to one county (its code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Limit to one party organization's subtree, as county-id (e.g. 330825-12).
        #[arg(long, conflicts_with = "county")]
        party_org: Option<String>,
        #[arg(long, value_enum, default_value_t = report_cmd::ReportFormat::Json)]
        format: report_cmd::ReportFormat,
        /// The file to write (needed for xlsx; JSON goes to standard output without it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 定期通报: the month's or the quarter's bulletin of the city or one county as a
    /// GB/T 9704-2012 .docx, computed from the records, with its tables as an .xlsx annex.
    Bulletin {
        /// The month (2026-11) or the quarter (2026-Q4).
        #[arg(long)]
        period: String,
        /// The bulletin of one county (its code, e.g. 330825) instead of the city's.
        #[arg(long)]
        county: Option<String>,
        /// The .docx to write.
        #[arg(long)]
        out: PathBuf,
        /// The .xlsx annex to write beside it.
        #[arg(long)]
        annex: Option<PathBuf>,
    },
    /// 随机抽查: draws (or redraws) a stratified random sample of party organizations or
    /// units from a published seed and the register of a day, as a round's page draws it.
    SpotCheck {
        /// The published seed: a whole number of at most 18 digits.
        #[arg(long)]
        seed: String,
        /// How many to draw.
        #[arg(long)]
        size: u32,
        /// Strata: county (县市区), zone (园区小镇) or kind (组织类别 / 党组织类型).
        #[arg(long, value_parser = ["county", "zone", "kind"], default_value = "county")]
        by: String,
        /// What to draw: party-orgs (党组织, not 党小组) or units (两新组织).
        #[arg(long, value_parser = ["party-orgs", "units"], default_value = "party-orgs")]
        of: String,
        /// 名录日期: the register of this day (default today), YYYY-MM-DD.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// The committee of one county (its code, e.g. 330825); default the city.
        #[arg(long)]
        county: Option<String>,
        /// The committee at one party organization, as county-id (e.g. 330825-12).
        #[arg(long, conflicts_with = "county")]
        party_org: Option<String>,
        /// The 党工委 of one park or town, by the zone's code.
        #[arg(long, conflicts_with_all = ["county", "party_org"])]
        zone: Option<String>,
        #[arg(long, value_enum, default_value_t = spot_check_cmd::SpotFormat::Text)]
        format: spot_check_cmd::SpotFormat,
        /// With --format json: the whole frame too, so the draw can be checked by hand.
        #[arg(long)]
        frame: bool,
    },
    /// Time the coverage report against the raw-SQL baseline on the same data.
    Bench {
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=1000))]
        runs: u32,
        /// Limit to one county or city (its code, e.g. 330825 or 330800).
        #[arg(long)]
        county: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum BallotCommand {
    /// Recount a bulletin: the trackers in order, every ballot well formed, no more ballots
    /// than credentials, the totals as stated; prints the totals and the bulletin's hash.
    Verify {
        /// The bulletin as published (a .txt from the round's page).
        file: PathBuf,
        /// The previous round's bulletin: also check that this one is chained to it.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum AccountsCommand {
    /// Every account, with its role, node and state.
    List,
    /// A new account with a one-time password (printed once, changed at first sign-in).
    Create {
        username: String,
        /// city, county, zone, secretary, instructor, member or sysadmin (or the Chinese label).
        #[arg(long)]
        role: String,
        /// The node: a party organization's 组织编号 (330825-17) or full name; for a member
        /// or an instructor, its 编号.
        #[arg(long)]
        node: String,
        /// The holder's name, or the office's.
        #[arg(long)]
        display_name: String,
    },
    /// Disable an account: its sessions and tokens end at once.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// A new one-time password (printed once, changed at the next sign-in).
    Reset { username: String },
    /// A secretary account for every 党委, 党总支, 党支部 and 联合党支部 (below --under) that
    /// has none, in one transaction; login names and one-time passwords go to an .xlsx to
    /// hand out (keep it safe: it is the only copy).
    Secretaries {
        /// The workbook to write (it must not exist).
        #[arg(long)]
        xlsx: PathBuf,
        /// Only below this party organization (组织编号 or full name).
        #[arg(long)]
        under: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum TokensCommand {
    /// A new token, printed once.
    Create {
        /// The account's login name.
        #[arg(long)]
        user: String,
        /// What the token is for, as the account's token list names it.
        #[arg(long, default_value = "命令行生成")]
        name: String,
        /// Days it is valid (at most a year).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
        /// It reads what the account reads and writes nothing.
        #[arg(long)]
        read_only: bool,
    },
    /// The account's tokens, newest first, each by the first characters of its hash.
    List {
        #[arg(long)]
        user: String,
    },
    /// Revokes one token, named by the start of its hash as `list` shows it.
    Revoke {
        #[arg(long)]
        user: String,
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A member sheet (CSV in UTF-8 or GBK): preview, and with --commit import it.
    Members {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// An organization sheet (两新组织名录), matched by credit code: preview, and with
    /// --commit import it.
    Organizations {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// A party-organization sheet (党组织名册), matched by 组织编号 or by name under its
    /// parent: preview, and with --commit import it.
    PartyOrgs {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// An instructor sheet (党建指导员选派表): units by credit code, instructors by name
    /// in the unit's county; preview, and with --commit import it.
    Assignments {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// A dues ledger kept before the platform (党费缴纳记录): members by resident ID, a
    /// line per member and month; preview, and with --commit import it.
    Payments {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// Meetings held before the platform (组织生活出席记录): a row per member and meeting,
    /// every member expected that day; preview, and with --commit import it.
    Meetings {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// A zone sheet (园区小镇名录): parks and towns by name within their county, before
    /// the units and party organizations that lie in them; preview, and with --commit
    /// import it.
    Zones {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// A committee sheet (委员会成员名单): a term of a post per row, members by resident
    /// ID; preview, and with --commit import it.
    Posts {
        file: PathBuf,
        /// Import within one county only (GB/T 2260 code, e.g. 330825).
        #[arg(long)]
        county: Option<String>,
        /// Write it (one transaction) when the preview has no error.
        #[arg(long)]
        commit: bool,
    },
    /// The imports made, newest first.
    List,
    /// Take an import back as a whole (while nothing depends on its rows).
    Undo { id: i64 },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    County,
    Zone,
    Sector,
    Kind,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// What went wrong, and the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Rules(#[from] liangxin_domain::rules::RuleError),
    #[error("输出失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Web(String),
    /// The audit log was found cut short or changed.
    #[error("审计日志校验失败：{0}")]
    Tampered(String),
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Store(StoreError::Connect(_)) => 4,
            CliError::Store(
                StoreError::BadTarget(_)
                | StoreError::NotADatabase { .. }
                | StoreError::NotLiangxin(_)
                | StoreError::Key(_)
                | StoreError::Invalid { .. }
                | StoreError::Limit { .. },
            )
            | CliError::Refused(_)
            | CliError::Rules(_) => 3,
            CliError::Store(_) | CliError::Io(_) | CliError::Web(_) => 1,
            CliError::Tampered(_) => 5,
        }
    }
}

pub use liangxin_web::today;

/// The key's default place: apart from the data, so a copy of `./data/` holds no key.
const DEFAULT_KEY_FILE: &str = "./keys/liangxin.key";

fn key_source(target: &Target, key_file: Option<PathBuf>) -> KeySource {
    if let Ok(hex) = std::env::var("LIANGXIN_KEY")
        && !hex.trim().is_empty()
    {
        return KeySource::Hex(hex);
    }
    if let Some(path) = key_file {
        return KeySource::File(path);
    }
    let default = PathBuf::from(DEFAULT_KEY_FILE);
    // A database set up before the key moved keeps its key beside it until the operator
    // moves it (the warning below says how).
    let old = match target {
        Target::Sqlite(path) => path
            .parent()
            .map(|d| d.join("liangxin.key"))
            .unwrap_or_else(|| "liangxin.key".into()),
        Target::Postgres(_) => PathBuf::from("./data/liangxin.key"),
    };
    if !default.exists() && old.exists() {
        return KeySource::File(old);
    }
    KeySource::File(default)
}

fn anchor_file(key: &KeySource, anchor: Option<PathBuf>) -> AnchorFile {
    match (anchor, key) {
        (Some(path), _) => AnchorFile(path),
        (None, KeySource::File(path)) => AnchorFile::beside(path),
        (None, KeySource::Hex(_)) => AnchorFile::beside(Path::new(DEFAULT_KEY_FILE)),
    }
}

/// Whether the key file lies in the SQLite file's directory: whoever copies that directory
/// (a backup, a colleague's USB stick) then holds both the ciphertext and its key.
fn key_beside_data(target: &Target, key: &KeySource) -> Option<String> {
    let (Target::Sqlite(db), KeySource::File(key)) = (target, key) else {
        return None;
    };
    let dir = |p: &Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
    };
    (dir(db)? == dir(key)?).then(|| {
        format!(
            "警告：密钥文件 {} 与数据库在同一目录，复制这个目录就同时拿走了密文和密钥。\
             请把密钥移到别处（默认 {DEFAULT_KEY_FILE}，或用 --key-file 指定），不要随数据备份",
            key.display()
        )
    })
}

fn run(cli: Cli) -> Result<(), CliError> {
    // Anyone recounts a bulletin: no database, no key.
    if let Command::Ballot {
        what: BallotCommand::Verify { file, previous },
    } = &cli.command
    {
        return ballot_cmd::verify(file, previous.as_deref());
    }
    let target = Target::parse(&cli.db)?;
    let key = key_source(&target, cli.key_file);
    let anchor = anchor_file(&key, cli.anchor_file);
    if let Command::Restore { file } = &cli.command {
        // Before anything opens the target: it must still be empty when the backup lands.
        let mut store = liangxin_store::backup::restore(&target, &key, file)?;
        return restored(&mut store, &target, &anchor, file);
    }
    // A new database takes its algorithms from `init`; any other keeps its own.
    let suite = match &cli.command {
        Command::Init { crypto, .. } => Suite::parse(crypto).ok_or_else(|| {
            CliError::Refused(format!("--crypto：应为 aes 或 sm（国密），不是“{crypto}”"))
        })?,
        _ => Suite::default(),
    };
    let mut store = Store::open_with(&target, &key, suite)?;
    if let Some(warning) = key_beside_data(&target, &key) {
        eprintln!("{warning}");
    }
    if let Command::Serve {
        addr,
        pool,
        insecure_cookies,
        tls_cert,
        tls_key,
        trusted_proxy,
        read_db,
    } = cli.command
    {
        let options = serve_cmd::ServeOptions {
            addr,
            pool: pool as usize,
            secure_cookies: !insecure_cookies,
            tls: tls_cert.zip(tls_key),
            trusted_proxies: trusted_proxy,
            replica: read_db.as_deref().map(Target::parse).transpose()?,
        };
        return serve_cmd::run(store, &target, &key, anchor, options);
    }
    match cli.command {
        Command::Migrate => {
            if store.applied_migrations.is_empty() {
                say!("数据库 {} 已是最新结构", target.describe());
            } else {
                say!(
                    "数据库 {} 已迁移：{}",
                    target.describe(),
                    store.applied_migrations.join(", ")
                );
            }
            Ok(())
        }
        Command::Demo {
            seed,
            force,
            if_empty,
            as_of,
            organizations,
            province,
            cities,
        } => {
            let opts = demo_cmd::Options {
                seed,
                force,
                if_empty,
                as_of: as_of.unwrap_or_else(today),
                organizations: organizations
                    .map_or(if province.is_some() { 600_000 } else { 60_000 }, |n| {
                        n as usize
                    }),
            };
            match province {
                Some(code) => demo_cmd::province(&mut store, &target, opts, code, &cities),
                None => demo_cmd::run(&mut store, &target, opts),
            }
        }
        Command::Coverage {
            by,
            format,
            county,
            as_of,
            list,
            state,
            action,
        } => {
            let day = as_of.unwrap_or_else(today);
            if day > today() {
                return Err(CliError::Refused(format!(
                    "--as-of {day} 晚于今天：覆盖情况只按已经过去的日子计算"
                )));
            }
            let today = day;
            if list {
                coverage_cmd::list(
                    &mut store,
                    format,
                    county.as_deref(),
                    today,
                    state.as_deref(),
                    action.as_deref(),
                )
            } else {
                coverage_cmd::run(&mut store, by, format, county.as_deref(), today)
            }
        }
        Command::Bench { runs, county } => coverage_cmd::bench(&mut store, runs, county.as_deref()),
        Command::Vanguard {
            county,
            party_org,
            year,
            as_of,
            bench,
        } => {
            let day = as_of.unwrap_or_else(today);
            if day > today() {
                return Err(CliError::Refused(format!(
                    "--as-of {day} 晚于今天：先锋指数只计已经过去的日子"
                )));
            }
            vanguard_cmd::run(
                &mut store,
                county.as_deref(),
                party_org.as_deref(),
                year,
                day,
                bench,
            )
        }
        Command::Report {
            table,
            as_of,
            county,
            party_org,
            format,
            out,
        } => {
            let day = as_of.unwrap_or_else(today);
            if day > today() {
                return Err(CliError::Refused(format!(
                    "--as-of {day} 晚于今天：统计只按已经过去的日子计算"
                )));
            }
            report_cmd::run(
                &mut store,
                &table,
                (county.as_deref(), party_org.as_deref()),
                day,
                format,
                out.as_deref(),
            )
        }
        Command::Bulletin {
            period,
            county,
            out,
            annex,
        } => bulletin_cmd::run(
            &mut store,
            &period,
            county.as_deref(),
            today(),
            &out,
            annex.as_deref(),
        ),
        Command::SpotCheck {
            seed,
            size,
            by,
            of,
            as_of,
            county,
            party_org,
            zone,
            format,
            frame,
        } => {
            let day = as_of.unwrap_or_else(today);
            if day > today() {
                return Err(CliError::Refused(format!(
                    "--as-of {day} 晚于今天：名录只能取已经过去的日子"
                )));
            }
            let known = |e: liangxin_domain::kinds::UnknownValue| CliError::Refused(e.to_string());
            spot_check_cmd::run(
                &mut store,
                &spot_check_cmd::Request {
                    seed: &seed,
                    size,
                    of: liangxin_domain::kinds::SpotCheckOf::parse(&of.replace('-', "_"))
                        .map_err(known)?,
                    by: liangxin_domain::kinds::SpotCheckStrata::parse(&by).map_err(known)?,
                    as_of: day,
                    within: (county.as_deref(), party_org.as_deref(), zone.as_deref()),
                    format,
                    with_frame: frame,
                },
            )
        }
        // Returned above, before the database is opened.
        Command::Ballot {
            what: BallotCommand::Verify { file, previous },
        } => ballot_cmd::verify(&file, previous.as_deref()),
        Command::Audit {
            county,
            party_org,
            as_of,
            keep,
            bench,
            list,
            kind,
            state,
            format,
        } => {
            if list {
                return audit_cmd::list(
                    &mut store,
                    county.as_deref(),
                    kind.as_deref(),
                    &state,
                    format,
                );
            }
            let day = as_of.unwrap_or_else(today);
            if day > today() {
                return Err(CliError::Refused(format!(
                    "--as-of {day} 晚于今天：排查只判断已经过去的日子"
                )));
            }
            let keep = keep || day == today();
            audit_cmd::run(
                &mut store,
                county.as_deref(),
                party_org.as_deref(),
                day,
                keep,
                bench,
            )
        }
        Command::Import { what } => match what {
            ImportCommand::Members {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Members,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Organizations {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Organizations,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::PartyOrgs {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::PartyOrgs,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Assignments {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Assignments,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Payments {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Payments,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Meetings {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Meetings,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Zones {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Zones,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::Posts {
                file,
                county,
                commit,
            } => import_cmd::run(
                &mut store,
                import_cmd::Kind::Posts,
                &file,
                county.as_deref(),
                commit,
                today(),
            ),
            ImportCommand::List => import_cmd::list(&mut store),
            ImportCommand::Undo { id } => import_cmd::undo(&mut store, id),
        },
        Command::Tokens { what } => tokens(&mut store, what),
        Command::Init {
            city,
            city_name,
            counties,
            admin,
            crypto: _,
        } => accounts_cmd::init(
            &mut store,
            &target,
            accounts_cmd::InitOptions {
                city,
                city_name,
                counties,
                admin,
                suite,
            },
        ),
        Command::Accounts { what } => match what {
            AccountsCommand::List => accounts_cmd::list(&mut store),
            AccountsCommand::Create {
                username,
                role,
                node,
                display_name,
            } => accounts_cmd::create(&mut store, &username, &role, &node, &display_name),
            AccountsCommand::Disable { username } => {
                accounts_cmd::set_disabled(&mut store, &username, true)
            }
            AccountsCommand::Enable { username } => {
                accounts_cmd::set_disabled(&mut store, &username, false)
            }
            AccountsCommand::Reset { username } => accounts_cmd::reset(&mut store, &username),
            AccountsCommand::Secretaries { xlsx, under } => {
                accounts_cmd::secretaries(&mut store, &xlsx, under.as_deref())
            }
        },
        Command::Backup { file } => {
            // The backup holds the checkpoint, so its log can be verified once restored.
            let checkpoint = store.checkpoint_audit_log("cli", "backup")?;
            anchor.write(&checkpoint)?;
            store.backup(&target, &file)?;
            say!(
                "已备份 {} 到 {}（审计日志至第{}条）；备份中没有密钥：恢复时需要密钥文件，请另行保管",
                target.describe(),
                file.display(),
                checkpoint.head
            );
            Ok(())
        }
        Command::Restore { .. } => Ok(()),
        Command::VerifyLog => verify_log(&mut store, &anchor),
        Command::RotateKey => rotate_key(&mut store, &key),
        Command::Serve { .. } => Ok(()),
    }
}

/// `liangxin rotate-key`. The new key is in the key file before anything is sealed with
/// it, and the database names the key it uses, so a crash at any step leaves a database
/// whose key the file holds.
fn rotate_key(store: &mut Store, key: &KeySource) -> Result<(), CliError> {
    let KeySource::File(path) = key else {
        return Err(CliError::Refused(
            "用 LIANGXIN_KEY 提供密钥时不能在此更换密钥：请改用密钥文件（--key-file）".into(),
        ));
    };
    let new = liangxin_store::crypto::random_bytes::<32>()?;
    let mut ring = store.key_ring();
    ring.push(new);
    liangxin_store::crypto::write_key_file(path, &ring)?;
    let sealed = store.rotate_key("cli", &new)?;
    liangxin_store::crypto::write_key_file(path, &store.key_ring())?;
    say!(
        "已更换密钥：{sealed}个身份证号已用新密钥重新加密；密钥文件 {} 第一行是新密钥，\
         其下的旧密钥用于核验更换前的审计日志，请一并保管",
        path.display()
    );
    Ok(())
}

/// After `liangxin restore`: what came back, and whether its log verifies. A backup
/// older than the last checkpoint ends before it: said, not failed (that is what restoring
/// an older backup means); any other fault fails.
fn restored(
    store: &mut Store,
    target: &Target,
    anchor: &AnchorFile,
    file: &Path,
) -> Result<(), CliError> {
    let counts = store.registry_counts()?;
    say!(
        "已从 {} 恢复到 {}：两新组织{}个、党组织{}个、党员{}名",
        file.display(),
        target.describe(),
        counts.organizations,
        counts.party_orgs,
        counts.members
    );
    let last = anchor.read()?;
    let check = store.verify_audit_log(last.as_ref())?;
    match check.fault {
        None => say!("审计日志完整：共{}条", check.rows),
        Some(liangxin_store::anchor::LogFault::Truncated { head, anchored }) => say!(
            "审计日志的链完整，止于第{}条；检查点文件记到第{anchored}条：这份备份早于最近的检查点，其后的记录不在其中",
            head.unwrap_or(0)
        ),
        Some(fault) => return Err(CliError::Tampered(fault.to_string())),
    }
    Ok(())
}

/// `liangxin tokens create|list|revoke --user NAME`.
fn tokens(store: &mut Store, what: TokensCommand) -> Result<(), CliError> {
    let account = |store: &mut Store, username: &str| {
        store
            .user_by_username(username)?
            .ok_or_else(|| CliError::Refused(format!("没有账号“{username}”")))
    };
    match what {
        TokensCommand::Create {
            user: username,
            name,
            days,
            read_only,
        } => {
            let user = account(store, &username)?;
            let token = liangxin_web::auth::random_token().map_err(|e| CliError::Web(e.message))?;
            let now = chrono::Utc::now().naive_utc();
            store.create_api_token(&liangxin_store::accounts::NewToken {
                actor: "cli",
                hash: &liangxin_web::auth::token_hash(&token),
                user_id: user.id,
                name: &name,
                now,
                expires_at: Some(now + chrono::Duration::days(days)),
                read_only,
            })?;
            say!("{token}");
            eprintln!(
                "已为 {username} 生成{}API 令牌，{days}天内有效（只显示这一次；以 Authorization: Bearer 令牌 使用，修改密码或账号停用后失效）",
                if read_only { "只读" } else { "读写" }
            );
            Ok(())
        }
        TokensCommand::List { user } => {
            let user = account(store, &user)?;
            let now = chrono::Utc::now().naive_utc();
            say!("编号\t用途\t权限\t生成时间\t有效期至\t状态");
            for t in store.api_tokens_of(user.id)? {
                let state = match (t.revoked, t.expires_at) {
                    (true, _) => "已撤销",
                    (false, Some(e)) if e <= now => "已过期",
                    _ => "有效",
                };
                say!(
                    "{}\t{}\t{}\t{}\t{}\t{state}",
                    &t.token_hash[..12.min(t.token_hash.len())],
                    t.name,
                    if t.read_only { "只读" } else { "读写" },
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    t.expires_at
                        .map(|e| e.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        TokensCommand::Revoke { user, id } => {
            let user = account(store, &user)?;
            let id = id.trim().to_ascii_lowercase();
            let matching: Vec<String> = store
                .api_tokens_of(user.id)?
                .into_iter()
                .filter(|t| id.len() >= 6 && t.token_hash.starts_with(&id))
                .map(|t| t.token_hash)
                .collect();
            match matching.as_slice() {
                [hash] if store.revoke_api_token("cli", user.id, hash)? => {
                    say!("已撤销令牌 {id}");
                    Ok(())
                }
                [_] => Err(CliError::Refused(format!("令牌 {id} 已撤销"))),
                [] => Err(CliError::Refused(format!(
                    "没有编号以“{id}”开头的令牌（至少写6位，见 tokens list）"
                ))),
                _ => Err(CliError::Refused(format!(
                    "编号“{id}”对应多个令牌，请多写几位"
                ))),
            }
        }
    }
}

/// `liangxin verify-log`.
fn verify_log(store: &mut Store, anchor: &AnchorFile) -> Result<(), CliError> {
    let last = anchor.read()?;
    say!("密码算法：{}", store.cipher().suite().label());
    let check = store.verify_audit_log(last.as_ref())?;
    if let Some(fault) = check.fault {
        return Err(CliError::Tampered(fault.to_string()));
    }
    match &last {
        Some(c) => say!(
            "审计日志完整：共{}条，链从第一条起完整，并包含上次检查点（{}，第{}条）",
            check.rows,
            c.at.format("%Y-%m-%d %H:%M:%S"),
            c.head
        ),
        None => say!(
            "审计日志完整：共{}条，链从第一条起完整（检查点文件 {} 尚无记录）",
            check.rows,
            anchor.0.display()
        ),
    }
    let checkpoint = store.checkpoint_audit_log("cli", "verify-log")?;
    anchor.write(&checkpoint)?;
    say!(
        "已写入检查点：第{}条，记在日志中和 {}",
        checkpoint.head,
        anchor.0.display()
    );
    Ok(())
}

/// Writes a line of output. When the reader has gone (`liangxin … | head`), the command
/// ends quietly, as a Unix tool does; `println!` would panic there.
pub fn say_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{args}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): not an error of ours.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            if let CliError::Store(StoreError::Query(source)) = &e {
                eprintln!("（详细信息：{source:?}）");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
