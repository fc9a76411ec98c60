DELETE FROM id_alloc WHERE name IN ('service_centers', 'center_bookings');
DROP TABLE center_bookings;
DROP TABLE service_centers;
