DROP TABLE project_notes;
DROP TABLE project_milestones;
DROP TABLE led_projects;
DELETE FROM id_alloc WHERE name IN ('led_projects', 'project_milestones', 'project_notes');
