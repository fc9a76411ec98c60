//! `liangxin init` (建库: a city from nothing, with its first system administrator) and
//! `liangxin accounts` (账号管理 from the console, as the operator).

use std::path::Path;

use liangxin_domain::account::Username;
use liangxin_domain::founding::{Division, found_city};
use liangxin_domain::kinds::Role;
use liangxin_domain::region::RegionCode;
use liangxin_store::administration::{AccountRequest, FirstAdmin};
use liangxin_store::{Scope, Store, Target};
use liangxin_web::pages::accounts::{secretary_requests, secretary_row, secretary_sheet};

use crate::CliError;

/// The GB/T 2260 revision shipped with the program (the `gb2260` crate's newest).
const REVISION: &str = "201607";

fn web(e: liangxin_web::error::WebError) -> CliError {
    CliError::Web(e.message)
}

/// The city and its county-level divisions from the shipped GB/T 2260 list.
fn shipped(city: &RegionCode) -> Result<(Division, Vec<Division>), CliError> {
    let found = gb2260::Division::get_by_revision(city.as_str(), REVISION).ok_or_else(|| {
        CliError::Refused(format!(
            "随程序提供的行政区划代码（GB/T 2260，{REVISION} 版）中没有 {city}；\
             新设的市请用 --city-name 给出名称，并用 --counties 给出县级区划清单"
        ))
    })?;
    let prefix = &city.as_str()[..4];
    let counties = (1..=99)
        .filter_map(|n| {
            let code = format!("{prefix}{n:02}");
            let d = gb2260::Division::get_by_revision(&code, REVISION)?;
            // 市辖区 is a placeholder of the standard, not a place.
            (d.name != "市辖区").then(|| {
                RegionCode::parse(&code).map(|code| Division {
                    code,
                    name: d.name.to_owned(),
                })
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::Refused(e.to_string()))?;
    Ok((
        Division {
            code: city.clone(),
            name: found.name.to_owned(),
        },
        counties,
    ))
}

/// A list of county-level divisions kept by the city (a line each: code, name; a header
/// line and blank lines are skipped), for divisions newer than the shipped list.
fn read_counties(path: &Path) -> Result<Vec<Division>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Refused(format!(
            "读不了区划清单 {}：{e}（须为 UTF-8 文本）",
            path.display()
        ))
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(2, [',', '，', '\t', ' ']);
        let code = parts.next().unwrap_or_default().trim();
        let name = parts.next().unwrap_or_default().trim();
        match RegionCode::parse(code) {
            Ok(code) if !name.is_empty() => out.push(Division {
                code,
                name: name.to_owned(),
            }),
            // The first line may be a header (代码,名称).
            Err(_) if i == 0 => {}
            Ok(_) => {
                return Err(CliError::Refused(format!(
                    "区划清单第{}行：缺少名称（每行写“代码,名称”）",
                    i + 1
                )));
            }
            Err(e) => {
                return Err(CliError::Refused(format!(
                    "区划清单第{}行：行政区划代码{e}",
                    i + 1
                )));
            }
        }
    }
    Ok(out)
}

/// What `liangxin init` was asked for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub city: String,
    pub city_name: Option<String>,
    pub counties: Option<std::path::PathBuf>,
    pub admin: String,
    /// The algorithms asked for: a database opened before keeps the ones it has.
    pub suite: liangxin_store::crypto::Suite,
}

