package discrepancy

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"

	"lienthong/loaders"
	"lienthong/sources/adminunits"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
)

// ChunkSize is the number of keys a scan reads per batch of statements.
const ChunkSize = 5000

// Unit is the area a report covers: the communes in force and the codes
// abolished on 1 July 2025 whose territory went, wholly or partly, to one of
// them. Records citing such an old code belong to the unit too.
//
// NOTE: a code in neither list, such as a typo, belongs to no unit, so no
// report lists the records citing it. The per-record fields still do.
type Unit struct {
	Communes []string
	OldCodes []string
}

// CommuneUnit returns the unit of one commune in force.
func CommuneUnit(units *adminunits.Units, code string) Unit {
	return unitOf(units, []string{code})
}

// ProvinceUnit returns the unit of every commune of a province.
func ProvinceUnit(units *adminunits.Units, p *adminunits.Province) Unit {
	codes := make([]string, len(p.Communes))
	for i, c := range p.Communes {
		codes[i] = c.Code
	}
	return unitOf(units, codes)
}

func unitOf(units *adminunits.Units, communes []string) Unit {
	in := make(map[string]bool, len(communes))
	for _, c := range communes {
		in[c] = true
	}
	var old []string
	for _, o := range units.OldCommunes() {
		if units.Commune(o.Code) != nil {
			continue
		}
		for _, s := range o.Successors {
			if in[s] {
				old = append(old, o.Code)
				break
			}
		}
	}
	sort.Strings(old)
	return Unit{Communes: communes, OldCodes: old}
}

func (u Unit) all() []string {
	return append(append([]string(nil), u.Communes...), u.OldCodes...)
}

// Request selects a page of a report.
type Request struct {
	Unit Unit
	// Kinds keeps only these kinds; empty keeps every kind.
	Kinds []Kind
	// Skip is the number of matching findings before the page.
	Skip int
	// Limit is the page size.
	Limit int
	// Count scans the whole unit to count the findings of every kind. Without
	// it the scan stops once the page and the one finding after it are found.
	Count bool
}

// Page is one page of a report.
type Page struct {
	Findings []Finding
	HasNext  bool
	// Total and Counts cover every page; they are set only when the request
	// asked for counts. Counts has an entry for every kind requested.
	Total  int
	Counts map[Kind]int
}

// errPageDone stops a scan once the page is complete.
var errPageDone = errors.New("page complete")

// Report scans a unit and returns one page of its findings in scan order:
// citizens by personal id, then residences and registrations citing
// abolished codes by id, households, household businesses and enterprises
// by code, and dossiers by code. Each segment lists the unit's keys with one statement. It then reads
// the rows in chunks of ChunkSize keys, with a few statements per chunk, so
// the statement count grows with the unit's size, not with its findings.
func Report(ctx context.Context, s loaders.Stores, units *adminunits.Units, req Request) (*Page, error) {
	keep := make(map[Kind]bool, len(req.Kinds))
	for _, k := range req.Kinds {
		keep[k] = true
	}
	page := &Page{}
	if req.Count {
		page.Counts = make(map[Kind]int)
		for _, k := range Kinds {
			if len(keep) == 0 || keep[k] {
				page.Counts[k] = 0
			}
		}
	}

	seen := 0
	emit := func(fs []Finding) error {
		for _, f := range fs {
			if len(keep) > 0 && !keep[f.Kind] {
				continue
			}
			if req.Count {
				page.Counts[f.Kind]++
				page.Total++
			}
			switch {
			case seen >= req.Skip && len(page.Findings) < req.Limit:
				page.Findings = append(page.Findings, f)
			case seen >= req.Skip+req.Limit:
				page.HasNext = true
				if !req.Count {
					return errPageDone
				}
			}
			seen++
		}
		return nil
	}

	sc := &scan{stores: s, units: units, unit: req.Unit, keep: keep, count: req.Count, emit: emit}
	for _, segment := range []func(context.Context) error{
		sc.citizens, sc.residences, sc.registrations, sc.households, sc.businessHouseholds, sc.enterprises, sc.dossiers,
	} {
		if err := segment(ctx); err != nil {
			if errors.Is(err, errPageDone) {
				return page, nil
			}
			return nil, err
		}
	}
	return page, nil
}

