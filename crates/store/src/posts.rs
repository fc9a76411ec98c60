//! A party organization's committee (支部委员会: 书记, 副书记, 组织委员 …) and a 党小组's
//! leader: each post held by one of its members for a term, the terms kept as history.
//!
//! A new 书记 (or 组长) ends the previous holder's term the day before; the secretary
//! account of the organization belongs to its 书记, so a change of 书记 disables the
//! accounts that served the last one (their sessions and tokens end), and the batch of
//! secretary accounts offers the organization again for the new one.

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::{MemberStatus, PartyOrgType, Post};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::allocate;
use crate::schema::{members as m, party_org_posts as pp, party_orgs as po};
use crate::{Scope, Store};

/// A post as held, now or in the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHeld {
    pub id: i64,
    pub post: Post,
    pub member: Key,
    pub name: String,
    pub since: NaiveDate,
    /// The last day of the term; none while it lasts.
    pub until: Option<NaiveDate>,
}

impl PostHeld {
    /// Whether the holder is in the post on `today` and staying: begun, and no departure
    /// recorded (a term ending today is over for whoever plans tomorrow).
    pub fn current(&self, today: NaiveDate) -> bool {
        self.since <= today && self.until.is_none()
    }
}

fn parse_post(code: &str) -> Result<Post> {
    Post::parse(code).map_err(|e| StoreError::Corrupt(format!("职务：{e}")))
}

