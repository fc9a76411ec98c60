DROP TABLE member_archive_items;
