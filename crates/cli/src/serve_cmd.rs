//! `liangxin serve`: the web platform. An empty database gets the demo city first.

use std::net::SocketAddr;

use liangxin_store::{KeySource, Store, Target};
use liangxin_web::{AppState, Config, DbPool};

use crate::CliError;
use crate::demo_cmd::{self, Options};

pub fn run(
    mut store: Store,
    target: &Target,
    key: &KeySource,
    addr: SocketAddr,
    pool: usize,
    secure: bool,
) -> Result<(), CliError> {
    if store.is_empty()? {
        println!("数据库为空，先生成演示城市…");
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
    } else {
        // Only the accounts that already exist are listed: serving never creates accounts
        // with a known password on a database that has real data.
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
    drop(store);
    let pool = DbPool::open(target, key, pool)?;
    let state = AppState::new(
        pool,
        Config {
            secure_cookies: secure,
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
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Refused(format!("无法监听 {addr}：{e}")))?;
        println!("两新党建平台已启动：http://{addr}/");
        liangxin_web::serve(listener, state).await?;
        Ok(())
    })
}
