//! Account administration (账号管理), by the level above: an administrator's scope is its
//! committee's subtree, and it creates, disables, re-enables and resets only the accounts
//! anchored at or below it. Every change is one transaction with its audit-log entry
//! (entity `account`); a password hash never enters the log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use liangxin_domain::kinds::{PartyOrgType, Role};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::accounts::{Anchor, NewUser, UserRow};
use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::schema::{
    api_tokens, instructors, members, party_orgs as po, secretary_handovers, sessions, users,
};
use crate::{IdCipher, Scope, Store};

/// What an account is anchored to, as an administrator names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A party organization (a committee, a zone's 党工委, a branch).
    PartyOrg(Key),
    Instructor(Key),
    Member(Key),
}

/// An account as its administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountListing {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// What it is anchored to, by name (党组织, 党建指导员 or 党员).
    pub node: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub must_change_password: bool,
    pub locked_until: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// What an administrator asks for when creating an account.
#[derive(Debug, Clone)]
pub struct AccountRequest<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub node: Node,
}

const NOT_HERE: &str = "不存在或不在您的管理范围内";

/// A party organization an account may be anchored at, as the checks need it.
struct NodeOrg {
    path: String,
    org_type: PartyOrgType,
    zone: Option<i64>,
    parent_county: Option<i32>,
}

impl NodeOrg {
    /// A region's own committee (the city's or a county's 两新工委): a 工委 of no zone at
    /// the top of its region (no parent, or a parent in another region). A 工委 further
    /// down (a sector's) is not: it would otherwise lend its accounts the whole county.
    fn region_committee(&self, key: Key) -> bool {
        self.org_type == PartyOrgType::WorkingCommittee
            && self.zone.is_none()
            && self.parent_county.is_none_or(|p| p != key.county)
    }
}

/// The party organization at `key`, when it lies in `scope` (and, with `live`, is not
/// dissolved).
fn party_org_in(
    conn: &mut DbConnection,
    scope: &Scope,
    key: Key,
    live: bool,
) -> Result<Option<NodeOrg>> {
    let (low, high) = scope.path_range();
    let mut q = po::table
        .filter(po::county_code.eq(key.county).and(po::id.eq(key.id)))
        .filter(po::path.ge(low).and(po::path.lt(high)))
        .select((po::path, po::org_type, po::zone_id, po::parent_county))
        .into_boxed();
    if live {
        q = q.filter(po::dissolved_on.is_null());
    }
    let row: Option<(String, String, Option<i64>, Option<i32>)> = q.first(conn).optional()?;
    row.map(|(path, t, zone, parent_county)| {
        let org_type = PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(NodeOrg {
            path,
            org_type,
            zone,
            parent_county,
        })
    })
    .transpose()
}

/// 三员分立: an administrative account is managed by the level above, never by its peers
/// at the same committee (a 系统管理员 could otherwise reset its 安全审计员 and read the log
/// as it).
fn peer_refused(role: Role, node_path: &str, scope: &Scope) -> Result<()> {
    if role.is_administrative() && node_path == scope.party_path {
        return Err(StoreError::invalid(
            "账号",
            "本级的系统管理员、安全管理员和安全审计员由上一级管理（或在服务器上用 liangxin accounts）",
        ));
    }
    Ok(())
}

/// Whether a county lies in the administrator's region.
fn county_in(scope: &Scope, county: i32) -> bool {
    scope
        .county_range()
        .is_some_and(|(low, high)| (low..=high).contains(&county))
}

