DROP TABLE zone_items;
