-- 党务工作者队伍: the party-affairs workers (专职 / 兼职) registered by the committees they
-- serve, and the training (分层分类) of secretaries and workers: a course organized by a
-- party organization (its level follows from the organizer's place in the tree), and who
-- attended it for how many 学时. An attendee is a member on the register (a secretary, or a
-- worker who is a member: their hours are one person's) or a registered worker who is not.
CREATE TABLE party_workers (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    member_id BIGINT,
    duty TEXT NOT NULL,
    source TEXT NOT NULL,
    qualification TEXT NOT NULL,
    since DATE NOT NULL,
    until DATE,
    registered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX party_workers_party_org ON party_workers (county_code, party_org_id);
CREATE INDEX party_workers_member ON party_workers (county_code, member_id);

CREATE TABLE training_courses (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    hours INTEGER NOT NULL,
    place TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX training_courses_party_org ON training_courses (county_code, party_org_id, starts_on);
CREATE INDEX training_courses_starts ON training_courses (starts_on);

CREATE TABLE training_attendance (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    course_id BIGINT NOT NULL,
    person_county INTEGER NOT NULL,
    member_id BIGINT,
    worker_id BIGINT,
    hours INTEGER NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, course_id) REFERENCES training_courses (county_code, id),
    FOREIGN KEY (person_county, member_id) REFERENCES members (county_code, id),
    FOREIGN KEY (person_county, worker_id) REFERENCES party_workers (county_code, id),
    CHECK ((member_id IS NULL) <> (worker_id IS NULL))
);
CREATE UNIQUE INDEX training_attendance_member ON training_attendance (county_code, course_id, person_county, member_id) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX training_attendance_worker ON training_attendance (county_code, course_id, person_county, worker_id) WHERE worker_id IS NOT NULL;
CREATE INDEX training_attendance_course ON training_attendance (course_id);
CREATE INDEX training_attendance_by_member ON training_attendance (member_id, person_county);
CREATE INDEX training_attendance_by_worker ON training_attendance (worker_id, person_county);

INSERT INTO id_alloc (name, next_id) VALUES ('party_workers', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('training_courses', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('training_attendance', 1);
