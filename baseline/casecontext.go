// Package baseline gathers the data of the CaseContext query and of the
// dossier list by calling the sources' batch lookups directly, with no
// GraphQL, and serves it over HTTP. It is the floor that benchmarks hold
// the gateway against: the same statements in the same levels and batches
// as the request's loaders run, serialised to the JSON the gateway returns
// in "data".
package baseline

import (
	"context"
	"strings"
	"time"

	"lienthong/loaders"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// CaseContext gathers the CaseContext data of one dossier level by level,
// as the gateway's loaders do: each level's batches run concurrently, and a
// key fetched at an earlier level is not fetched again.
type CaseContext struct {
	Stores loaders.Stores
	Units  *adminunits.Units
	// Now decides which dossiers are overdue and stamps audit entries.
	Now func() time.Time
	// Audit receives an entry for every citizen a response holds, written
	// before the response is sent. When nil, reads are not audited: use
	// that in tests only.
	Audit *audit.Store
}

// dossierPageSize is the first: argument of the applicant's dossiers in the
// CaseContext query.
const dossierPageSize = 5

// gathered holds the rows of one request, keyed as the loaders cache them.
type gathered struct {
	dossier    *procedures.Dossier
	procedures map[string]*procedures.Procedure
	citizens   map[string]*population.Citizen
	// registrations come from LifeEventsByCitizen: CaseContext selects
	// only the birth, marriages and death of each civil status, so the
	// gateway reads them through its LifeEvents loader.
	registrations map[string][]civilstatus.Registration
	residences    []population.Residence
	household     *population.Household
	members       []population.Member
	roles         []business.Person
	enterprises   map[string]*business.Enterprise
	businesses    []business.Household
	dossierPage   []procedures.Dossier
	dossierCount  int
}

// Data returns the "data" object of the CaseContext query for the dossier
// code, with a nil dossier when no dossier has that code.
func (c *CaseContext) Data(ctx context.Context, code string) (*Data, error) {
	g := &gathered{
		procedures:    make(map[string]*procedures.Procedure),
		citizens:      make(map[string]*population.Citizen),
		registrations: make(map[string][]civilstatus.Registration),
		enterprises:   make(map[string]*business.Enterprise),
	}
	if err := c.gather(ctx, g, code); err != nil {
		return nil, err
	}
	return &Data{Dossier: c.dossier(g)}, nil
}

// gather runs the six levels of the query's statements.
func (c *CaseContext) gather(ctx context.Context, g *gathered, code string) error {
	s := c.Stores

	// Level 1: the dossier.
	dossiers, err := s.Procedures.DossiersByCode(ctx, []string{code})
	if err != nil {
		return err
	}
	g.dossier = dossiers[0]
	if g.dossier == nil {
		return nil
	}

	// Level 2: its procedure and applicant.
	err = parallel(ctx,
		func(ctx context.Context) error {
			return load(ctx, []string{g.dossier.ProcedureCode}, g.procedures, s.Procedures.ProceduresByCode)
		},
		func(ctx context.Context) error {
			return load(ctx, []string{g.dossier.ApplicantID}, g.citizens, s.Population.CitizensByID)
		},
	)
	applicant := g.citizens[g.dossier.ApplicantID]
	if err != nil || applicant == nil {
		return err
	}

	// Level 3: everything keyed by the applicant.
	if err := c.gatherApplicant(ctx, g, applicant); err != nil {
		return err
	}

	// Level 4: the household head and members, spouses, enterprises and
	// the procedures of the applicant's other dossiers.
	if err := c.gatherRelated(ctx, g, applicant); err != nil {
		return err
	}

	// Levels 5 and 6: the members' citizen records, then their
	// registrations for the birth of each.
	memberIDs := make([]string, len(g.members))
	for i, m := range g.members {
		memberIDs[i] = m.CitizenID
	}
	if err := load(ctx, memberIDs, g.citizens, s.Population.CitizensByID); err != nil {
		return err
	}
	var found []string
	for _, id := range memberIDs {
		if g.citizens[id] != nil {
			found = append(found, id)
		}
	}
	return load(ctx, found, g.registrations, s.CivilStatus.LifeEventsByCitizen)
}

func (c *CaseContext) gatherApplicant(ctx context.Context, g *gathered, applicant *population.Citizen) error {
	s := c.Stores
	id := []string{applicant.ID}
	tasks := []func(context.Context) error{
		func(ctx context.Context) error {
			rows, err := s.Population.ResidencesByCitizen(ctx, id)
			if err == nil {
				g.residences = rows[0]
			}
			return err
		},
		func(ctx context.Context) error {
			return load(ctx, id, g.registrations, s.CivilStatus.LifeEventsByCitizen)
		},
		func(ctx context.Context) error {
			rows, err := s.Business.RolesByCitizen(ctx, id)
			if err == nil {
				g.roles = rows[0]
			}
			return err
		},
		func(ctx context.Context) error {
			rows, err := s.Business.HouseholdsByOwner(ctx, id)
			if err == nil {
				g.businesses = rows[0]
			}
			return err
		},
		func(ctx context.Context) error {
			key := procedures.PageKey{Owner: applicant.ID, Limit: dossierPageSize + 1}
			pages, err := s.Procedures.DossierPages(ctx, procedures.ByApplicant, []procedures.PageKey{key})
			if err == nil {
				g.dossierPage = pages[0]
			}
			return err
		},
		func(ctx context.Context) error {
			counts, err := s.Procedures.DossierCounts(ctx, procedures.ByApplicant, id)
			if err == nil {
				g.dossierCount = counts[0]
			}
			return err
		},
	}
	if applicant.HouseholdCode != nil {
		tasks = append(tasks, func(ctx context.Context) error {
			rows, err := s.Population.HouseholdsByCode(ctx, []string{*applicant.HouseholdCode})
			if err == nil {
				g.household = rows[0]
			}
			return err
		})
	}
	return parallel(ctx, tasks...)
}

func (c *CaseContext) gatherRelated(ctx context.Context, g *gathered, applicant *population.Citizen) error {
	s := c.Stores
	var people []string
	if g.household != nil && g.household.HeadID != "" {
		people = append(people, g.household.HeadID)
	}
	for _, m := range marriages(g.registrations[applicant.ID], applicant.ID) {
		if m.spouseID != "" {
			people = append(people, m.spouseID)
		}
	}
	var enterpriseCodes []string
	for _, r := range g.roles {
		enterpriseCodes = append(enterpriseCodes, r.EnterpriseCode)
	}
	var procedureCodes []string
	for _, d := range firstDossiers(g.dossierPage) {
		procedureCodes = append(procedureCodes, d.ProcedureCode)
	}

	tasks := []func(context.Context) error{
		func(ctx context.Context) error { return load(ctx, people, g.citizens, s.Population.CitizensByID) },
		func(ctx context.Context) error {
			return load(ctx, enterpriseCodes, g.enterprises, s.Business.EnterprisesByCode)
		},
		func(ctx context.Context) error {
			return load(ctx, procedureCodes, g.procedures, s.Procedures.ProceduresByCode)
		},
	}
	if g.household != nil {
		tasks = append(tasks, func(ctx context.Context) error {
			rows, err := s.Population.MembersByHousehold(ctx, []string{g.household.Code})
			if err == nil {
				g.members = rows[0]
			}
			return err
		})
	}
	return parallel(ctx, tasks...)
}

// firstDossiers returns the rows of the applicant's dossier page that the
// query shows; the page reads one more row to tell whether another follows.
func firstDossiers(rows []procedures.Dossier) []procedures.Dossier {
	return rows[:min(len(rows), dossierPageSize)]
}

// marriage is a marriage registration seen from one of the spouses.
type marriage struct {
	reg      *civilstatus.Registration
	spouseID string
}

// marriages returns the marriage registrations among regs, each with the
// other spouse of viewer.
func marriages(regs []civilstatus.Registration, viewer string) []marriage {
	var out []marriage
	for i := range regs {
		r := &regs[i]
		if r.Kind != "marriage" {
			continue
		}
		m := marriage{reg: r}
		switch viewer {
		case r.PartyID("husband"):
			m.spouseID = r.PartyID("wife")
		case r.PartyID("wife"):
			m.spouseID = r.PartyID("husband")
		}
		out = append(out, m)
	}
	return out
}

// findRegistration returns the first registration of kind that names
// citizenID in role, or nil.
func findRegistration(regs []civilstatus.Registration, kind, role, citizenID string) *civilstatus.Registration {
	for i := range regs {
		if regs[i].Kind == kind && regs[i].PartyID(role) == citizenID {
			return &regs[i]
		}
	}
	return nil
}

// enum spells a stored enum value (in_person) as the schema does
// (IN_PERSON).
func enum(s string) string { return strings.ToUpper(s) }
