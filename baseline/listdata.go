package baseline

import (
	"lienthong/sources/audit"
	"lienthong/sources/population"
)

// The types below give the dossier list response the field names and
// order of the query, so that encoding/json writes what the gateway writes.

// ListData is the "data" object of a dossier list response.
type ListData struct {
	Dossiers ListConnection `json:"dossiers"`
	// reads are the personal-data reads of the response, for the audit
	// trail.
	reads []audit.Read
}

// ListConnection is the page of dossiers.
type ListConnection struct {
	TotalCount int        `json:"totalCount"`
	Edges      []ListEdge `json:"edges"`
}

// ListEdge is one dossier of the page.
type ListEdge struct {
	Node ListDossier `json:"node"`
}

// ListDossier is a dossier with its applicant's case.
type ListDossier struct {
	Code      string         `json:"code"`
	Status    string         `json:"status"`
	Procedure *Name          `json:"procedure"`
	Applicant *ListApplicant `json:"applicant"`
}

// ListApplicant is the citizen who filed a dossier of the page.
type ListApplicant struct {
	FullName    string          `json:"fullName"`
	Household   *ListHousehold  `json:"household"`
	CivilStatus ListCivilStatus `json:"civilStatus"`
	Enterprises []Name          `json:"enterprises"`
	Dossiers    CodeConnection  `json:"dossiers"`
}

// ListHousehold is the applicant's household.
type ListHousehold struct {
	Members []ListMember `json:"members"`
}

// ListMember is one member of the household.
type ListMember struct {
	Citizen *ListMemberCitizen `json:"citizen"`
}

// ListMemberCitizen is a household member's citizen record.
type ListMemberCitizen struct {
	FullName    string                `json:"fullName"`
	CivilStatus ListMemberCivilStatus `json:"civilStatus"`
}

// ListMemberCivilStatus is a member's birth registration.
type ListMemberCivilStatus struct {
	Birth *RegistrationNumber `json:"birth"`
}

// RegistrationNumber is a registration with only its number.
type RegistrationNumber struct {
	RegistrationNumber string `json:"registrationNumber"`
}

// ListCivilStatus is the applicant's marriages.
type ListCivilStatus struct {
	Marriages []ListMarriage `json:"marriages"`
}

// ListMarriage is a marriage of the applicant.
type ListMarriage struct {
	Spouse *FullName `json:"spouse"`
}

// FullName is a citizen with only a full name.
type FullName struct {
	FullName string `json:"fullName"`
}

// CodeConnection is the first page of the applicant's dossiers.
type CodeConnection struct {
	TotalCount int        `json:"totalCount"`
	Edges      []CodeEdge `json:"edges"`
}

// CodeEdge is one dossier of the applicant's page.
type CodeEdge struct {
	Node Code `json:"node"`
}

// Code is a dossier with only its code.
type Code struct {
	Code string `json:"code"`
}

// Fields of the citizens that a dossier list response holds, as the
// gateway's audit trail names them.
var (
	listApplicantFields = []string{"civilStatus", "dossiers", "enterprises", "fullName", "household"}
	listMemberFields    = []string{"civilStatus", "fullName"}
	listSpouseFields    = []string{"fullName"}
)

// data builds the response from the rows and records a read of every
// citizen it holds, with the dossier as purpose, as the gateway does.
func (g *listRows) data() *ListData {
	rec := audit.NewRecorder()
	out := &ListData{Dossiers: ListConnection{TotalCount: g.total, Edges: make([]ListEdge, len(g.page))}}
	for i, d := range g.page {
		node := ListDossier{Code: d.Code, Status: enum(d.Status)}
		if p := g.procedures[d.ProcedureCode]; p != nil {
			node.Procedure = &Name{Name: p.Name}
		}
		if a := g.citizens[d.ApplicantID]; a != nil {
			node.Applicant = g.applicant(a, d.Code, rec)
		}
		out.Dossiers.Edges[i] = ListEdge{Node: node}
	}
	out.reads = rec.Reads()
	return out
}

func (g *listRows) applicant(a *population.Citizen, purpose string, rec *audit.Recorder) *ListApplicant {
	rec.Record(a.ID, purpose, listApplicantFields)
	out := &ListApplicant{
		FullName:    a.FullName,
		CivilStatus: ListCivilStatus{Marriages: []ListMarriage{}},
		Enterprises: []Name{},
		Dossiers:    CodeConnection{TotalCount: g.applicantCounts[a.ID], Edges: []CodeEdge{}},
	}
	if h := g.household(a.ID); h != nil {
		out.Household = &ListHousehold{Members: []ListMember{}}
		for _, m := range g.members[h.Code] {
			out.Household.Members = append(out.Household.Members, g.member(m.CitizenID, purpose, rec))
		}
	}
	for _, m := range marriages(g.lifeEvents[a.ID], a.ID) {
		var entry ListMarriage
		if s := g.citizens[m.spouseID]; s != nil {
			rec.Record(s.ID, purpose, listSpouseFields)
			entry.Spouse = &FullName{FullName: s.FullName}
		}
		out.CivilStatus.Marriages = append(out.CivilStatus.Marriages, entry)
	}
	for _, role := range g.roles[a.ID] {
		if e := g.enterprises[role.EnterpriseCode]; e != nil {
			out.Enterprises = append(out.Enterprises, Name{Name: e.Name})
		}
	}
	page := g.applicantPages[a.ID]
	for _, d := range page[:min(len(page), applicantPageSize)] {
		out.Dossiers.Edges = append(out.Dossiers.Edges, CodeEdge{Node: Code{Code: d.Code}})
	}
	return out
}

func (g *listRows) member(id, purpose string, rec *audit.Recorder) ListMember {
	c := g.citizens[id]
	if c == nil {
		return ListMember{}
	}
	rec.Record(c.ID, purpose, listMemberFields)
	out := &ListMemberCitizen{FullName: c.FullName}
	if b := findRegistration(g.lifeEvents[c.ID], "birth", "child", c.ID); b != nil {
		out.CivilStatus.Birth = &RegistrationNumber{RegistrationNumber: b.NumberText()}
	}
	return ListMember{Citizen: out}
}
