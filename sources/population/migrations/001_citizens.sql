-- Citizens, households and residences of the National Population Database.
-- Dates are ISO 8601 text (YYYY-MM-DD) so that both engines sort and compare
-- them the same way.

CREATE TABLE citizens (
    id                 TEXT PRIMARY KEY,  -- 12-digit personal identification number
    full_name          TEXT NOT NULL,     -- NFC
    name_key           TEXT NOT NULL,     -- full_name folded: lower case, no diacritics, đ -> d
    date_of_birth      TEXT NOT NULL,
    gender             TEXT NOT NULL,     -- male | female
    ethnicity_code     TEXT NOT NULL,     -- GSO code 01-54
    religion_code      TEXT,              -- QCVN 109:2017 code 01-14; NULL means no religion
    nationality        TEXT NOT NULL,     -- ISO 3166-1 alpha-2
    blood_group        TEXT,              -- A, B, AB, O with Rh sign; NULL when not declared
    status             TEXT NOT NULL,     -- alive | deceased | missing
    date_of_death      TEXT,
    marital_status     TEXT NOT NULL,     -- single | married | divorced | widowed
    birth_place        TEXT NOT NULL,     -- commune code (2025 list) of the place of birth
    hometown           TEXT NOT NULL,     -- commune code (2025 list) of the hometown
    household_code     TEXT               -- household the citizen belongs to, if any
);

CREATE INDEX citizens_name_key ON citizens (name_key, id);
CREATE INDEX citizens_household ON citizens (household_code);

CREATE TABLE households (
    code          TEXT PRIMARY KEY,
    head_id       TEXT NOT NULL,
    address       TEXT NOT NULL,
    commune_code  TEXT NOT NULL
);

CREATE INDEX households_commune ON households (commune_code);

-- Members are listed by personal id without a foreign key: the population
-- database is known to hold members whose citizen record is missing.
CREATE TABLE household_members (
    household_code    TEXT NOT NULL,
    citizen_id        TEXT NOT NULL,
    relation_to_head  TEXT NOT NULL,  -- head | wife | husband | child | father | mother | ...
    position          INTEGER NOT NULL,
    PRIMARY KEY (household_code, citizen_id)
);

CREATE INDEX household_members_citizen ON household_members (citizen_id);

CREATE TABLE residences (
    id             BIGINT PRIMARY KEY,
    citizen_id     TEXT NOT NULL,
    kind           TEXT NOT NULL,  -- permanent | temporary
    address        TEXT NOT NULL,  -- street address within the commune
    commune_code   TEXT NOT NULL,
    registered_on  TEXT NOT NULL,
    expires_on     TEXT            -- temporary residences only
);

CREATE INDEX residences_citizen ON residences (citizen_id);
CREATE INDEX residences_commune ON residences (commune_code, kind, citizen_id);
