-- Lets a scan of one administrative unit list its household businesses and
-- enterprises in code order from the index alone.

CREATE INDEX business_households_commune_code ON business_households (commune_code, code);
CREATE INDEX enterprises_commune_code ON enterprises (commune_code, code);
