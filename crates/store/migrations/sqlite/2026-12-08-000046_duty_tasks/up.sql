-- 责任清单: a task a committee gives to an organization below it, or to a unit outside the
-- party tree it names (委员单位, a department), with a deadline; the owner (or the committee)
-- records progress and marks it done with evidence. Open past its deadline, it is overdue:
-- in the owner's and the committee's 待办.
CREATE TABLE duty_tasks (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    assigner_id BIGINT NOT NULL,
    owner_county INTEGER,
    owner_id BIGINT,
    owner_name TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    deadline DATE NOT NULL,
    assigned_on DATE NOT NULL,
    assigned_by TEXT NOT NULL,
    progress TEXT,
    done_on DATE,
    done_by TEXT,
    evidence TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, assigner_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (owner_county, owner_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX duty_tasks_assigner ON duty_tasks (county_code, assigner_id);
CREATE INDEX duty_tasks_owner ON duty_tasks (owner_county, owner_id);

INSERT INTO id_alloc (name, next_id) VALUES ('duty_tasks', 1);
