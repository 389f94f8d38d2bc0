-- Lets a scan of one administrative unit list its households in code order
-- from the index alone.

CREATE INDEX households_commune_code ON households (commune_code, code);
