//! One demo account per role over the demo city, so a person can sign in and see each
//! role's part of the data. The password is shared and printed: these are demo data.

use chrono::Utc;
use liangxin_domain::kinds::Role;
use liangxin_store::Store;
use liangxin_store::accounts::{Anchor, NewUser};

use crate::auth::hash_password;
use crate::error::WebError;

/// The demo accounts' password.
pub const DEMO_PASSWORD: &str = "lx-demo-2017";

/// The demo administrators' TOTP secret (two-factor sign-in is required of them): as
/// public as the password. Its base32 form is what an authenticator app takes.
pub const DEMO_TOTP_SECRET: &[u8; 20] = b"liangxin-demo-2fa-01";

/// A demo account as printed for the person starting the server.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub who: String,
}

/// Creates the demo accounts that do not exist yet (over 龙游县 and 龙游红木小镇), and
/// returns them all.
pub fn ensure(store: &mut Store) -> Result<Vec<DemoAccount>, WebError> {
    let Some(a) = store.demo_anchors(330825, "龙游红木小镇")? else {
        return Ok(Vec::new());
    };
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut wanted: Vec<(&str, Role, String, Anchor)> = vec![
        (
            "city",
            Role::City,
            a.city.1.clone(),
            Anchor::Committee {
                party_org: a.city.0,
                region: a.city.0.county,
            },
        ),
        (
            "longyou",
            Role::County,
            a.county.1.clone(),
            Anchor::Committee {
                party_org: a.county.0,
                region: a.county.0.county,
            },
        ),
    ];
    // In a province (`demo --province`), "city" is the province's committee; the demo
    // county's own city gets an account too.
    let city_code = a.county.0.county / 100 * 100;
    if a.city.0.county % 10_000 == 0
        && let Some((key, _, name)) = store.county_top_party_org(city_code)?
    {
        wanted.push((
            "quzhou",
            Role::City,
            name,
            Anchor::Committee {
                party_org: key,
                region: city_code,
            },
        ));
    }
    if let Some((po, zone, name)) = &a.zone {
        wanted.push((
            "hongmu",
            Role::Zone,
            name.clone(),
            Anchor::Zone {
                party_org: *po,
                zone: *zone,
            },
        ));
    }
    if let Some((po, name)) = &a.branch {
        wanted.push((
            "secretary",
            Role::Secretary,
            format!("{name}书记"),
            Anchor::PartyOrg(*po),
        ));
    }
    if let Some((key, name)) = &a.instructor {
        wanted.push((
            "instructor",
            Role::Instructor,
            format!("党建指导员{name}"),
            Anchor::Instructor(*key),
        ));
    }
    if let Some((key, name)) = &a.member {
        wanted.push((
            "member",
            Role::Member,
            format!("党员{name}"),
            Anchor::Member(*key),
        ));
    }
    // A county's 系统管理员: administers the accounts of 龙游县 and sees no member data.
    wanted.push((
        "admin",
        Role::SystemAdmin,
        format!("{}系统管理员", a.county.1.replace("两新组织工作委员会", "")),
        Anchor::Committee {
            party_org: a.county.0,
            region: a.county.0.county,
        },
    ));
    // The city's 安全管理员: keeps the rule parameters (the city's, not a county's).
    wanted.push((
        "secadmin",
        Role::SecurityAdmin,
        format!("{}安全管理员", a.city.1.replace("两新组织工作委员会", "")),
        Anchor::Committee {
            party_org: a.city.0,
            region: a.city.0.county,
        },
    ));
    // And its 安全审计员: reads the county's audit log, changes nothing.
    wanted.push((
        "auditor",
        Role::SecurityAuditor,
        format!("{}安全审计员", a.county.1.replace("两新组织工作委员会", "")),
        Anchor::Committee {
            party_org: a.county.0,
            region: a.county.0.county,
        },
    ));
    let now = Utc::now().naive_utc();
    let mut out = Vec::new();
    for (username, role, who, anchor) in wanted {
        let id = match store.user_by_username(username)? {
            Some(u) => u.id,
            None => store.create_user(
                &NewUser {
                    username,
                    display_name: &who,
                    password_hash: &hash,
                    role,
                    anchor,
                },
                now,
            )?,
        };
        if role.is_administrative() && !store.totp_confirmed(id)? {
            store.begin_totp(id, DEMO_TOTP_SECRET)?;
            store.confirm_totp(id, 0, &[], now)?;
        }
        out.push(DemoAccount {
            username: username.to_owned(),
            role,
            who,
        });
    }
    Ok(out)
}
