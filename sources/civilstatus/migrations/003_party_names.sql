-- Lets the reads of a registration's parties (the life events and
-- registrations of a batch of citizens, and registrations by id) take each
-- party's role, id and name from the index alone. The primary key's index
-- lacks full_name, so on SQLite every party row cost a second lookup, in
-- the table.

CREATE INDEX registration_parties_registration ON registration_parties (registration_id, role, citizen_id, full_name);