/// The anchor `role` takes at `node`, when the node lies in `scope` and suits the role.
fn anchor_for(conn: &mut DbConnection, scope: &Scope, role: Role, node: Node) -> Result<Anchor> {
    const FIELD: &str = "所属组织";
    let misfit = |what: &str| StoreError::invalid(FIELD, format!("{}账号{what}", role.label()));
    match (role, node) {
        (Role::Instructor, Node::Instructor(k)) => {
            let found: Option<i32> = instructors::table
                .filter(instructors::county_code.eq(k.county))
                .filter(instructors::id.eq(k.id))
                .select(instructors::county_code)
                .first(conn)
                .optional()?;
            match found {
                Some(county) if county_in(scope, county) => Ok(Anchor::Instructor(k)),
                _ => Err(StoreError::invalid("党建指导员", NOT_HERE)),
            }
        }
        (Role::Member, Node::Member(k)) => {
            let (low, high) = scope.path_range();
            let found: Option<i64> = members::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(members::county_code)
                        .and(po::id.eq(members::party_org_id))),
                )
                .filter(members::county_code.eq(k.county).and(members::id.eq(k.id)))
                .filter(members::left_on.is_null())
                .filter(po::path.ge(low).and(po::path.lt(high)))
                .select(members::id)
                .first(conn)
                .optional()?;
            match found {
                Some(_) => Ok(Anchor::Member(k)),
                None => Err(StoreError::invalid("党员", NOT_HERE)),
            }
        }
        (Role::Instructor | Role::Member, _) => Err(misfit(if role == Role::Member {
            "须开给一名党员"
        } else {
            "须开给一名党建指导员"
        })),
        (_, Node::PartyOrg(k)) => {
            let Some(node) = party_org_in(conn, scope, k, true)? else {
                return Err(StoreError::invalid(FIELD, NOT_HERE));
            };
            peer_refused(role, &node.path, scope)?;
            // A committee's region is its county code: the city's for the city's 工委.
            let committee = node.region_committee(k);
            let zone = node.zone;
            let city_level = k.county % 100 == 0;
            match role {
                Role::City if committee && city_level => Ok(Anchor::Committee {
                    party_org: k,
                    region: k.county,
                }),
                Role::City => Err(misfit("须设在市两新工委")),
                Role::County if committee && !city_level => Ok(Anchor::Committee {
                    party_org: k,
                    region: k.county,
                }),
                Role::County => Err(misfit("须设在县(市、区)两新工委")),
                Role::SystemAdmin | Role::SecurityAdmin | Role::SecurityAuditor if committee => {
                    Ok(Anchor::Committee {
                        party_org: k,
                        region: k.county,
                    })
                }
                Role::SystemAdmin | Role::SecurityAdmin | Role::SecurityAuditor => {
                    Err(misfit("须设在市或县(市、区)两新工委"))
                }
                Role::Zone => match zone {
                    Some(zone) => Ok(Anchor::Zone { party_org: k, zone }),
                    None => Err(misfit("须设在园区或小镇的党工委")),
                },
                Role::Secretary => Ok(Anchor::PartyOrg(k)),
                Role::Instructor | Role::Member => unreachable!("matched above"),
            }
        }
        (_, Node::Instructor(_) | Node::Member(_)) => Err(misfit("须设在党组织")),
    }
}

/// Whether an account lies at or below the administrator's node.
fn account_in(conn: &mut DbConnection, scope: &Scope, user: &UserRow) -> Result<bool> {
    let party_org = user.party_org_county.zip(user.party_org_id);
    let member = user.member_county.zip(user.member_id);
    if let Some((county, id)) = party_org {
        // A dissolved organization's accounts are still to be disabled or reset.
        return Ok(party_org_in(conn, scope, Key { county, id }, false)?.is_some());
    }
    if let Some((county, id)) = member {
        let (low, high) = scope.path_range();
        let found: Option<i64> = members::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(members::county_code)
                    .and(po::id.eq(members::party_org_id))),
            )
            .filter(members::county_code.eq(county).and(members::id.eq(id)))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .select(members::id)
            .first(conn)
            .optional()?;
        return Ok(found.is_some());
    }
    Ok(user.instructor_county.is_some_and(|c| county_in(scope, c)))
}

/// An account the administrator manages, or why not.
fn managed(conn: &mut DbConnection, scope: &Scope, id: i64) -> Result<UserRow> {
    let user = match load_user(conn, id)? {
        Some(user) if account_in(conn, scope, &user)? => user,
        _ => return Err(StoreError::invalid("账号", NOT_HERE)),
    };
    if let Some((county, id)) = user.party_org_county.zip(user.party_org_id)
        && let Some(node) = party_org_in(conn, scope, Key { county, id }, false)?
    {
        peer_refused(user.role()?, &node.path, scope)?;
    }
    Ok(user)
}

/// What the log keeps of an account (never its password hash).
fn account_json(user: &UserRow) -> serde_json::Value {
    json!({
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "party_org": user.party_org_county.zip(user.party_org_id).map(|(c, i)| format!("{c}-{i}")),
        "zone": user.zone_id,
        "instructor": user.instructor_county.zip(user.instructor_id).map(|(c, i)| format!("{c}-{i}")),
        "member": user.member_county.zip(user.member_id).map(|(c, i)| format!("{c}-{i}")),
        "disabled": user.disabled_at.is_some(),
        "must_change_password": user.must_change_password,
    })
}

