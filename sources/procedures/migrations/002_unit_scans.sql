-- Lets a scan of one administrative unit list its dossiers in code order
-- from the index alone.

CREATE INDEX dossiers_commune_code ON dossiers (receiving_commune, code);
