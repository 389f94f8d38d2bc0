package baseline

import (
	"context"
	"crypto/rand"
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

// auditEntries returns the audit entries of the reads in data by the
// caller p, in the form the gateway writes them.
func auditEntries(p *auth.Principal, requestID string, at time.Time, data *Data) []audit.Entry {
	reads := data.reads()
	out := make([]audit.Entry, len(reads))
	for i, read := range reads {
		out[i] = audit.Entry{
			At: at.UTC().Format(time.RFC3339Nano), OfficerID: p.ID, Role: string(p.Role), Unit: p.Unit,
			CitizenID: read.CitizenID, Fields: audit.JoinFields(read.Fields), Purpose: read.Purpose,
			RequestID: requestID, Operation: Operation,
		}
	}
	return out
}

// Operation is the operation name the audit trail records for a read
// through Handler.
const Operation = "CaseContext (raw baseline)"

// requestID returns the request's X-Request-Id, or a new random id.
func requestID(header string) string {
	if header != "" && len(header) <= 128 {
		return header
	}
	return rand.Text()
}

// appendAudit writes the entries of data to the trail, when there is one.
func (c *CaseContext) appendAudit(ctx context.Context, p *auth.Principal, id string, data *Data) error {
	if c.Audit == nil {
		return nil
	}
	entries := auditEntries(p, id, c.Now(), data)
	if len(entries) == 0 {
		return nil
	}
	return c.Audit.Append(ctx, entries)
}
