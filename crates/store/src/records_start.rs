//! 台账起始月: the month a party organization's records in the platform start. It is set
//! when the organization is registered (by the page, an import or a bulk load) and may be
//! moved by the level above — never by the organization's own secretary, whose findings it
//! bounds — with the change in the audit log.

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError};
use crate::registry::month_start;
use crate::schema::party_orgs as po;
use crate::{Scope, Store};

impl Store {
    /// Moves the 台账起始月 of a party organization strictly below the scope's root to the
    /// month of `month`, not later than this month. One transaction, audited.
    pub fn set_records_start(
        &mut self,
        actor: &str,
        scope: &Scope,
        org: Key,
        month: NaiveDate,
        today: NaiveDate,
    ) -> Result<()> {
        let month = month_start(month);
        if month > month_start(today) {
            return Err(StoreError::invalid("台账起始月", "不能晚于本月"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (path, org_type, before) = po::table
                .filter(po::county_code.eq(org.county))
                .filter(po::id.eq(org.id))
                .filter(po::dissolved_on.is_null())
                .select((po::path, po::org_type, po::records_start))
                .first::<(String, String, NaiveDate)>(conn)
                .optional()?
                .filter(|(path, ..)| scope.member.is_none() && scope.contains_path(path))
                .ok_or_else(|| StoreError::invalid("党组织", "不存在或不在您的管理范围内"))?;
            let org_type = PartyOrgType::parse(&org_type)
                .map_err(|e| StoreError::Corrupt(format!("党组织类型：{e}")))?;
            if !scope.may_move_records_start(&path, org_type) {
                return Err(StoreError::invalid(
                    "台账起始月",
                    "由上级党组织设定，本级不能修改",
                ));
            }
            if before == month {
                return Ok(());
            }
            diesel::update(
                po::table
                    .filter(po::county_code.eq(org.county))
                    .filter(po::id.eq(org.id)),
            )
            .set(po::records_start.eq(month))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "set_records_start",
                    entity: "party_org",
                    county: org.county,
                    entity_id: org.id,
                    before: Some(json!({ "records_start": before })),
                    after: Some(json!({ "records_start": month })),
                },
            )
        })
    }
}
