//! `liangxin serve`: the web platform. An empty database gets the demo city first.

use std::net::SocketAddr;
use std::path::PathBuf;

use liangxin_web::client::Cidr;

use liangxin_store::{KeySource, Store, Target};
use liangxin_web::{AppState, Config, DbPool};

use crate::CliError;
use crate::demo_cmd::{self, Options};

/// How to serve: where, with how many connections, and over what.
#[derive(Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub pool: usize,
    pub secure_cookies: bool,
    /// The PEM certificate chain and private key, for HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub trusted_proxies: Vec<Cidr>,
    /// A streaming replica for reads (`DATABASE_READ_URL`).
    pub replica: Option<Target>,
}

pub fn run(
    mut store: Store,
    target: &Target,
    key: &KeySource,
    anchor: liangxin_store::anchor::AnchorFile,
    options: ServeOptions,
) -> Result<(), CliError> {
    let ServeOptions {
        addr,
        pool,
        secure_cookies,
        tls,
        trusted_proxies,
        replica,
    } = options;
    // Read the certificate before anything else, so a wrong path fails at once.
    let tls = match &tls {
        Some((cert, key)) => Some(
            liangxin_web::server::tls_config(cert, key)
                .map_err(|e| CliError::Refused(e.to_string()))?,
        ),
        None => None,
    };
    if store.is_empty()? {
        say!("数据库为空，先生成演示城市…");
        demo_cmd::run(
            &mut store,
            target,
            Options {
                seed: liangxin_demo::DEFAULT_SEED,
                force: false,
                if_empty: true,
                as_of: crate::today(),
                organizations: 60_000,
            },
        )?;
    } else if store.is_demo()? {
        // Only the accounts that already exist are listed: serving never creates accounts
        // with a known password on a database that has real data, nor names a real city's
        // accounts beside the demo password.
        let demo: Vec<_> = store
            .users()?
            .into_iter()
            .filter(|u| {
                [
                    "city",
                    "longyou",
                    "hongmu",
                    "secretary",
                    "instructor",
                    "member",
                    "admin",
                    "secadmin",
                    "auditor",
                ]
                .contains(&u.username.as_str())
            })
            .filter_map(|u| {
                Some(liangxin_web::demo_accounts::DemoAccount {
                    role: u.role().ok()?,
                    who: u.display_name,
                    username: u.username,
                })
            })
            .collect();
        demo_cmd::print_accounts(&demo);
    }
    let demo = store.is_demo()?;
    drop(store);
    let pool = match &replica {
        Some(replica) => {
            let pool = DbPool::open(target, key, pool)?.with_replica(replica, pool)?;
            say!(
                "只读副本：{}（报表、列表和导出从副本读取）",
                replica.describe()
            );
            pool
        }
        None => DbPool::open(target, key, pool)?,
    };
    let state = AppState::new(
        pool,
        Config {
            secure_cookies,
            tls: tls.is_some(),
            trusted_proxies: trusted_proxies.clone(),
            anchor: Some(anchor),
            demo,
            ..Config::default()
        },
    );
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Refused(format!("无法监听 {addr}：{e}")))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        say!("两新党建平台已启动：{scheme}://{addr}/");
        if let Some(warning) =
            plain_http_warning(addr, secure_cookies, tls.is_some(), &trusted_proxies)
        {
            eprintln!("{warning}");
        }
        liangxin_web::serve(listener, state, tls).await?;
        Ok::<(), CliError>(())
    });
    // A request still running on the blocking pool after the grace does not keep the
    // process: it is the database's to roll back.
    runtime.shutdown_timeout(liangxin_web::server::GRACE);
    served
}

/// What an operator must hear when browsers elsewhere will reach this server over plain
/// HTTP: they drop `Secure` cookies there, so nobody could sign in.
fn plain_http_warning(
    addr: SocketAddr,
    secure_cookies: bool,
    tls: bool,
    trusted_proxies: &[Cidr],
) -> Option<String> {
    if tls || !secure_cookies || !trusted_proxies.is_empty() || addr.ip().is_loopback() {
        return None;
    }
    Some(format!(
        "注意：{addr} 以未加密的 HTTP 对外服务。浏览器不会在 HTTP 上保存登录所需的安全 Cookie，\
         其他电脑将无法登录。请用 --tls-cert 证书文件 --tls-key 私钥文件 提供 HTTPS，\
         或在 HTTPS 反向代理之后运行并用 --trusted-proxy 指明代理地址；\
         仅在内网测试时可加 --insecure-cookies。"
    ))
}