// scan holds one report's state across its segments.
type scan struct {
	stores loaders.Stores
	units  *adminunits.Units
	unit   Unit
	keep   map[Kind]bool
	count  bool
	emit   func([]Finding) error
}

// wants reports whether any of kinds is requested, so that a segment whose
// kinds are all filtered out reads nothing.
func (sc *scan) wants(kinds ...Kind) bool {
	if len(sc.keep) == 0 {
		return true
	}
	for _, k := range kinds {
		if sc.keep[k] {
			return true
		}
	}
	return false
}

// inflight is the number of chunks a counting scan reads at once, each on
// its own connections, so that two cores share the work. A scan for one
// page reads a chunk at a time, because it may stop after the first.
const inflight = 2

// scanChunks runs check on consecutive chunks of at most ChunkSize keys and
// emits the findings in key order, whatever order the reads finish in.
func (sc *scan) scanChunks(ctx context.Context, n int, check func(ctx context.Context, start, end int) ([]Finding, error)) error {
	parallel := 1
	if sc.count {
		parallel = inflight
	}
	for groupStart := 0; groupStart < n; groupStart += ChunkSize * parallel {
		var results [][]Finding
		g, gctx := errgroup.WithContext(ctx)
		for start := groupStart; start < min(groupStart+ChunkSize*parallel, n); start += ChunkSize {
			i := len(results)
			results = append(results, nil)
			end := min(start+ChunkSize, n)
			g.Go(func() error {
				fs, err := check(gctx, start, end)
				results[i] = fs
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for _, fs := range results {
			if err := sc.emit(fs); err != nil {
				return err
			}
		}
	}
	return nil
}

// citizens compares each citizen of the unit with civil status. Residences
// are checked in their own segment, so a chunk reads only two tables.
func (sc *scan) citizens(ctx context.Context) error {
	if !sc.wants(DeathRegisteredButAlive, DeceasedWithoutDeathRegistration, MarriageRegisteredButSingle,
		MarriedWithoutMarriageRegistration, DivorceRegisteredButMarried, BirthRegistrationNameMismatch,
		BirthRegistrationDateMismatch, BirthRegistrationGenderMismatch) {
		return nil
	}
	all, err := sc.stores.Population.CitizenIDsByCommune(ctx, sc.unit.all())
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		ids := all[start:end]
		var (
			citizens []*population.Citizen
			regs     [][]civilstatus.Registration
		)
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) {
			citizens, err = sc.stores.Population.CitizenFactsByID(gctx, ids)
			return err
		})
		g.Go(func() (err error) {
			regs, err = sc.stores.CivilStatus.FactsByCitizen(gctx, ids)
			return err
		})
		if err := g.Wait(); err != nil {
			return nil, err
		}
		var out []Finding
		for i := range ids {
			out = append(out, Citizen(sc.units, citizens[i], nil, regs[i])...)
		}
		return out, nil
	})
}

// residences reads only the residences citing an abolished code of the
// unit, wherever their holder lives: a code in force can never give a
// finding.
func (sc *scan) residences(ctx context.Context) error {
	if !sc.wants(ResidenceAbolishedCommuneCode) || len(sc.unit.OldCodes) == 0 {
		return nil
	}
	rows, err := sc.stores.Population.ResidencesByCommune(ctx, sc.unit.OldCodes)
	if err != nil {
		return err
	}
	var out []Finding
	for i := range rows {
		out = append(out, Residence(sc.units, &rows[i])...)
	}
	return sc.emit(out)
}

// registrations reads only the registrations citing an abolished code of
// the unit: a code in force can never give a finding.
func (sc *scan) registrations(ctx context.Context) error {
	if !sc.wants(RegistrationAbolishedCommuneCode) || len(sc.unit.OldCodes) == 0 {
		return nil
	}
	all, err := sc.stores.CivilStatus.RegistrationIDsByCommune(ctx, sc.unit.OldCodes)
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		regs, err := sc.stores.CivilStatus.RegistrationsByID(ctx, all[start:end])
		if err != nil {
			return nil, err
		}
		var out []Finding
		for _, r := range regs {
			out = append(out, Registration(sc.units, r)...)
		}
		return out, nil
	})
}