/// `liangxin init --city 330800`.
pub fn init(store: &mut Store, target: &Target, opts: InitOptions) -> Result<(), CliError> {
    let code = RegionCode::parse(&opts.city)
        .map_err(|e| CliError::Refused(format!("--city：行政区划代码{e}")))?;
    let admin = Username::parse(&opts.admin)
        .map_err(|e| CliError::Refused(format!("--admin：用户名{e}")))?;
    let (city, counties, source) = match (&opts.counties, &opts.city_name) {
        (Some(path), Some(name)) => (
            Division {
                code: code.clone(),
                name: name.trim().to_owned(),
            },
            read_counties(path)?,
            format!("区划清单 {}", path.display()),
        ),
        (Some(path), None) => {
            let (city, _) = shipped(&code)?;
            (
                city,
                read_counties(path)?,
                format!("区划清单 {}", path.display()),
            )
        }
        (None, _) => {
            let (mut city, counties) = shipped(&code)?;
            if let Some(name) = &opts.city_name {
                city.name = name.trim().to_owned();
            }
            (
                city,
                counties,
                format!("随程序提供的 GB/T 2260 行政区划代码（{REVISION} 版）"),
            )
        }
    };
    let founding = found_city(&city, &counties).map_err(|e| CliError::Refused(e.to_string()))?;
    let suite = store.cipher().suite();
    if suite != opts.suite {
        return Err(CliError::Refused(format!(
            "--crypto：这个数据库第一次打开时已按“{}”建立密钥，不能改为“{}”；请对一个新的空数据库运行 init",
            suite.label(),
            opts.suite.label()
        )));
    }
    let password = liangxin_web::auth::one_time_password().map_err(web)?;
    let hash = liangxin_web::auth::hash_password(&password).map_err(web)?;
    store.found_city(
        &founding,
        &FirstAdmin {
            username: admin.as_str(),
            display_name: &format!("{}系统管理员", city.name),
            password_hash: &hash,
        },
        chrono::Utc::now().naive_utc(),
    )?;
    say!(
        "已建库：{}（{}），县级区划 {} 个，取自{source}：",
        city.name,
        city.code,
        counties.len()
    );
    for c in founding.committees.iter() {
        say!("  {}-{}  {}", c.key.county, c.key.id, c.name);
    }
    say!("数据库：{}", target.describe());
    say!("密码算法：{}", suite.label());
    say!("系统管理员：{}", admin.as_str());
    say!("一次性密码：{password}");
    eprintln!(
        "一次性密码只显示这一次，首次登录后须修改。下一步：依次导入两新组织、党组织、党员（见 README 的“上线步骤”）；\
         系统管理员登录后在“账号管理”为各县和各支部开通账号。"
    );
    Ok(())
}

/// The console's administrative scope: the whole tree, over the region of the first
/// root committee (the founded city).
fn operator_scope(store: &mut Store) -> Result<Scope, CliError> {
    let roots = store.root_party_orgs()?;
    let Some((root, _, _)) = roots.first() else {
        return Err(CliError::Refused(
            "数据库中还没有党组织；请先运行 liangxin init --city 市代码（或 liangxin demo）".into(),
        ));
    };
    Ok(Scope {
        region: Some(root.county),
        ..Scope::everything()
    })
}

fn account_id(store: &mut Store, username: &str) -> Result<i64, CliError> {
    Ok(store
        .user_by_username(username)?
        .ok_or_else(|| CliError::Refused(format!("没有账号“{username}”")))?
        .id)
}

/// `liangxin accounts list`.
pub fn list(store: &mut Store) -> Result<(), CliError> {
    let scope = operator_scope(store)?;
    let all = store.accounts_in_scope(&scope)?;
    say!("用户名\t姓名或名称\t角色\t所属\t状态\t最近登录");
    for a in &all {
        let state = if a.disabled_at.is_some() {
            "已停用"
        } else if a.must_change_password {
            "待改初始密码"
        } else {
            "正常"
        };
        let last = a
            .last_login_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "从未登录".into());
        say!(
            "{}\t{}\t{}\t{}\t{state}\t{last}",
            a.username,
            a.display_name,
            a.role.label(),
            a.node
        );
    }
    eprintln!("共{}个账号", all.len());
    Ok(())
}

