//! Scheduled jobs shared by several servers on one database: each night's run is claimed by
//! one of them (under the write lock, so two cannot both claim it) and the others skip it.
//! A server that dies after claiming leaves that night unrun; the next night runs as usual.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::Store;
use crate::error::Result;
use crate::schema::job_claims as j;

impl Store {
    /// Claims `job` for `day` for the server `by`: true when this is the first claim, false
    /// when another (or this one before) holds it.
    pub fn claim_job(&mut self, job: &str, day: NaiveDate, by: &str) -> Result<bool> {
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let held: i64 = j::table
                .filter(j::job.eq(job).and(j::day.eq(day)))
                .count()
                .get_result(conn)?;
            if held > 0 {
                return Ok(false);
            }
            diesel::insert_into(j::table)
                .values((j::job.eq(job), j::day.eq(day), j::claimed_by.eq(by)))
                .execute(conn)?;
            Ok(true)
        })
    }
}
