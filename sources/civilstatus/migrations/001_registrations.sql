-- Registrations of the Civil Status Management Information System. One table
-- holds every kind of registration; the columns after event_date apply to
-- some kinds only. Dates are ISO 8601 text.

CREATE TABLE registrations (
    id                   BIGINT PRIMARY KEY,
    kind                 TEXT NOT NULL,     -- birth | death | marriage | divorce | recognition |
                                            -- guardianship | correction | marital_status_confirmation
    book                 TEXT NOT NULL,     -- quyển số, e.g. 01/2023; one book per kind, office and year
    number               INTEGER NOT NULL,  -- số, the entry number within the book
    registering_commune  TEXT NOT NULL,     -- commune code of the registering office
    registered_on        TEXT NOT NULL,
    event_date           TEXT,              -- date of birth, death or the court decision
    subject_name         TEXT,              -- name as written on the registration (birth, death)
    subject_gender       TEXT,              -- gender as written on the registration (birth)
    place                TEXT,              -- place of birth or death
    cause                TEXT,              -- cause of death
    related_id           BIGINT,            -- divorce: the marriage it dissolves
    item                 TEXT,              -- correction: the item changed
    old_value            TEXT,
    new_value            TEXT,
    stated_status        TEXT,              -- confirmation: the marital status confirmed
    purpose              TEXT,              -- confirmation: what the certificate is for
    ended_on             TEXT               -- guardianship: when it ended
);

CREATE INDEX registrations_related ON registrations (related_id);
CREATE INDEX registrations_commune ON registrations (registering_commune, kind);

-- The people a registration names, by personal id. Roles: child, father,
-- mother, deceased, husband, wife, parent, guardian, ward, subject.
CREATE TABLE registration_parties (
    registration_id  BIGINT NOT NULL,
    citizen_id       TEXT NOT NULL,
    role             TEXT NOT NULL,
    full_name        TEXT NOT NULL,
    PRIMARY KEY (registration_id, role, citizen_id)
);

CREATE INDEX registration_parties_citizen ON registration_parties (citizen_id, registration_id);
