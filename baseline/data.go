package baseline

import (
	"time"

	"lienthong/sources/adminunits"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// The types below give the CaseContext response the field names and order
// of the query, so that encoding/json writes what the gateway writes.

// Data is the "data" object of a CaseContext response.
type Data struct {
	Dossier *Dossier `json:"dossier"`
}

// Dossier is the dossier asked for, with its whole case.
type Dossier struct {
	Code             string           `json:"code"`
	Status           string           `json:"status"`
	Channel          string           `json:"channel"`
	ReceivedAt       string           `json:"receivedAt"`
	DueAt            string           `json:"dueAt"`
	ReturnedAt       *string          `json:"returnedAt"`
	Overdue          bool             `json:"overdue"`
	ReceivingCommune *CommuneProvince `json:"receivingCommune"`
	Procedure        *Procedure       `json:"procedure"`
	Applicant        *Applicant       `json:"applicant"`
}

// CommuneProvince is a commune with the code and name of its province.
type CommuneProvince struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province *Unit  `json:"province"`
}

// Unit is the code and name of a commune or province.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Name is an object with only a name.
type Name struct {
	Name string `json:"name"`
}

// Procedure is the procedure a dossier applies for.
type Procedure struct {
	Code               string   `json:"code"`
	Name               string   `json:"name"`
	Sector             string   `json:"sector"`
	Level              []string `json:"level"`
	OnlineServiceLevel string   `json:"onlineServiceLevel"`
	Status             string   `json:"status"`
	ProcessingDays     *float64 `json:"processingDays"`
}

// Applicant is the citizen who filed the dossier.
type Applicant struct {
	ID                 string              `json:"id"`
	FullName           string              `json:"fullName"`
	DateOfBirth        string              `json:"dateOfBirth"`
	Gender             string              `json:"gender"`
	Status             string              `json:"status"`
	MaritalStatus      string              `json:"maritalStatus"`
	PermanentResidence *Residence          `json:"permanentResidence"`
	Household          *Household          `json:"household"`
	CivilStatus        CivilStatus         `json:"civilStatus"`
	Enterprises        []Enterprise        `json:"enterprises"`
	BusinessHouseholds []BusinessHousehold `json:"businessHouseholds"`
	Dossiers           DossierConnection   `json:"dossiers"`
}

// Residence is the applicant's permanent residence.
type Residence struct {
	Address string         `json:"address"`
	Commune *ResidenceUnit `json:"commune"`
}

// ResidenceUnit is the commune of a residence.
type ResidenceUnit struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province *Name  `json:"province"`
}

// Household is the applicant's household.
type Household struct {
	Code    string   `json:"code"`
	Head    *Person  `json:"head"`
	Members []Member `json:"members"`
}

// Person is the id and name of a citizen.
type Person struct {
	ID       string `json:"id"`
	FullName string `json:"fullName"`
}

// Member is one member of the household.
type Member struct {
	RelationToHead string         `json:"relationToHead"`
	Citizen        *MemberCitizen `json:"citizen"`
}

// MemberCitizen is a household member's citizen record.
type MemberCitizen struct {
	ID          string            `json:"id"`
	FullName    string            `json:"fullName"`
	DateOfBirth string            `json:"dateOfBirth"`
	CivilStatus MemberCivilStatus `json:"civilStatus"`
}

// MemberCivilStatus is a member's birth registration.
type MemberCivilStatus struct {
	Birth *Birth `json:"birth"`
}

// Birth is a birth registration.
type Birth struct {
	RegistrationNumber string `json:"registrationNumber"`
	RegisteredOn       string `json:"registeredOn"`
}

// CivilStatus is the applicant's civil status.
type CivilStatus struct {
	Birth     *ApplicantBirth `json:"birth"`
	Marriages []Marriage      `json:"marriages"`
	Death     *Death          `json:"death"`
}

// ApplicantBirth is the applicant's birth registration.
type ApplicantBirth struct {
	RegistrationNumber string `json:"registrationNumber"`
	RegisteredOn       string `json:"registeredOn"`
	RegisteringCommune *Name  `json:"registeringCommune"`
}