/// The posts of one organization, current ones first, then by post and day.
pub(crate) fn posts_in(conn: &mut DbConnection, org: Key) -> Result<Vec<PostHeld>> {
    let rows: Vec<(i64, String, i64, String, NaiveDate, Option<NaiveDate>)> = pp::table
        .inner_join(
            m::table.on(m::county_code
                .eq(pp::county_code)
                .and(m::id.eq(pp::member_id))),
        )
        .filter(pp::county_code.eq(org.county))
        .filter(pp::party_org_id.eq(org.id))
        .select((
            pp::id,
            pp::post,
            pp::member_id,
            m::name,
            pp::since,
            pp::until,
        ))
        .load(conn)?;
    let mut out = rows
        .into_iter()
        .map(|(id, post, member, name, since, until)| {
            Ok(PostHeld {
                id,
                post: parse_post(&post)?,
                member: Key {
                    county: org.county,
                    id: member,
                },
                name,
                since,
                until,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rank = |p: Post| Post::ALL.iter().position(|q| *q == p).unwrap_or(usize::MAX);
    out.sort_by_key(|h| {
        (
            h.until.is_some(),
            rank(h.post),
            std::cmp::Reverse(h.since),
            h.id,
        )
    });
    Ok(out)
}

/// The organization in the scope, alive, with its type and path.
fn org_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    org: Key,
) -> Result<(PartyOrgType, String)> {
    let (path, t) = crate::life::party_org_in_scope(conn, scope, org)?;
    let t = PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(format!("组织类别：{e}")))?;
    Ok((t, path))
}

fn post_json(h: &PostHeld) -> serde_json::Value {
    json!({
        "post": h.post.code(),
        "member": format!("{}-{}", h.member.county, h.member.id),
        "name": h.name,
        "since": h.since,
        "until": h.until,
    })
}

/// Ends every post a member holds on the day they leave the organization (关系转出, 出党,
/// 去世): a 书记 who leaves takes the secretary accounts with them. Inside the leaving's
/// write.
pub(crate) fn end_member_posts(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    member: Key,
    on: NaiveDate,
) -> Result<()> {
    let open: Vec<(i64, i64, String, NaiveDate)> = pp::table
        .filter(pp::county_code.eq(member.county))
        .filter(pp::member_id.eq(member.id))
        .filter(pp::until.is_null())
        .select((pp::id, pp::party_org_id, pp::post, pp::since))
        .load(conn)?;
    for (id, org_id, post, since) in open {
        let org = Key {
            county: member.county,
            id: org_id,
        };
        let until = on.max(since);
        diesel::update(
            pp::table
                .filter(pp::county_code.eq(member.county))
                .filter(pp::id.eq(id)),
        )
        .set(pp::until.eq(Some(until)))
        .execute(conn)?;
        audit::append(
            conn,
            cipher,
            Entry {
                actor,
                action: "post_end",
                entity: "party_org_post",
                county: member.county,
                entity_id: id,
                before: Some(json!({ "post": post, "until": null })),
                after: Some(json!({ "post": post, "until": until, "note": "党员离开本组织" })),
            },
        )?;
        if post == Post::Secretary.code() {
            let now = chrono::Utc::now().naive_utc();
            crate::administration::disable_secretary_accounts(conn, cipher, actor, org, id, now)?;
        }
    }
    Ok(())
}

impl Store {
    /// Records terms in bulk, as they are (the demo city's committees: generated by the
    /// rules, not checked one by one): one transaction, one audit entry. Returns how many.
    pub fn load_posts(
        &mut self,
        actor: &str,
        terms: &[liangxin_domain::registry::PostTerm],
    ) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let n = i64::try_from(terms.len()).unwrap_or(i64::MAX);
            if n == 0 {
                return Ok(0);
            }
            let first = allocate(conn, "party_org_posts", n)?;
            for (chunk, start) in terms.chunks(1000).zip((first..).step_by(1000)) {
                let rows: Vec<_> = chunk
                    .iter()
                    .zip(start..)
                    .map(|(t, id)| {
                        (
                            pp::county_code.eq(t.party_org.county),
                            pp::id.eq(id),
                            pp::party_org_id.eq(t.party_org.id),
                            pp::post.eq(t.post.code()),
                            pp::member_id.eq(t.member.id),
                            pp::since.eq(t.since),
                            pp::until.eq(t.until),
                        )
                    })
                    .collect();
                batch_insert!(conn, pp::table, &rows)?;
            }
            crate::registry::bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "load_posts",
                    entity: "party_org_post",
                    county: 0,
                    entity_id: first,
                    before: None,
                    after: Some(json!({ "terms": terms.len() })),
                },
            )?;
            Ok(terms.len())
        })
    }

    /// The posts of an organization the scope sees: who holds what now, and who did.
    pub fn posts_of(&mut self, scope: &Scope, org: Key) -> Result<Vec<PostHeld>> {
        org_in_scope(self.conn(), scope, org)?;
        posts_in(self.conn(), org)
    }

    /// Who may be appointed to the organization's posts: its current full members (the
    /// group's own for a 党小组), by name. Probationary members are listed apart, as they
    /// may not be elected.
    pub fn post_candidates(&mut self, scope: &Scope, org: Key) -> Result<Vec<(Key, String, bool)>> {
        let (org_type, path) = org_in_scope(self.conn(), scope, org)?;
        let (low, high) = Scope::subtree(path.clone()).path_range();
        let rows: Vec<(i64, String, String, String)> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(m::county_code.eq(org.county))
            .filter(m::left_on.is_null())
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .order((m::name, m::id))
            .select((m::id, m::name, m::status, po::path))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            // A 党小组's leader is one of the group's own.
            .filter(|r| org_type != PartyOrgType::Group || r.3 == path)
            .map(|(id, name, status, _)| {
                let key = Key {
                    county: org.county,
                    id,
                };
                (key, name, status == MemberStatus::Full.code())
            })
            .collect())
    }

    /// Appoints a member of the organization (of its subtree; of the group itself for a
    /// 党小组组长) to a post from `since`. A full member only (预备党员 have no right to be
    /// elected, 党章 第七条). A post one member holds at a time passes from its holder,
    /// whose term ends the day before; a member holds one post of an organization at a
    /// time. One transaction, with the audit; returns the post's id.
    #[allow(clippy::too_many_arguments)]
    pub fn appoint(
        &mut self,
        actor: &str,
        scope: &Scope,
        org: Key,
        post: Post,
        member: Key,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<i64> {
        if since > today {
            return Err(StoreError::invalid("任职日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (org_type, path) = org_in_scope(conn, scope, org)?;
            if !post.fits(org_type) {
                return Err(StoreError::invalid(
                    "职务",
                    format!("{}没有“{}”这一职务", org_type.label(), post.label()),
                ));
            }
            // The member, and where they are registered.
            type Found = (
                String,
                String,
                NaiveDate,
                Option<NaiveDate>,
                Option<NaiveDate>,
                String,
            );
            let found: Option<Found> = m::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(m::county_code)
                        .and(po::id.eq(m::party_org_id))),
                )
                .filter(m::county_code.eq(member.county))
                .filter(m::id.eq(member.id))
                .filter(m::left_on.is_null())
                .select((
                    m::name,
                    m::status,
                    m::joined_on,
                    m::confirmed_on,
                    m::arrived_on,
                    po::path,
                ))
                .first(conn)
                .optional()?;
            let inside = |p: &str| match post {
                Post::GroupLeader => p == path,
                _ => p.starts_with(&path),
            };
            let Some((name, status, joined, confirmed, arrived, _)) =
                found.filter(|f| member.county == org.county && inside(&f.5))
            else {
                return Err(StoreError::invalid(
                    "党员",
                    "须为本组织（党小组组长须为本小组）现有的党员",
                ));
            };
            if arrived.is_some_and(|a| since < a) || since < joined {
                return Err(StoreError::invalid(
                    "任职日期",
                    format!("早于{name}入党或转入本组织的日期"),
                ));
            }
            let full = status == MemberStatus::Full.code() && confirmed.is_none_or(|c| c <= since);
            if !full {
                return Err(StoreError::invalid(
                    "党员",
                    format!("{name}在任职日期还不是正式党员；预备党员没有被选举权"),
                ));
            }
            let current = posts_in(conn, org)?;
            if let Some(h) = current
                .iter()
                .find(|h| h.member == member && h.until.is_none())
            {
                return Err(StoreError::invalid(
                    "党员",
                    format!("{name}现任{}，请先登记离任", h.post.label()),
                ));
            }
            // A term from `since` on overlaps every ended one that lasted to `since` or later:
            // of the same single post, or of this member.
            if let Some(h) = current.iter().find(|h| {
                h.until.is_some_and(|u| since <= u)
                    && ((h.post == post && post.is_single()) || h.member == member)
            }) {
                return Err(StoreError::invalid(
                    "任职日期",
                    format!(
                        "与{}任{}的任期（{}至{}）重叠",
                        h.name,
                        h.post.label(),
                        h.since,
                        h.until.map(|u| u.to_string()).unwrap_or_default()
                    ),
                ));
            }
            // A post held by one at a time passes from its holder.
            let previous = current
                .iter()
                .find(|h| h.post == post && post.is_single() && h.until.is_none())
                .cloned();
            if let Some(prev) = &previous {
                let last = since.pred_opt().unwrap_or(since);
                if last < prev.since {
                    return Err(StoreError::invalid(
                        "任职日期",
                        format!(
                            "应晚于现任{}{}的任职日期{}",
                            post.label(),
                            prev.name,
                            prev.since
                        ),
                    ));
                }
                diesel::update(
                    pp::table
                        .filter(pp::county_code.eq(org.county))
                        .filter(pp::id.eq(prev.id)),
                )
                .set(pp::until.eq(Some(last)))
                .execute(conn)?;
                let ended = PostHeld {
                    until: Some(last),
                    ..prev.clone()
                };
                audit::append(
                    conn,
                    cipher,
                    Entry {
                        actor,
                        action: "post_end",
                        entity: "party_org_post",
                        county: org.county,
                        entity_id: prev.id,
                        before: Some(post_json(prev)),
                        after: Some(post_json(&ended)),
                    },
                )?;
            }
            crate::registry::bump_version(conn)?;
            let id = allocate(conn, "party_org_posts", 1)?;
            diesel::insert_into(pp::table)
                .values((
                    pp::county_code.eq(org.county),
                    pp::id.eq(id),
                    pp::party_org_id.eq(org.id),
                    pp::post.eq(post.code()),
                    pp::member_id.eq(member.id),
                    pp::since.eq(since),
                ))
                .execute(conn)?;
            let held = PostHeld {
                id,
                post,
                member,
                name,
                since,
                until: None,
            };
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "post_appoint",
                    entity: "party_org_post",
                    county: org.county,
                    entity_id: id,
                    before: None,
                    after: Some(post_json(&held)),
                },
            )?;
            if let Some(prev) = previous.filter(|_| post == Post::Secretary) {
                let now = chrono::Utc::now().naive_utc();
                crate::administration::disable_secretary_accounts(
                    conn, cipher, actor, org, prev.id, now,
                )?;
            }
            Ok(id)
        })
    }

    /// Ends a term on `until` (离任): the post is vacant from the next day. When the 书记
    /// leaves, the organization's secretary accounts are disabled with it.
    pub fn end_post(
        &mut self,
        actor: &str,
        scope: &Scope,
        org: Key,
        id: i64,
        until: NaiveDate,
        today: NaiveDate,
    ) -> Result<()> {
        if until > today {
            return Err(StoreError::invalid("离任日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            org_in_scope(conn, scope, org)?;
            let held = posts_in(conn, org)?
                .into_iter()
                .find(|h| h.id == id)
                .ok_or_else(|| StoreError::invalid("职务", "不存在或不在您的管理范围内"))?;
            if held.until.is_some() {
                return Err(StoreError::invalid("职务", "已登记离任"));
            }
            if until < held.since {
                return Err(StoreError::invalid(
                    "离任日期",
                    format!("不能早于任职日期{}", held.since),
                ));
            }
            diesel::update(
                pp::table
                    .filter(pp::county_code.eq(org.county))
                    .filter(pp::id.eq(id)),
            )
            .set(pp::until.eq(Some(until)))
            .execute(conn)?;
            crate::registry::bump_version(conn)?;
            let ended = PostHeld {
                until: Some(until),
                ..held.clone()
            };
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "post_end",
                    entity: "party_org_post",
                    county: org.county,
                    entity_id: id,
                    before: Some(post_json(&held)),
                    after: Some(post_json(&ended)),
                },
            )?;
            if held.post == Post::Secretary {
                let now = chrono::Utc::now().naive_utc();
                crate::administration::disable_secretary_accounts(
                    conn, cipher, actor, org, id, now,
                )?;
            }
            Ok(())
        })
    }

    /// The organizations in the scope that should have a 书记 (branches, general branches
    /// and committees) and have none today: (组织编号, name), by 组织编号.
    pub fn secretary_vacancies(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<(Key, String)>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let led = crate::workforce::LED_TYPES.map(PartyOrgType::code);
        let held = pp::table
            .filter(pp::county_code.eq(po::county_code))
            .filter(pp::party_org_id.eq(po::id))
            .filter(pp::post.eq(Post::Secretary.code()))
            .filter(pp::since.le(today))
            .filter(pp::until.is_null());
        let rows: Vec<(i32, i64, String)> = po::table
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(led))
            .filter(diesel::dsl::not(diesel::dsl::exists(held)))
            .order((po::county_code, po::id))
            .select((po::county_code, po::id, po::name))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(|(county, id, name)| (Key { county, id }, name))
            .collect())
    }
}