/// `liangxin accounts create NAME --role R --node N --display-name D`.
pub fn create(
    store: &mut Store,
    username: &str,
    role: &str,
    node: &str,
    display_name: &str,
) -> Result<(), CliError> {
    let username =
        Username::parse(username).map_err(|e| CliError::Refused(format!("用户名{e}")))?;
    let role = Role::parse(role).map_err(|e| CliError::Refused(format!("--role：{e}")))?;
    if display_name.trim().is_empty() {
        return Err(CliError::Refused("--display-name：不能为空".into()));
    }
    let scope = operator_scope(store)?;
    let node = store.node_for(&scope, role, node)?;
    let password = liangxin_web::auth::one_time_password().map_err(web)?;
    let hash = liangxin_web::auth::hash_password(&password).map_err(web)?;
    store.create_account(
        "cli",
        &scope,
        &AccountRequest {
            username: username.as_str(),
            display_name: display_name.trim(),
            password_hash: &hash,
            role,
            node,
        },
        chrono::Utc::now().naive_utc(),
    )?;
    say!("{password}");
    eprintln!(
        "已建立账号 {}（{}）；上面是一次性密码，只显示这一次，首次登录后须修改",
        username.as_str(),
        role.label()
    );
    Ok(())
}

/// `liangxin accounts disable|enable NAME`.
pub fn set_disabled(store: &mut Store, username: &str, disabled: bool) -> Result<(), CliError> {
    let scope = operator_scope(store)?;
    let id = account_id(store, username)?;
    let changed =
        store.set_account_disabled("cli", &scope, id, disabled, chrono::Utc::now().naive_utc())?;
    say!(
        "{}",
        match (changed, disabled) {
            (true, true) => format!("已停用 {username}：其登录和接口令牌均已失效"),
            (true, false) => format!("已启用 {username}"),
            (false, true) => format!("{username} 本已停用"),
            (false, false) => format!("{username} 本已启用"),
        }
    );
    Ok(())
}

/// `liangxin accounts reset NAME`.
pub fn reset(store: &mut Store, username: &str) -> Result<(), CliError> {
    let scope = operator_scope(store)?;
    let id = account_id(store, username)?;
    let password = liangxin_web::auth::one_time_password().map_err(web)?;
    let hash = liangxin_web::auth::hash_password(&password).map_err(web)?;
    store.reset_account_password("cli", &scope, id, &hash)?;
    say!("{password}");
    eprintln!(
        "已重置 {username} 的密码；上面是一次性密码，只显示这一次，下次登录须修改，原有登录和令牌均已失效"
    );
    Ok(())
}

/// `liangxin accounts secretaries --xlsx FILE [--under NODE]`: the page's action without
/// its limit of 200 an action, for a whole city at once.
pub fn secretaries(store: &mut Store, xlsx: &Path, under: Option<&str>) -> Result<(), CliError> {
    if xlsx.exists() {
        return Err(CliError::Refused(format!(
            "{} 已存在；一次性密码表只写入新文件",
            xlsx.display()
        )));
    }
    let scope = operator_scope(store)?;
    let under = match under {
        Some(r) => match store.node_for(&scope, Role::Secretary, r)? {
            liangxin_store::administration::Node::PartyOrg(k) => Some(k),
            _ => None,
        },
        None => None,
    };
    let orgs = store.party_orgs_without_secretary(&scope, under)?;
    if orgs.is_empty() {
        return Err(CliError::Refused("范围内的党组织都已有书记账号".into()));
    }
    let mut rows = Vec::with_capacity(orgs.len());
    let mut hashes = Vec::with_capacity(orgs.len());
    for o in &orgs {
        let password = liangxin_web::auth::one_time_password().map_err(web)?;
        hashes.push(liangxin_web::auth::hash_password(&password).map_err(web)?);
        rows.push(secretary_row(o, password));
    }
    let requests = secretary_requests(&orgs, &hashes);
    // The sheet first: accounts whose passwords nobody holds would help no one.
    let bytes = secretary_sheet(&rows, "").map_err(web)?;
    write_private(xlsx, &bytes)?;
    if let Err(e) = store.create_accounts("cli", &scope, &requests, chrono::Utc::now().naive_utc())
    {
        let _ = std::fs::remove_file(xlsx);
        return Err(e.into());
    }
    say!(
        "已开通{}个书记账号，用户名和一次性密码在 {}（只此一份，分发后请销毁）",
        rows.len(),
        xlsx.display()
    );
    Ok(())
}

/// Writes a file only its owner reads (it holds passwords).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    Ok(())
}