fn load_user(conn: &mut DbConnection, id: i64) -> Result<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Ends every session and API token of an account.
pub(crate) fn end_access(conn: &mut DbConnection, user_id: i64) -> Result<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user_id)))
        .set(api_tokens::revoked.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Disables the enabled secretary accounts of a party organization (inside a write): they
/// served the 书记 whose term `post_id` ended. Each in the audit log as a disabling by
/// `actor`, and kept as a handover, so the organization is offered an account again.
pub(crate) fn disable_secretary_accounts(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    actor: &str,
    org: Key,
    post_id: i64,
    now: NaiveDateTime,
) -> Result<()> {
    let ids: Vec<i64> = users::table
        .filter(users::role.eq(Role::Secretary.code()))
        .filter(users::party_org_county.eq(org.county))
        .filter(users::party_org_id.eq(org.id))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .load(conn)?;
    for id in ids {
        let before = load_user(conn, id)?;
        diesel::update(users::table.find(id))
            .set(users::disabled_at.eq(Some(now)))
            .execute(conn)?;
        end_access(conn, id)?;
        diesel::insert_into(secretary_handovers::table)
            .values((
                secretary_handovers::user_id.eq(id),
                secretary_handovers::county_code.eq(org.county),
                secretary_handovers::post_id.eq(post_id),
            ))
            .execute(conn)?;
        let after = load_user(conn, id)?;
        log(
            conn,
            cipher,
            actor,
            "account_disable",
            id,
            before.as_ref(),
            after.as_ref(),
        )?;
    }
    Ok(())
}

fn log(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    actor: &str,
    action: &str,
    id: i64,
    before: Option<&UserRow>,
    after: Option<&UserRow>,
) -> Result<()> {
    // Filed under the county of its node, so the county's 安全审计员 reads it.
    let county = before
        .or(after)
        .and_then(|u| {
            u.party_org_county
                .or(u.member_county)
                .or(u.instructor_county)
        })
        .unwrap_or(0);
    audit::append(
        conn,
        cipher,
        Entry {
            actor,
            action,
            entity: "account",
            county,
            entity_id: id,
            before: before.map(account_json),
            after: after.map(account_json),
        },
    )
}

/// Inserts an account (inside the caller's transaction); refuses a name in use.
pub(crate) fn insert_user(
    conn: &mut DbConnection,
    user: &NewUser<'_>,
    must_change_password: bool,
    now: NaiveDateTime,
) -> Result<i64> {
    let (party_org, region, zone, instructor, member) = match user.anchor {
        Anchor::Committee { party_org, region } => {
            (Some(party_org), Some(region), None, None, None)
        }
        Anchor::Zone { party_org, zone } => (Some(party_org), None, Some(zone), None, None),
        Anchor::PartyOrg(k) => (Some(k), None, None, None, None),
        Anchor::Instructor(k) => (None, None, None, Some(k), None),
        Anchor::Member(k) => (None, None, None, None, Some(k)),
    };
    let taken: Option<i64> = users::table
        .filter(users::username.eq(user.username))
        .select(users::id)
        .first(conn)
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::invalid("用户名", "已被使用"));
    }
    Ok(diesel::insert_into(users::table)
        .values((
            users::username.eq(user.username),
            users::display_name.eq(user.display_name),
            users::password_hash.eq(user.password_hash),
            users::role.eq(user.role.code()),
            users::party_org_county.eq(party_org.map(|k| k.county)),
            users::party_org_id.eq(party_org.map(|k| k.id)),
            users::region.eq(region),
            users::zone_id.eq(zone),
            users::instructor_county.eq(instructor.map(|k| k.county)),
            users::instructor_id.eq(instructor.map(|k| k.id)),
            users::member_county.eq(member.map(|k| k.county)),
            users::member_id.eq(member.map(|k| k.id)),
            users::created_at.eq(now),
            users::must_change_password.eq(must_change_password),
        ))
        .returning(users::id)
        .get_result(conn)?)
}

/// A party organization whose secretary has no account yet, with the account's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretaryToOpen {
    pub key: Key,
    /// The party organization's name.
    pub name: String,
    pub username: String,
    pub display_name: String,
}