func (sc *scan) households(ctx context.Context) error {
	if !sc.wants(HouseholdMemberUnknown) {
		return nil
	}
	all, err := sc.stores.Population.HouseholdCodesByCommune(ctx, sc.unit.all())
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		codes := all[start:end]
		members, err := sc.stores.Population.MembersByHousehold(ctx, codes)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, ms := range members {
			for _, m := range ms {
				ids = append(ids, m.CitizenID)
			}
		}
		known, err := sc.stores.Population.KnownIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		var out []Finding
		for i, code := range codes {
			out = append(out, Household(code, members[i], func(id string) bool { return known[id] })...)
		}
		return out, nil
	})
}

func (sc *scan) businessHouseholds(ctx context.Context) error {
	if !sc.wants(BusinessHouseholdOwnerDeceased, BusinessHouseholdOwnerUnknown) {
		return nil
	}
	all, err := sc.stores.Business.HouseholdCodesByCommune(ctx, sc.unit.all())
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		rows, err := sc.stores.Business.HouseholdsByCode(ctx, all[start:end])
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(rows))
		for _, h := range rows {
			if h != nil {
				ids = append(ids, h.OwnerID)
			}
		}
		lives, err := sc.lives(ctx, ids)
		if err != nil {
			return nil, err
		}
		var out []Finding
		for _, h := range rows {
			if h != nil {
				out = append(out, BusinessHousehold(h, lives[h.OwnerID])...)
			}
		}
		return out, nil
	})
}

func (sc *scan) enterprises(ctx context.Context) error {
	if !sc.wants(EnterpriseRepresentativeDeceased, EnterpriseRepresentativeUnknown) {
		return nil
	}
	all, err := sc.stores.Business.EnterpriseCodesByCommune(ctx, sc.unit.all())
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		rows, err := sc.stores.Business.EnterprisesByCode(ctx, all[start:end])
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, e := range rows {
			if e != nil && e.RepresentativeID != nil {
				ids = append(ids, *e.RepresentativeID)
			}
		}
		lives, err := sc.lives(ctx, ids)
		if err != nil {
			return nil, err
		}
		var out []Finding
		for _, e := range rows {
			if e == nil {
				continue
			}
			var rep *population.Life
			if e.RepresentativeID != nil {
				rep = lives[*e.RepresentativeID]
			}
			out = append(out, Enterprise(e, rep)...)
		}
		return out, nil
	})
}

func (sc *scan) dossiers(ctx context.Context) error {
	if !sc.wants(DossierApplicantUnknown, DossierApplicantDeceased, DossierAbolishedCommuneCode) {
		return nil
	}
	all, err := sc.stores.Procedures.DossierCodesByCommune(ctx, sc.unit.all())
	if err != nil {
		return err
	}
	return sc.scanChunks(ctx, len(all), func(ctx context.Context, start, end int) ([]Finding, error) {
		rows, err := sc.stores.Procedures.DossiersByCode(ctx, all[start:end])
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(rows))
		for _, d := range rows {
			if d != nil {
				ids = append(ids, d.ApplicantID)
			}
		}
		lives, err := sc.lives(ctx, ids)
		if err != nil {
			return nil, err
		}
		var out []Finding
		for _, d := range rows {
			if d != nil {
				out = append(out, Dossier(sc.units, d, lives[d.ApplicantID])...)
			}
		}
		return out, nil
	})
}

// lives reads the life status of ids, each distinct id once, and returns it
// by id; an id without a citizen maps to nil.
func (sc *scan) lives(ctx context.Context, ids []string) (map[string]*population.Life, error) {
	distinct := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}
	rows, err := sc.stores.Population.LivesByID(ctx, distinct)
	if err != nil {
		return nil, fmt.Errorf("read life status of %d citizens: %w", len(distinct), err)
	}
	out := make(map[string]*population.Life, len(distinct))
	for i, id := range distinct {
		out[id] = rows[i]
	}
	return out, nil
}
