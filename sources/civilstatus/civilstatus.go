// Package civilstatus adapts the Civil Status Management Information System
// (Hệ thống thông tin quản lý hộ tịch): registrations of birth, death,
// marriage, divorce, recognition of parent and child, guardianship,
// correction and marital-status confirmation, with the people each names.
//
// Lookups take a batch of keys and return one result per key, in key order.
package civilstatus

import (
	"context"
	"strconv"

	"lienthong/sqldb"
)

// Store reads the civil-status database.
type Store struct {
	db *sqldb.DB
}

// New returns a Store over db.
func New(db *sqldb.DB) *Store {
	return &Store{db: db}
}

// DB returns the database the store reads.
func (s *Store) DB() *sqldb.DB { return s.db }

// Registration is one registration with the people it names.
type Registration struct {
	ID                 int64   `db:"id"`
	Kind               string  `db:"kind"`
	Book               string  `db:"book"`
	Number             int     `db:"number"`
	RegisteringCommune string  `db:"registering_commune"`
	RegisteredOn       string  `db:"registered_on"`
	EventDate          *string `db:"event_date"`
	SubjectName        *string `db:"subject_name"`
	SubjectGender      *string `db:"subject_gender"`
	Place              *string `db:"place"`
	Cause              *string `db:"cause"`
	RelatedID          *int64  `db:"related_id"`
	Item               *string `db:"item"`
	OldValue           *string `db:"old_value"`
	NewValue           *string `db:"new_value"`
	StatedStatus       *string `db:"stated_status"`
	Purpose            *string `db:"purpose"`
	EndedOn            *string `db:"ended_on"`
	// DissolvedOn is the date of the divorce that dissolved a marriage.
	DissolvedOn *string `db:"dissolved_on"`
	Parties     []Party `db:"-"`
}

// Party is a person a registration names, in a role such as child, father,
// mother, deceased, husband, wife, parent, guardian, ward or subject.
type Party struct {
	CitizenID string `db:"citizen_id"`
	Role      string `db:"role"`
	FullName  string `db:"full_name"`
}

// PartyID returns the personal id of the first party in role, or "".
func (r *Registration) PartyID(role string) string {
	for _, p := range r.Parties {
		if p.Role == role {
			return p.CitizenID
		}
	}
	return ""
}

// HasParty reports whether id is named in role.
func (r *Registration) HasParty(id, role string) bool {
	for _, p := range r.Parties {
		if p.CitizenID == id && p.Role == role {
			return true
		}
	}
	return false
}

// NumberText returns the entry number as written in the book.
func (r *Registration) NumberText() string { return strconv.Itoa(r.Number) }

// partyRow is a registration joined with one of its parties and with the
// key it was selected by.
type partyRow struct {
	Key string `db:"lookup_key"`
	Registration
	PartyID   string `db:"party_id"`
	PartyRole string `db:"party_role"`
	PartyName string `db:"party_name"`
}

const registrationColumns = `r.id, r.kind, r.book, r.number, r.registering_commune, r.registered_on,
	r.event_date, r.subject_name, r.subject_gender, r.place, r.cause, r.related_id, r.item,
	r.old_value, r.new_value, r.stated_status, r.purpose, r.ended_on,
	CASE WHEN r.kind = 'marriage' THEN (SELECT MIN(COALESCE(d.event_date, d.registered_on))
		FROM registrations d WHERE d.related_id = r.id AND d.kind = 'divorce') END AS dissolved_on,
	COALESCE(q.citizen_id, '') AS party_id, COALESCE(q.role, '') AS party_role,
	COALESCE(q.full_name, '') AS party_name`

// RegistrationsByCitizen returns every registration naming each citizen,
// oldest first, each with all its parties.
func (s *Store) RegistrationsByCitizen(ctx context.Context, ids []string) ([][]Registration, error) {
	return s.registrationsByParty(ctx, "registrations_by_citizen", ``, ids)
}

// LifeEventsByCitizen returns, for each citizen, the births naming the
// citizen as the child, the marriages naming the citizen as husband or
// wife and the deaths naming the citizen as the deceased, oldest first,
// each with all its parties. These are the rows of RegistrationsByCitizen
// that a citizen's birth, marriages and death need. A parent is also named
// by the children's births, so for 127 sample citizens this read 411 rows
// where RegistrationsByCitizen reads 759.
func (s *Store) LifeEventsByCitizen(ctx context.Context, ids []string) ([][]Registration, error) {
	// The role list alone lets SQLite drop the parent rows from the index
	// before it looks up their registrations.
	const cond = ` AND p.role IN ('child', 'husband', 'wife', 'deceased')
		AND ((p.role = 'child' AND r.kind = 'birth')
			OR (p.role IN ('husband', 'wife') AND r.kind = 'marriage')
			OR (p.role = 'deceased' AND r.kind = 'death'))`
	return s.registrationsByParty(ctx, "life_events_by_citizen", cond, ids)
}

// registrationsByParty returns the registrations naming each citizen in a
// party row that also meets cond, a condition on p and r that starts with
// AND, grouped by citizen in the order of ids.
func (s *Store) registrationsByParty(ctx context.Context, op, cond string, ids []string) ([][]Registration, error) {
	var rows []partyRow
	query := `SELECT p.citizen_id AS lookup_key, ` + registrationColumns + `
		FROM registration_parties p
		JOIN registrations r ON r.id = p.registration_id
		JOIN registration_parties q ON q.registration_id = r.id
		WHERE p.citizen_id = ANY(?)` + cond + `
		ORDER BY p.citizen_id, r.registered_on, r.id, q.role, q.citizen_id`
	if err := sqldb.SelectKeys(ctx, s.db, op, &rows, query, ids); err != nil {
		return nil, err
	}
	return collect(ids, rows), nil
}

// RegistrationsByID returns the registration of each id, or nil.
func (s *Store) RegistrationsByID(ctx context.Context, ids []int64) ([]*Registration, error) {
	var rows []partyRow
	query := `SELECT CAST(r.id AS TEXT) AS lookup_key, ` + registrationColumns + `
		FROM registrations r
		LEFT JOIN registration_parties q ON q.registration_id = r.id
		WHERE r.id = ANY(?)
		ORDER BY r.id, q.role, q.citizen_id`
	if err := sqldb.SelectKeys(ctx, s.db, "registrations_by_id", &rows, query, ids); err != nil {
		return nil, err
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	out := make([]*Registration, len(ids))
	for i, regs := range collect(keys, rows) {
		if len(regs) > 0 {
			out[i] = &regs[0]
		}
	}
	return out, nil
}

// collect folds joined rows into registrations with their parties, grouped
// by key in key order. Rows of one key and registration must be adjacent.
func collect(keys []string, rows []partyRow) [][]Registration {
	byKey := make(map[string][]Registration, len(keys))
	for _, row := range rows {
		regs := byKey[row.Key]
		if n := len(regs); n == 0 || regs[n-1].ID != row.ID {
			reg := row.Registration
			reg.Parties = nil
			regs = append(regs, reg)
		}
		if row.PartyID != "" {
			last := &regs[len(regs)-1]
			last.Parties = append(last.Parties, Party{CitizenID: row.PartyID, Role: row.PartyRole, FullName: row.PartyName})
		}
		byKey[row.Key] = regs
	}
	out := make([][]Registration, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}
