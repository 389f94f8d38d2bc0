package baseline

import (
	"context"
	"time"

	"lienthong/auth"
	"lienthong/sources/audit"
)

// Fields of the citizens that a CaseContext response holds, as the
// gateway's audit trail names them.
var (
	applicantFields = []string{"businessHouseholds", "civilStatus", "dateOfBirth", "dossiers", "enterprises",
		"fullName", "gender", "household", "id", "maritalStatus", "permanentResidence", "status"}
	memberFields = []string{"civilStatus", "dateOfBirth", "fullName", "id"}
	personFields = []string{"fullName", "id"}
)

// reads returns the personal-data reads of a response: the applicant, the
// household's head and members, and the spouses, each for the dossier as
// purpose.
func (d *Data) reads() []audit.Read {
	if d == nil || d.Dossier == nil || d.Dossier.Applicant == nil {
		return nil
	}
	purpose := d.Dossier.Code
	rec := audit.NewRecorder()
	a := d.Dossier.Applicant
	rec.Record(a.ID, purpose, applicantFields)
	if h := a.Household; h != nil {
		if h.Head != nil {
			rec.Record(h.Head.ID, purpose, personFields)
		}
		for _, m := range h.Members {
			if m.Citizen != nil {
				rec.Record(m.Citizen.ID, purpose, memberFields)
			}
		}
	}
	for _, m := range a.CivilStatus.Marriages {
		if m.Spouse != nil {
			rec.Record(m.Spouse.ID, purpose, personFields)
		}
	}
	return rec.Reads()
}

// trail is the audit trail that a raw handler records its reads in.
type trail struct {
	// store receives the entries. When nil, reads are not audited: use
	// that in tests only.
	store *audit.Store
	// now stamps the entries.
	now func() time.Time
	// operation is the operation name the entries carry.
	operation string
}

// entries returns the audit entries of reads by the caller p, in the form
// the gateway writes them.
func (t trail) entries(p *auth.Principal, requestID string, reads []audit.Read) []audit.Entry {
	at := t.now().UTC().Format(time.RFC3339Nano)
	out := make([]audit.Entry, len(reads))
	for i, read := range reads {
		out[i] = audit.Entry{
			At: at, OfficerID: p.ID, Role: string(p.Role), Unit: p.Unit,
			CitizenID: read.CitizenID, Fields: audit.JoinFields(read.Fields), Purpose: read.Purpose,
			RequestID: requestID, Operation: t.operation,
		}
	}
	return out
}

// append writes the entries of reads to the trail, when there is one.
func (t trail) append(ctx context.Context, p *auth.Principal, requestID string, reads []audit.Read) error {
	if t.store == nil || len(reads) == 0 {
		return nil
	}
	return t.store.Append(ctx, t.entries(p, requestID, reads))
}

// Operation is the operation name the audit trail records for a read
// through Handler.
const Operation = "CaseContext (raw baseline)"
