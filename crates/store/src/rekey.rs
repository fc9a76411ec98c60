//! Sealing the register again: once, for resident IDs sealed before ciphertexts named their
//! key and were bound to their row; and at each key rotation (`liangxin rotate-key`), when
//! every ID is sealed with the new key and its lookup hash made with it.

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::crypto::IdCipher;
use crate::error::Result;
use crate::schema::liangxin_meta::dsl as meta;
use crate::schema::member_profiles::dsl as mp;

/// Opens what a profile holds, given its row (county, member id).
type Open<'a> = &'a dyn Fn(&[u8], i32, i64) -> Result<liangxin_domain::resident_id::ResidentId>;

/// Profiles read at a time.
const PAGE: i64 = 5_000;

/// Seals every profile that `needs` says so again with `cipher`'s current key, for its row;
/// `open` reads what is there. Returns how many were sealed. Inside a write transaction.
fn reseal(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    open: Open<'_>,
    needs: &dyn Fn(&[u8]) -> bool,
) -> Result<usize> {
    let mut after = (i32::MIN, i64::MIN);
    let mut sealed = 0;
    loop {
        let page: Vec<(i32, i64, Vec<u8>)> = mp::member_profiles
            .filter(
                mp::county_code
                    .gt(after.0)
                    .or(mp::county_code.eq(after.0).and(mp::member_id.gt(after.1))),
            )
            .order((mp::county_code, mp::member_id))
            .limit(PAGE)
            .select((mp::county_code, mp::member_id, mp::resident_id_cipher))
            .load(conn)?;
        let Some(last) = page.last() else {
            break;
        };
        after = (last.0, last.1);
        for (county, member, old) in page {
            if !needs(&old) {
                continue;
            }
            let id = open(&old, county, member)?;
            diesel::update(
                mp::member_profiles
                    .filter(mp::county_code.eq(county))
                    .filter(mp::member_id.eq(member)),
            )
            .set((
                mp::resident_id_cipher.eq(cipher.encrypt(&id, county, member)?),
                mp::resident_id_hash.eq(cipher.lookup_hash(&id)),
            ))
            .execute(conn)?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// Seals the IDs sealed before ciphertexts named their key and their row, once.
pub(crate) fn upgrade(conn: &mut DbConnection, cipher: &IdCipher) -> Result<usize> {
    let done: i64 = meta::liangxin_meta
        .filter(meta::key.eq("sealed_format"))
        .filter(meta::value.eq("2"))
        .count()
        .get_result(conn)?;
    if done > 0 {
        return Ok(0);
    }
    crate::connection::write_transaction(conn, |conn| {
        let n = reseal(
            conn,
            cipher,
            &|old, _, _| cipher.decrypt_unbound(old),
            &|old| !cipher.is_bound(old),
        )?;
        diesel::insert_into(meta::liangxin_meta)
            .values((meta::key.eq("sealed_format"), meta::value.eq("2")))
            .execute(conn)?;
        Ok(n)
    })
}

impl crate::Store {
    /// Makes `master` the current key: every resident ID is sealed with it and its lookup
    /// hash made with it, the database's key check names it, and the rotation is written
    /// to the audit log (chained with the new key), in one transaction. The old keys stay
    /// in the ring to verify the log rows they chained. The caller must have put `master`
    /// in the key file first, beside the old key: until this commits, the old key is the
    /// one the database names. Returns how many IDs were sealed again.
    pub fn rotate_key(&mut self, actor: &str, master: &[u8; 32]) -> Result<usize> {
        let new = self.cipher.rotated_to(master);
        let old = &self.cipher;
        let n = crate::connection::write_transaction(&mut self.conn, |conn| {
            let n = reseal(
                conn,
                &new,
                &|sealed, county, member| old.decrypt(sealed, county, member),
                &|_| true,
            )?;
            diesel::update(meta::liangxin_meta.filter(meta::key.eq("key_check")))
                .set(meta::value.eq(new.key_check()))
                .execute(conn)?;
            audit::append(
                conn,
                &new,
                Entry {
                    actor,
                    action: "rotate_key",
                    entity: "key",
                    county: 0,
                    entity_id: 0,
                    before: Some(json!({ "key_id": old.key_id() })),
                    after: Some(json!({ "key_id": new.key_id(), "resealed": n })),
                },
            )?;
            Ok(n)
        })?;
        self.cipher = new;
        Ok(n)
    }

    /// The master keys of the ring, the current one first: what the key file must hold.
    pub fn key_ring(&self) -> Vec<[u8; 32]> {
        self.cipher.masters()
    }
}
