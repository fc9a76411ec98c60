-- Each member's archive items kept beside their latest meetings and dues, by every writer of
-- items (crates/store/src/activity.rs), so the audit of today reads one row per member
-- instead of every item of a city; a day before a member's latest item is read from the
-- items themselves. The bits follow the order of ArchiveItem::ALL (application 1,
-- volunteer 2, political_review 4, training 8, confirmation 16).
ALTER TABLE member_activity ADD COLUMN archive_items BIGINT NOT NULL DEFAULT 0;
ALTER TABLE member_activity ADD COLUMN archive_last_received_on DATE;
INSERT INTO member_activity (county_code, member_id)
SELECT DISTINCT i.county_code, i.member_id FROM member_archive_items i
WHERE NOT EXISTS (SELECT 1 FROM member_activity a
                  WHERE a.county_code = i.county_code AND a.member_id = i.member_id);
UPDATE member_activity SET
    archive_items = COALESCE((SELECT CAST(SUM(CASE i.item
            WHEN 'application' THEN 1 WHEN 'volunteer' THEN 2 WHEN 'political_review' THEN 4
            WHEN 'training' THEN 8 WHEN 'confirmation' THEN 16 ELSE 0 END) AS BIGINT)
        FROM member_archive_items i
        WHERE i.county_code = member_activity.county_code
          AND i.member_id = member_activity.member_id), 0),
    archive_last_received_on = (SELECT MAX(i.received_on) FROM member_archive_items i
        WHERE i.county_code = member_activity.county_code
          AND i.member_id = member_activity.member_id);
