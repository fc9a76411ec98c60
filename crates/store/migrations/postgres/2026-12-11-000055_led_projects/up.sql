-- 项目领办清单: a project a party organization's 书记 takes on (the member who was 书记 on
-- the day is kept as its leader), its goal and day, its 节点 (milestones, each done on a
-- day with its evidence), progress notes, and at the end its outcome and result.
CREATE TABLE led_projects (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    leader_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    goal TEXT NOT NULL,
    taken_on DATE NOT NULL,
    due_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    closed_on DATE,
    outcome TEXT,
    result TEXT,
    closed_by TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (county_code, leader_id) REFERENCES members (county_code, id)
);
CREATE INDEX led_projects_party_org ON led_projects (county_code, party_org_id);
CREATE INDEX led_projects_party_org_id ON led_projects (party_org_id);

CREATE TABLE project_milestones (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE,
    evidence TEXT,
    done_by TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, project_id) REFERENCES led_projects (county_code, id)
);
CREATE INDEX project_milestones_project ON project_milestones (county_code, project_id);

CREATE TABLE project_notes (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    noted_on DATE NOT NULL,
    note TEXT NOT NULL,
    noted_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, project_id) REFERENCES led_projects (county_code, id)
);
CREATE INDEX project_notes_project ON project_notes (county_code, project_id);

INSERT INTO id_alloc (name, next_id) VALUES ('led_projects', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('project_milestones', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('project_notes', 1);
