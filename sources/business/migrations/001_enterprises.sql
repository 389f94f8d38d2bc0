-- Enterprises of the National Business Registration Database and household
-- businesses of the Business Household Registration System. Dates are ISO
-- 8601 text; money is whole VND.

CREATE TABLE enterprises (
    code                TEXT PRIMARY KEY,  -- 10-digit enterprise code, equal to the tax code
    name                TEXT NOT NULL,
    type                TEXT NOT NULL,     -- private | single_member_llc | multi_member_llc | joint_stock | partnership
    status              TEXT NOT NULL,     -- active | suspended | not_at_address | revoked | dissolving | bankrupting | dissolved
    status_since        TEXT NOT NULL,
    registered_on       TEXT NOT NULL,
    address             TEXT NOT NULL,
    commune_code        TEXT NOT NULL,
    charter_capital     BIGINT NOT NULL,
    representative_id   TEXT               -- personal id of the legal representative
);

CREATE INDEX enterprises_representative ON enterprises (representative_id);
CREATE INDEX enterprises_commune ON enterprises (commune_code);

-- Owners, members, shareholders and partners, by personal id. The legal
-- representative is also listed here with the role legal_representative.
CREATE TABLE enterprise_people (
    enterprise_code  TEXT NOT NULL,
    citizen_id       TEXT NOT NULL,
    role             TEXT NOT NULL,  -- legal_representative | owner | member | shareholder | partner
    share_percent    DOUBLE PRECISION,
    PRIMARY KEY (enterprise_code, citizen_id, role)
);

CREATE INDEX enterprise_people_citizen ON enterprise_people (citizen_id);

CREATE TABLE enterprise_industries (
    enterprise_code  TEXT NOT NULL,
    vsic_code        TEXT NOT NULL,  -- VSIC 2018 level-4 class
    is_main          BOOLEAN NOT NULL,
    PRIMARY KEY (enterprise_code, vsic_code)
);

CREATE TABLE business_households (
    code           TEXT PRIMARY KEY,  -- since July 2025 the representative's personal id
    name           TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    commune_code   TEXT NOT NULL,
    address        TEXT NOT NULL,
    business_line  TEXT NOT NULL,
    vsic_code      TEXT NOT NULL,
    capital        BIGINT NOT NULL,
    status         TEXT NOT NULL,     -- active | suspended | terminated
    registered_on  TEXT NOT NULL
);

CREATE INDEX business_households_owner ON business_households (owner_id);
CREATE INDEX business_households_commune ON business_households (commune_code);