// Marriage is a marriage of the applicant.
type Marriage struct {
	RegisteredOn string  `json:"registeredOn"`
	Spouse       *Person `json:"spouse"`
	DissolvedOn  *string `json:"dissolvedOn"`
}

// Death is the applicant's death registration.
type Death struct {
	DateOfDeath  string `json:"dateOfDeath"`
	RegisteredOn string `json:"registeredOn"`
}

// Enterprise is an enterprise the applicant has a role in.
type Enterprise struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Role   string `json:"role"`
}

// BusinessHousehold is a household business the applicant owns.
type BusinessHousehold struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Commune *Name  `json:"commune"`
}

// DossierConnection is the first page of the applicant's dossiers.
type DossierConnection struct {
	TotalCount int           `json:"totalCount"`
	Edges      []DossierEdge `json:"edges"`
}

// DossierEdge is one dossier of the page.
type DossierEdge struct {
	Node DossierNode `json:"node"`
}

// DossierNode is a dossier of the applicant.
type DossierNode struct {
	Code       string `json:"code"`
	Status     string `json:"status"`
	Procedure  *Name  `json:"procedure"`
	ReceivedAt string `json:"receivedAt"`
}

func (c *CaseContext) dossier(g *gathered) *Dossier {
	d := g.dossier
	if d == nil {
		return nil
	}
	out := &Dossier{
		Code:       d.Code,
		Status:     enum(d.Status),
		Channel:    enum(d.Channel),
		ReceivedAt: dateTime(d.ReceivedAt),
		DueAt:      dateTime(d.DueAt),
		Overdue:    overdue(d, c.Now()),
	}
	if d.ReturnedAt != nil && *d.ReturnedAt != "" {
		t := dateTime(*d.ReturnedAt)
		out.ReturnedAt = &t
	}
	if cm := c.Units.Commune(d.ReceivingCommune); cm != nil {
		out.ReceivingCommune = &CommuneProvince{Code: cm.Code, Name: cm.Name}
		if p := c.Units.Province(cm.ProvinceCode); p != nil {
			out.ReceivingCommune.Province = &Unit{Code: p.Code, Name: p.Name}
		}
	}
	if p := g.procedures[d.ProcedureCode]; p != nil {
		out.Procedure = &Procedure{
			Code: p.Code, Name: p.Name, Sector: p.Sector, Level: enums(p.LevelList()),
			OnlineServiceLevel: enum(p.OnlineServiceLevel), Status: enum(p.Status),
			ProcessingDays: p.ProcessingDays,
		}
	}
	if a := g.citizens[d.ApplicantID]; a != nil {
		out.Applicant = c.applicant(g, a)
	}
	return out
}

func (c *CaseContext) applicant(g *gathered, a *population.Citizen) *Applicant {
	out := &Applicant{
		ID: a.ID, FullName: a.FullName, DateOfBirth: a.DateOfBirth, Gender: enum(a.Gender),
		Status: enum(a.Status), MaritalStatus: enum(a.MaritalStatus),
		Enterprises:        []Enterprise{},
		BusinessHouseholds: []BusinessHousehold{},
	}
	for _, r := range g.residences {
		if r.Kind != "permanent" {
			continue
		}
		out.PermanentResidence = &Residence{Address: r.Address}
		if cm := c.Units.Commune(r.CommuneCode); cm != nil {
			out.PermanentResidence.Commune = &ResidenceUnit{Code: cm.Code, Name: cm.Name, Province: c.province(cm)}
		}
		break
	}
	out.Household = c.household(g)
	out.CivilStatus = c.civilStatus(g, a.ID)
	for _, role := range g.roles {
		if e := g.enterprises[role.EnterpriseCode]; e != nil {
			out.Enterprises = append(out.Enterprises, Enterprise{
				Code: e.Code, Name: e.Name, Status: enum(e.Status), Role: enum(role.Role),
			})
		}
	}
	for _, h := range g.businesses {
		out.BusinessHouseholds = append(out.BusinessHouseholds, BusinessHousehold{
			Code: h.Code, Name: h.Name, Status: enum(h.Status), Commune: c.communeName(h.CommuneCode),
		})
	}
	out.Dossiers = DossierConnection{TotalCount: g.dossierCount, Edges: []DossierEdge{}}
	for _, d := range firstDossiers(g.dossierPage) {
		node := DossierNode{Code: d.Code, Status: enum(d.Status), ReceivedAt: dateTime(d.ReceivedAt)}
		if p := g.procedures[d.ProcedureCode]; p != nil {
			node.Procedure = &Name{Name: p.Name}
		}
		out.Dossiers.Edges = append(out.Dossiers.Edges, DossierEdge{Node: node})
	}
	return out
}

