-- The audit counts a member's archive items received by the day it judges: this index
-- answers that sum per member without reading the table.
CREATE INDEX member_archive_items_by_day
    ON member_archive_items (county_code, member_id, received_on, item);
