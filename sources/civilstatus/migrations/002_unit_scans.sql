-- Lets a scan of a province's citizens find their registrations in a given
-- role from the index alone.

CREATE INDEX registration_parties_citizen_role ON registration_parties (citizen_id, role, registration_id);
