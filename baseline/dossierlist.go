package baseline

import (
	"context"
	"time"

	"lienthong/loaders"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// DossierListQuery is the dossier list workload of the benchmarks: a
// central officer's newest dossiers with their applicants' households,
// marriages, enterprises and latest dossiers. The gateway runs it with one
// statement per loader and level, however long the page.
const DossierListQuery = `query($first: Int) {
  dossiers(first: $first) {
    totalCount
    edges { node {
      code status procedure { name }
      applicant {
        fullName
        household { members { citizen { fullName civilStatus { birth { registrationNumber } } } } }
        civilStatus { marriages { spouse { fullName } } }
        enterprises { name }
        dossiers(first: 3) { totalCount edges { node { code } } }
      }
    } }
  }
}`

// DossierList gathers the data of DossierListQuery level by level, as the
// gateway's loaders do: each level's batches run concurrently, and a key
// read at an earlier level is not read again.
type DossierList struct {
	Stores loaders.Stores
	// Now stamps audit entries.
	Now func() time.Time
	// Audit receives an entry for every citizen a response holds, written
	// before the response is sent. When nil, reads are not audited: use
	// that in tests only.
	Audit *audit.Store
}

// DossierListOperation is the operation name the audit trail records for
// a read through ListHandler.
const DossierListOperation = "dossier list (raw baseline)"

// defaultListSize is the gateway's page size when first is null.
const defaultListSize = 20

// applicantPageSize is the first: argument of each applicant's dossiers in
// the list.
const applicantPageSize = 3

// listRows holds the rows of one list request, keyed as the loaders cache
// them.
type listRows struct {
	page       []procedures.Dossier
	total      int
	procedures map[string]*procedures.Procedure
	citizens   map[string]*population.Citizen
	households map[string]*population.Household
	members    map[string][]population.Member
	// lifeEvents come from LifeEventsByCitizen: the list selects only the
	// births and marriages of each civil status, so the gateway reads them
	// through its LifeEvents loader.
	lifeEvents      map[string][]civilstatus.Registration
	roles           map[string][]business.Person
	enterprises     map[string]*business.Enterprise
	applicantPages  map[string][]procedures.Dossier
	applicantCounts map[string]int
}

// Data returns the "data" object of the list's first page of first
// dossiers, newest received first.
func (l *DossierList) Data(ctx context.Context, first int) (*ListData, error) {
	g := &listRows{
		procedures:      make(map[string]*procedures.Procedure),
		citizens:        make(map[string]*population.Citizen),
		households:      make(map[string]*population.Household),
		members:         make(map[string][]population.Member),
		lifeEvents:      make(map[string][]civilstatus.Registration),
		roles:           make(map[string][]business.Person),
		enterprises:     make(map[string]*business.Enterprise),
		applicantPages:  make(map[string][]procedures.Dossier),
		applicantCounts: make(map[string]int),
	}
	if err := l.gather(ctx, g, first); err != nil {
		return nil, err
	}
	return g.data(), nil
}

// gather runs the six levels of the list's statements.
func (l *DossierList) gather(ctx context.Context, g *listRows, first int) error {
	s := l.Stores

	// Level 1: the page, read with one row more as the gateway reads it,
	// and the total.
	err := parallel(ctx,
		func(ctx context.Context) error {
			rows, err := s.Procedures.ListDossiers(ctx, procedures.DossierFilter{}, nil, first+1)
			if err == nil {
				g.page = rows[:min(len(rows), first)]
			}
			return err
		},
		func(ctx context.Context) error {
			n, err := s.Procedures.CountDossiers(ctx, procedures.DossierFilter{})
			g.total = n
			return err
		},
	)
	if err != nil {
		return err
	}

	// Level 2: the dossiers' procedures and applicants.
	var procedureCodes, applicantIDs []string
	for _, d := range g.page {
		procedureCodes = append(procedureCodes, d.ProcedureCode)
		if d.ApplicantID != "" {
			applicantIDs = append(applicantIDs, d.ApplicantID)
		}
	}
	err = parallel(ctx,
		func(ctx context.Context) error {
			return load(ctx, procedureCodes, g.procedures, s.Procedures.ProceduresByCode)
		},
		func(ctx context.Context) error {
			return load(ctx, applicantIDs, g.citizens, s.Population.CitizensByID)
		},
	)
	if err != nil {
		return err
	}

	// Level 3: everything keyed by the applicants.
	applicants := g.found(applicantIDs)
	if err := l.gatherApplicants(ctx, g, applicants); err != nil {
		return err
	}

	// Level 4: the households' members, the spouses and the enterprises.
	if err := l.gatherRelated(ctx, g, applicants); err != nil {
		return err
	}

	// Levels 5 and 6: the members' citizen records, then their
	// registrations for the birth of each. The gateway reads the births of
	// members whose records an earlier level read (mostly spouses) in a
	// batch of their own at level 5, so on most pages it runs one
	// statement more than this.
	var memberIDs []string
	for _, id := range applicants {
		if h := g.household(id); h != nil {
			for _, m := range g.members[h.Code] {
				memberIDs = append(memberIDs, m.CitizenID)
			}
		}
	}
	if err := load(ctx, memberIDs, g.citizens, s.Population.CitizensByID); err != nil {
		return err
	}
	return load(ctx, g.found(memberIDs), g.lifeEvents, s.CivilStatus.LifeEventsByCitizen)
}

func (l *DossierList) gatherApplicants(ctx context.Context, g *listRows, ids []string) error {
	s := l.Stores
	var householdCodes []string
	for _, id := range ids {
		if code := g.citizens[id].HouseholdCode; code != nil {
			householdCodes = append(householdCodes, *code)
		}
	}
	pages := func(ctx context.Context, ids []string) ([][]procedures.Dossier, error) {
		keys := make([]procedures.PageKey, len(ids))
		for i, id := range ids {
			keys[i] = procedures.PageKey{Owner: id, Limit: applicantPageSize + 1}
		}
		return s.Procedures.DossierPages(ctx, procedures.ByApplicant, keys)
	}
	counts := func(ctx context.Context, ids []string) ([]int, error) {
		return s.Procedures.DossierCounts(ctx, procedures.ByApplicant, ids)
	}

	return parallel(ctx,
		func(ctx context.Context) error {
			return load(ctx, householdCodes, g.households, s.Population.HouseholdsByCode)
		},
		func(ctx context.Context) error {
			return load(ctx, ids, g.lifeEvents, s.CivilStatus.LifeEventsByCitizen)
		},
		func(ctx context.Context) error { return load(ctx, ids, g.roles, s.Business.RolesByCitizen) },
		func(ctx context.Context) error { return load(ctx, ids, g.applicantPages, pages) },
		func(ctx context.Context) error { return load(ctx, ids, g.applicantCounts, counts) },
	)
}

func (l *DossierList) gatherRelated(ctx context.Context, g *listRows, applicants []string) error {
	s := l.Stores
	var householdCodes, spouseIDs, enterpriseCodes []string
	for _, id := range applicants {
		if h := g.household(id); h != nil {
			householdCodes = append(householdCodes, h.Code)
		}
		for _, m := range marriages(g.lifeEvents[id], id) {
			if m.spouseID != "" {
				spouseIDs = append(spouseIDs, m.spouseID)
			}
		}
		for _, r := range g.roles[id] {
			enterpriseCodes = append(enterpriseCodes, r.EnterpriseCode)
		}
	}

	return parallel(ctx,
		func(ctx context.Context) error {
			return load(ctx, householdCodes, g.members, s.Population.MembersByHousehold)
		},
		func(ctx context.Context) error { return load(ctx, spouseIDs, g.citizens, s.Population.CitizensByID) },
		func(ctx context.Context) error {
			return load(ctx, enterpriseCodes, g.enterprises, s.Business.EnterprisesByCode)
		},
	)
}

// found returns the ids among ids whose citizen record was read.
func (g *listRows) found(ids []string) []string {
	var out []string
	for _, id := range ids {
		if g.citizens[id] != nil {
			out = append(out, id)
		}
	}
	return out
}

// household returns the household of the citizen id, or nil.
func (g *listRows) household(id string) *population.Household {
	c := g.citizens[id]
	if c == nil || c.HouseholdCode == nil {
		return nil
	}
	return g.households[*c.HouseholdCode]
}
