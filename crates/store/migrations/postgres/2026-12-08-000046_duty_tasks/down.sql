DROP TABLE duty_tasks;
DELETE FROM id_alloc WHERE name = 'duty_tasks';