func (c *CaseContext) household(g *gathered) *Household {
	h := g.household
	if h == nil {
		return nil
	}
	out := &Household{Code: h.Code, Members: []Member{}}
	if head := g.citizens[h.HeadID]; head != nil {
		out.Head = &Person{ID: head.ID, FullName: head.FullName}
	}
	for _, m := range g.members {
		member := Member{RelationToHead: enum(m.RelationToHead)}
		if cz := g.citizens[m.CitizenID]; cz != nil {
			member.Citizen = &MemberCitizen{ID: cz.ID, FullName: cz.FullName, DateOfBirth: cz.DateOfBirth}
			birth := findRegistration(g.registrations[cz.ID], "birth", "child", cz.ID)
			if birth != nil {
				member.Citizen.CivilStatus.Birth = &Birth{
					RegistrationNumber: birth.NumberText(), RegisteredOn: birth.RegisteredOn,
				}
			}
		}
		out.Members = append(out.Members, member)
	}
	return out
}

func (c *CaseContext) civilStatus(g *gathered, id string) CivilStatus {
	regs := g.registrations[id]
	out := CivilStatus{Marriages: []Marriage{}}
	if b := findRegistration(regs, "birth", "child", id); b != nil {
		out.Birth = &ApplicantBirth{
			RegistrationNumber: b.NumberText(), RegisteredOn: b.RegisteredOn,
			RegisteringCommune: c.communeName(b.RegisteringCommune),
		}
	}
	for _, m := range marriages(regs, id) {
		entry := Marriage{RegisteredOn: m.reg.RegisteredOn}
		if m.reg.DissolvedOn != nil && *m.reg.DissolvedOn != "" {
			entry.DissolvedOn = m.reg.DissolvedOn
		}
		if s := g.citizens[m.spouseID]; s != nil {
			entry.Spouse = &Person{ID: s.ID, FullName: s.FullName}
		}
		out.Marriages = append(out.Marriages, entry)
	}
	if d := findRegistration(regs, "death", "deceased", id); d != nil {
		out.Death = &Death{DateOfDeath: deref(d.EventDate), RegisteredOn: d.RegisteredOn}
	}
	return out
}

func (c *CaseContext) communeName(code string) *Name {
	if cm := c.Units.Commune(code); cm != nil {
		return &Name{Name: cm.Name}
	}
	return nil
}

func (c *CaseContext) province(cm *adminunits.Commune) *Name {
	if p := c.Units.Province(cm.ProvinceCode); p != nil {
		return &Name{Name: p.Name}
	}
	return nil
}

// dateTime rewrites a stored RFC 3339 timestamp in UTC, as the gateway's
// DateTime scalar does. A malformed value becomes the zero time there too.
func dateTime(s string) string {
	t, _ := time.Parse(time.RFC3339, s)
	return t.UTC().Format(time.RFC3339)
}

// overdue applies the gateway's rule: a returned dossier is overdue when it
// was returned after its due time, an open one when now is past it, and a
// rejected or withdrawn one never.
func overdue(d *procedures.Dossier, now time.Time) bool {
	due, _ := time.Parse(time.RFC3339, d.DueAt)
	switch d.Status {
	case "rejected", "withdrawn":
		return false
	case "returned":
		if d.ReturnedAt == nil || *d.ReturnedAt == "" {
			return false
		}
		returned, _ := time.Parse(time.RFC3339, *d.ReturnedAt)
		return returned.After(due)
	}
	return now.After(due)
}

func enums(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = enum(s)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