/// The party organizations whose 书记 holds a secretary account: those that lead members
/// directly or through branches (not a 工委, 综合党委 or 党小组).
pub const SECRETARY_LED: [PartyOrgType; 4] = [
    PartyOrgType::Committee,
    PartyOrgType::GeneralBranch,
    PartyOrgType::Branch,
    PartyOrgType::JointBranch,
];

impl Store {
    /// The party organizations in `scope` (below `under`, when given, itself included) that
    /// a secretary leads and that have no secretary account yet, by 组织编号, with the login
    /// and display names their accounts take.
    pub fn party_orgs_without_secretary(
        &mut self,
        scope: &Scope,
        under: Option<Key>,
    ) -> Result<Vec<SecretaryToOpen>> {
        let within = match under {
            Some(k) => {
                let (low, high) = scope.path_range();
                let path: Option<String> = po::table
                    .filter(po::county_code.eq(k.county).and(po::id.eq(k.id)))
                    .filter(po::path.ge(low).and(po::path.lt(high)))
                    .select(po::path)
                    .first(self.conn())
                    .optional()?;
                Scope::subtree(path.ok_or_else(|| StoreError::invalid("党组织", NOT_HERE))?)
            }
            None => scope.clone(),
        };
        let (low, high) = within.path_range();
        let types: Vec<&str> = SECRETARY_LED.iter().map(|t| t.code()).collect();
        let orgs: Vec<(i32, i64, String)> = po::table
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(types))
            .order((po::county_code, po::id))
            .select((po::county_code, po::id, po::name))
            .load(self.conn())?;
        // An organization whose accounts were all disabled when its 书记 changed is offered
        // again, for the next one; one an administrator disabled is not.
        let handed_over = secretary_handovers::table.select(secretary_handovers::user_id);
        let led: std::collections::HashSet<(i32, i64)> = users::table
            .filter(users::role.eq(Role::Secretary.code()))
            .filter(users::id.ne_all(handed_over))
            .filter(users::party_org_county.is_not_null())
            .select((users::party_org_county, users::party_org_id))
            .load::<(Option<i32>, Option<i64>)>(self.conn())?
            .into_iter()
            .filter_map(|(c, i)| Some((c?, i?)))
            .collect();
        let mut out = Vec::new();
        for (county, id, name) in orgs
            .into_iter()
            .filter(|(c, i, _)| !led.contains(&(*c, *i)))
        {
            // `s` and the 组织编号, numbered on when an account has that name already.
            let mut username = format!("s{county}-{id}");
            let mut n = 2;
            while users::table
                .filter(users::username.eq(&username))
                .count()
                .get_result::<i64>(self.conn())?
                > 0
            {
                username = format!("s{county}-{id}-{n}");
                n += 1;
            }
            let key = Key { county, id };
            // The day in China, as the pages count it.
            let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
            let holder = crate::posts::posts_in(self.conn(), key)?
                .into_iter()
                .find(|h| h.post == liangxin_domain::kinds::Post::Secretary && h.current(today));
            out.push(SecretaryToOpen {
                key,
                display_name: match holder {
                    Some(h) => format!("{}（{name}书记）", h.name),
                    None => format!("{name}书记"),
                },
                name,
                username,
            });
        }
        Ok(out)
    }

    /// Creates several accounts in one transaction (all or none), as
    /// [`Store::create_account`] does one.
    pub fn create_accounts(
        &mut self,
        actor: &str,
        scope: &Scope,
        requests: &[AccountRequest<'_>],
        now: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let mut ids = Vec::with_capacity(requests.len());
            for request in requests {
                let anchor = anchor_for(conn, scope, request.role, request.node)?;
                let id = insert_user(
                    conn,
                    &NewUser {
                        username: request.username,
                        display_name: request.display_name,
                        password_hash: request.password_hash,
                        role: request.role,
                        anchor,
                    },
                    true,
                    now,
                )?;
                let after = load_user(conn, id)?;
                log(
                    conn,
                    cipher,
                    actor,
                    "account_create",
                    id,
                    None,
                    after.as_ref(),
                )?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// The accounts at or below the administrator's node, by login name.
    pub fn accounts_in_scope(&mut self, scope: &Scope) -> Result<Vec<AccountListing>> {
        let (low, high) = scope.path_range();
        let conn = self.conn();
        let mut found: Vec<(UserRow, String)> = users::table
            .inner_join(
                po::table.on(po::county_code
                    .nullable()
                    .eq(users::party_org_county)
                    .and(po::id.nullable().eq(users::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((UserRow::as_select(), po::name))
            .load(conn)?;
        let of_members: Vec<(UserRow, String, String)> = users::table
            .inner_join(
                members::table.on(members::county_code
                    .nullable()
                    .eq(users::member_county)
                    .and(members::id.nullable().eq(users::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(members::county_code)
                    .and(po::id.eq(members::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((UserRow::as_select(), members::name, po::name))
            .load(conn)?;
        found.extend(
            of_members
                .into_iter()
                .map(|(u, member, org)| (u, format!("{member}（{org}）"))),
        );
        if let Some((low, high)) = scope.county_range() {
            let of_instructors: Vec<(UserRow, String)> = users::table
                .inner_join(
                    instructors::table.on(instructors::county_code
                        .nullable()
                        .eq(users::instructor_county)
                        .and(instructors::id.nullable().eq(users::instructor_id))),
                )
                .filter(instructors::county_code.between(low, high))
                .select((UserRow::as_select(), instructors::name))
                .load(conn)?;
            found.extend(
                of_instructors
                    .into_iter()
                    .map(|(u, name)| (u, format!("党建指导员{name}"))),
            );
        }
        found.sort_by(|a, b| a.0.username.cmp(&b.0.username));
        found
            .into_iter()
            .map(|(u, node)| {
                Ok(AccountListing {
                    role: u.role()?,
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                    node,
                    disabled_at: u.disabled_at,
                    must_change_password: u.must_change_password,
                    locked_until: u.locked_until,
                    last_login_at: u.last_login_at,
                    created_at: u.created_at,
                })
            })
            .collect()
    }

    /// One account, when it lies at or below the administrator's node.
    pub fn account_in_scope(&mut self, scope: &Scope, id: i64) -> Result<Option<UserRow>> {
        let conn = self.conn();
        let Some(user) = load_user(conn, id)? else {
            return Ok(None);
        };
        Ok(account_in(conn, scope, &user)?.then_some(user))
    }

    /// Creates an account at `request.node` (which must lie in `scope` and suit the role),
    /// with a password its holder changes at first sign-in. Returns its id.
    pub fn create_account(
        &mut self,
        actor: &str,
        scope: &Scope,
        request: &AccountRequest<'_>,
        now: NaiveDateTime,
    ) -> Result<i64> {
        let ids = self.create_accounts(actor, scope, std::slice::from_ref(request), now)?;
        ids.first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt("未写入账号".into()))
    }

    /// Disables (停用) or re-enables (启用) an account at or below the administrator's
    /// node. Disabling ends its sessions and revokes its API tokens. An administrator does
    /// not disable itself. Returns whether anything changed.
    pub fn set_account_disabled(
        &mut self,
        actor: &str,
        scope: &Scope,
        id: i64,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<bool> {
        if disabled && actor == format!("user:{id}") {
            return Err(StoreError::invalid("账号", "不能停用自己的账号"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before = managed(conn, scope, id)?;
            if before.disabled_at.is_some() == disabled {
                return Ok(false);
            }
            diesel::update(users::table.find(id))
                .set(users::disabled_at.eq(disabled.then_some(now)))
                .execute(conn)?;
            if disabled {
                end_access(conn, id)?;
            } else {
                // In use again: no longer a handed-over account.
                diesel::delete(secretary_handovers::table.find(id)).execute(conn)?;
            }
            let after = load_user(conn, id)?;
            let action = if disabled {
                "account_disable"
            } else {
                "account_enable"
            };
            log(
                conn,
                cipher,
                actor,
                action,
                id,
                Some(&before),
                after.as_ref(),
            )?;
            Ok(true)
        })
    }

    /// Sets a one-time password for an account at or below the administrator's node: its
    /// holder must change it at the next sign-in; its sessions and tokens end and any lock
    /// is lifted.
    pub fn reset_account_password(
        &mut self,
        actor: &str,
        scope: &Scope,
        id: i64,
        password_hash: &str,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before = managed(conn, scope, id)?;
            diesel::update(users::table.find(id))
                .set((
                    users::password_hash.eq(password_hash),
                    users::must_change_password.eq(true),
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            end_access(conn, id)?;
            // A holder who lost the password may have lost the phone: the second factor is
            // set up again after the next sign-in.
            crate::second_factor::remove_in(conn, id)?;
            let after = load_user(conn, id)?;
            log(
                conn,
                cipher,
                actor,
                "account_reset_password",
                id,
                Some(&before),
                after.as_ref(),
            )
        })
    }
}

/// The first system administrator of a founded city.
#[derive(Debug, Clone)]
pub struct FirstAdmin<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// The one-time password's hash: it is changed at first sign-in.
    pub password_hash: &'a str,
}

impl Store {
    /// 建库: writes a founded city (its regions and committees) and its first system
    /// administrator at the city's committee, in one transaction, into a database that
    /// holds nothing (no region, party organization, unit, member or account). Returns
    /// the administrator's id.
    pub fn found_city(
        &mut self,
        founding: &liangxin_domain::founding::Founding,
        admin: &FirstAdmin<'_>,
        now: NaiveDateTime,
    ) -> Result<i64> {
        use crate::schema::regions;
        let regions: i64 = regions::table.count().get_result(self.conn())?;
        let accounts: i64 = users::table.count().get_result(self.conn())?;
        let counts = self.registry_counts()?;
        if regions > 0 || accounts > 0 || !counts.is_empty() {
            return Err(StoreError::invalid(
                "数据库",
                format!(
                    "已有数据（行政区划{regions}个、党组织{}个、两新组织{}个、党员{}名、账号{accounts}个），建库只用于空数据库，未作任何改动",
                    counts.party_orgs, counts.organizations, counts.members
                ),
            ));
        }
        let root = founding.city_committee().key;
        let mut admin_id = None;
        self.bulk_load_and(
            "init",
            crate::registry::LoadMode::Append,
            crate::registry::Bulk {
                regions: &founding.regions,
                zones: &[],
                organizations: &[],
                party_orgs: &founding.committees,
                coverage: &[],
                instructors: &[],
                assignments: &[],
                members: &[],
                meetings: &[],
                dues_standards: &[],
                dues_payments: &[],
                records_start: now.date(),
                archive_items: &[],
                floating: &[],
            },
            &mut |_, _, _| {},
            &mut |conn, cipher| {
                let id = insert_user(
                    conn,
                    &NewUser {
                        username: admin.username,
                        display_name: admin.display_name,
                        password_hash: admin.password_hash,
                        role: Role::SystemAdmin,
                        anchor: Anchor::Committee {
                            party_org: root,
                            region: root.county,
                        },
                    },
                    true,
                    now,
                )?;
                let after = load_user(conn, id)?;
                log(
                    conn,
                    cipher,
                    "init",
                    "account_create",
                    id,
                    None,
                    after.as_ref(),
                )?;
                admin_id = Some(id);
                Ok(())
            },
        )?;
        admin_id.ok_or_else(|| StoreError::Corrupt("建库未写入管理员账号".into()))
    }
}

impl Store {
    /// The node an administrator names for an account of `role`: a 编号 (`330825-17`, as the
    /// node's page shows it) of a party organization, an instructor or a member as the role
    /// needs; for a party organization also its exact full name within the scope.
    pub fn node_for(&mut self, scope: &Scope, role: Role, reference: &str) -> Result<Node> {
        const FIELD: &str = "所属组织";
        let r = reference.trim().replace(['－', '—'], "-");
        if r.is_empty() {
            return Err(StoreError::invalid(FIELD, "请填写编号或党组织全称"));
        }
        let key = Key::parse_code(&r);
        match (role, key) {
            (Role::Member, Some(k)) => return Ok(Node::Member(k)),
            (Role::Instructor, Some(k)) => return Ok(Node::Instructor(k)),
            (Role::Member | Role::Instructor, None) => {
                return Err(StoreError::invalid(
                    FIELD,
                    "请填写编号（县代码-序号，见党员或党建指导员的页面地址）",
                ));
            }
            (_, Some(k)) => return Ok(Node::PartyOrg(k)),
            (_, None) => {}
        }
        let (low, high) = scope.path_range();
        let found: Vec<(i32, i64)> = po::table
            .filter(po::name.eq(&r))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id))
            .limit(2)
            .load(self.conn())?;
        match found.as_slice() {
            [(county, id)] => Ok(Node::PartyOrg(Key {
                county: *county,
                id: *id,
            })),
            [] => Err(StoreError::invalid(
                FIELD,
                format!("在您的管理范围内找不到“{r}”（请填写组织编号或党组织全称）"),
            )),
            _ => Err(StoreError::invalid(FIELD, "有同名党组织，请填写组织编号")),
        }
    }
}
