// Package demo generates the demonstration data of the four national
// sources: citizens, households and residences of the population database,
// civil status registrations, enterprises and household businesses, and the
// procedure catalogue with two years of one-stop dossiers.
//
// The data is synthetic but shaped like the real registers. Vietnamese names
// follow their real frequencies, and personal ids decode to the birth
// province, year and gender. Households have realistic sizes and relations,
// and registrations, businesses and dossiers refer to those citizens.
// A known number of cross-source disagreements is planted on purpose and
// counted in the Summary. The same Options always produce the same records,
// on SQLite and on PostgreSQL.
package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"lienthong/sources"
	"lienthong/sqldb"
)

// Options selects the data set. Zero fields take the defaults below.
type Options struct {
	// Citizens is the number of citizens, living and deceased. Default
	// 50,000; at least 100.
	Citizens int
	// Seed selects the random choices; the same options produce the same
	// records, byte for byte.
	Seed uint64
	// AsOf is the reference "today" of the data: dossiers cover the two
	// years before it and nothing happens after it. Default 2026-11-30.
	AsOf time.Time

	// shardCitizens overrides the package's shard size, for tests.
	shardCitizens int
}

// DefaultCitizens is the size of the demonstration data set.
const DefaultCitizens = 50_000

// DefaultAsOf is the reference day of the data when Options.AsOf is zero.
var DefaultAsOf = time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC)

// Summary describes a generated data set: its options, the rows written per
// table, the planted drift per kind and example keys worth querying.
type Summary struct {
	Citizens int    `json:"citizens"`
	Seed     uint64 `json:"seed"`
	AsOf     string `json:"asOf"`

	// Rows counts the rows written, keyed "source.table".
	Rows map[string]int64 `json:"rows"`
	// Drift counts the records changed to disagree with another source,
	// keyed by the Drift* constants.
	Drift map[string]int `json:"drift"`

	// ShowcaseDossier is an open dossier whose applicant fills every field
	// of a whole-case query. The applicant is alive and married, lives in a
	// household of four or more, represents an enterprise and owns a
	// household business. The applicant also has other dossiers, a
	// permanent residence and a birth registration.
	ShowcaseDossier           string `json:"showcaseDossier"`
	ShowcaseCitizen           string `json:"showcaseCitizen"`
	ShowcaseHousehold         string `json:"showcaseHousehold"`
	ShowcaseEnterprise        string `json:"showcaseEnterprise"`
	ShowcaseBusinessHousehold string `json:"showcaseBusinessHousehold"`

	// ExampleOverdueDossier was returned after its due time or is still
	// open past it.
	ExampleOverdueDossier  string `json:"exampleOverdueDossier"`
	ExampleDeceasedCitizen string `json:"exampleDeceasedCitizen"`
	ExampleDivorcedCitizen string `json:"exampleDivorcedCitizen"`
	ExampleCommune         string `json:"exampleCommune"`
}

var (
	refOnce  sync.Once
	refData0 *refData
	refErr   error
)

func reference() (*refData, error) {
	refOnce.Do(func() { refData0, refErr = loadRefData() })
	return refData0, refErr
}

func (o Options) withDefaults() (Options, error) {
	if o.Citizens == 0 {
		o.Citizens = DefaultCitizens
	}
	if o.Citizens < 100 {
		return o, fmt.Errorf("demo data needs at least 100 citizens, got %d", o.Citizens)
	}
	if o.AsOf.IsZero() {
		o.AsOf = DefaultAsOf
	}
	o.AsOf = o.AsOf.UTC().Truncate(24 * time.Hour)
	return o, nil
}

// Seed generates the data set that opts selects and writes it to the four
// source databases, which must be migrated and empty, and returns the
// Summary. Each database is written in one transaction, the four
// concurrently. Data sets of more than a million citizens are generated in
// shards of up to a million, and each shard is written while the next is
// generated, so memory does not grow with the data set.
func Seed(ctx context.Context, dbs *sources.DBs, opts Options, log *slog.Logger) (*Summary, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := checkEmpty(ctx, dbs); err != nil {
		return nil, err
	}
	ref, err := reference()
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}

	counters := []*counter{
		{source: "population", counts: map[string]int64{}},
		{source: "civilstatus", counts: map[string]int64{}},
		{source: "business", counts: map[string]int64{}},
		{source: "procedures", counts: map[string]int64{}},
	}
	writers := []struct {
		db    *sqldb.DB
		write func(bulkLoader, *generated) error
	}{
		{dbs.Population, func(l bulkLoader, g *generated) error {
			return g.w.writePopulation(l, counters[0], g.dr, g.firstResidence)
		}},
		{dbs.CivilStatus, func(l bulkLoader, g *generated) error { return g.w.writeCivilStatus(l, counters[1], g.cv) }},
		{dbs.Business, func(l bulkLoader, g *generated) error { return g.w.writeBusiness(l, counters[2], g.bz) }},
		{dbs.Procedures, func(l bulkLoader, g *generated) error {
			return g.w.writeProcedures(l, counters[3], g.catalogue, g.ds)
		}},
	}

	// The generator hands each shard to the four writers through unbuffered
	// channels: it generates shard k+1 while they write shard k, and waits
	// for all four to take it before it starts on shard k+2.
	feeds := make([]chan *generated, len(writers))
	for i := range feeds {
		feeds[i] = make(chan *generated)
	}
	eg, egCtx := errgroup.WithContext(ctx)
	for i, wr := range writers {
		eg.Go(func() error {
			return load(egCtx, wr.db, func(l bulkLoader) error {
				for g := range feeds[i] {
					if err := wr.write(l, g); err != nil {
						return err
					}
				}
				return egCtx.Err()
			})
		})
	}

	var summary *Summary
	drift := map[string]int{}
	eg.Go(func() error {
		defer func() {
			for _, feed := range feeds {
				close(feed)
			}
		}()
		// Every shard files its dossiers under the same catalogue.
		procs, err := buildProcedures(ref, dayOf(opts.AsOf))
		if err != nil {
			return err
		}
		lg := newLedger(opts.Citizens, len(ref.communes))
		sizes := shardSizes(opts.Citizens, cmp.Or(opts.shardCitizens, shardCitizens))
		for k, size := range sizes {
			start := time.Now()
			g, err := generate(ref, opts, procs, lg, k, size)
			if err != nil {
				return err
			}
			log.InfoContext(egCtx, "demo data generated", "shard", k+1, "of", len(sizes), "citizens", size,
				"seed", opts.Seed, "as_of", opts.AsOf.Format(time.DateOnly), "elapsed", time.Since(start).Round(time.Millisecond))
			if k == 0 {
				summary = g.summary()
			}
			for kind, n := range g.dr.counts {
				drift[kind] += n
			}
			for _, feed := range feeds {
				select {
				case feed <- g:
				case <-egCtx.Done():
					return egCtx.Err()
				}
			}
		}
		return nil
	})
	start := time.Now()
	if err := eg.Wait(); err != nil {
		return nil, fmt.Errorf("write demo data: %w", err)
	}
	// The writers finish, build their indexes and commit after the last
	// shard is generated, so this is the time from the start of generation.
	log.InfoContext(ctx, "demo data written", "elapsed", time.Since(start).Round(time.Millisecond))

	summary.Citizens = opts.Citizens
	summary.Drift = drift
	summary.Rows = map[string]int64{}
	for _, c := range counters {
		for table, n := range c.counts {
			summary.Rows[table] = n
		}
	}
	return summary, nil
}

// generated is one shard of the data set, ready to be written.
type generated struct {
	w  *world
	cv *civil
	bz *business
	ds *dossiers
	dr *drift
	// catalogue is the procedure catalogue in the first shard and nil in
	// the others, so that it is written once.
	catalogue      []procedure
	firstResidence int64 // id of the shard's first residence
	showcase       int32 // noone outside the first shard
}

// generate generates shard number shard, of size citizens, with dossiers
// of the procedures procs, drawing unique ids and sequence numbers from lg.
// Only the first shard has a showcase dossier.
func generate(ref *refData, opts Options, procs []procedure, lg *ledger, shard, size int) (*generated, error) {
	opts.Citizens = size
	w := newWorld(ref, opts, lg)
	rng := func(step string) *rng { return newRNG(opts.Seed, stream(step, shard)) }
	w.generatePeople(rng("people"))
	w.indexIDs()
	w.generateTemporaryResidences(rng("temporary residences"))
	w.indexMarriages()
	cv := w.generateRegistrations(rng("civil status"))

	showcase := noone
	if shard == 0 {
		showcase = w.chooseShowcase()
		if showcase == noone {
			return nil, fmt.Errorf("no household of %d citizens fits the showcase dossier; use more citizens", size)
		}
	}
	bz := w.generateBusiness(rng("business"), showcase)
	ds, err := w.generateDossiers(rng("dossiers"), procs, cv, bz, showcase)
	if err != nil {
		return nil, err
	}
	dr := w.plantDrift(rng("drift"), cv, bz, ds, showcase)
	numberRegistrations(cv, lg)
	numberDossiers(ds, lg)
	g := &generated{w: w, cv: cv, bz: bz, ds: ds, dr: dr, showcase: showcase, firstResidence: lg.residences + 1}
	if shard == 0 {
		g.catalogue = procs
	}
	lg.residences += int64(len(w.people) + len(w.temporaries))
	return g, nil
}

// chooseShowcase returns the head of the first household with four or more
// members whose head is alive, married to a spouse in the household and
// aged 30 to 60.
func (w *world) chooseShowcase() int32 {
	for _, h := range w.households {
		p := &w.people[h.head]
		if len(h.members) < 4 || !p.alive || p.marital != married {
			continue
		}
		if age := ageOn(p.born, w.asOf); age < 30 || age > 60 {
			continue
		}
		for _, m := range h.members[1:] {
			if rel := w.people[m].relation; rel == "wife" || rel == "husband" {
				return h.head
			}
		}
	}
	return noone
}

// summary returns the Summary of the first shard, without row and drift
// counts.
func (g *generated) summary() *Summary {
	w := g.w
	p := &w.people[g.showcase]
	s := &Summary{
		Citizens:          w.opts.Citizens,
		Seed:              w.opts.Seed,
		AsOf:              w.asOf.String(),
		ShowcaseDossier:   g.ds.list[g.ds.showcase].code,
		ShowcaseCitizen:   p.id,
		ShowcaseHousehold: w.households[p.household].code,
		ExampleCommune:    w.communeCode(p.commune),
	}
	for _, e := range g.bz.enterprises {
		if e.rep == p.id {
			s.ShowcaseEnterprise = e.code
			break
		}
	}
	for _, h := range g.bz.households {
		if h.owner == p.id {
			s.ShowcaseBusinessHousehold = h.code
			break
		}
	}

	cutoff := time.Date(w.opts.AsOf.Year(), w.opts.AsOf.Month(), w.opts.AsOf.Day(), 23, 59, 59, 0, vietnam)
	codes := make([]*dossier, len(g.ds.list))
	for i := range g.ds.list {
		codes[i] = &g.ds.list[i]
	}
	slices.SortFunc(codes, func(a, b *dossier) int { return strings.Compare(a.code, b.code) })
	for _, d := range codes {
		late := !d.returned.IsZero() && d.returned.After(d.due)
		open := d.status != "returned" && d.status != "rejected" && d.status != "withdrawn"
		if late || open && d.due.Before(cutoff) {
			s.ExampleOverdueDossier = d.code
			break
		}
	}
	for _, i := range w.deceased {
		if _, ok := g.cv.deathReg[i]; ok && !w.people[i].alive && g.cv.regs[g.cv.deathReg[i]].kind != "" {
			s.ExampleDeceasedCitizen = w.people[i].id
			break
		}
	}
	for i := range w.people {
		if q := &w.people[i]; q.alive && q.marital == divorced {
			s.ExampleDivorcedCitizen = q.id
			break
		}
	}
	return s
}

// tablesOf lists the tables Seed fills, per source.
func tablesOf(dbs *sources.DBs) map[*sqldb.DB][]string {
	return map[*sqldb.DB][]string{
		dbs.Population:  {"citizens", "households", "household_members", "residences"},
		dbs.CivilStatus: {"registrations", "registration_parties"},
		dbs.Business:    {"enterprises", "enterprise_people", "enterprise_industries", "business_households"},
		dbs.Procedures:  {"procedures", "dossiers", "dossier_events"},
	}
}

// ErrNotEmpty is returned by Seed when a source database already holds
// data.
var ErrNotEmpty = errors.New("source database is not empty")

func checkEmpty(ctx context.Context, dbs *sources.DBs) error {
	for _, db := range dbs.All() {
		for _, table := range tablesOf(dbs)[db] {
			var n int
			q := "SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " LIMIT 1) AS t"
			if err := db.X().GetContext(ctx, &n, q); err != nil {
				return fmt.Errorf("%s: check table %s: %w", db.Name(), table, err)
			}
			if n > 0 {
				return fmt.Errorf("%w: table %s.%s contains rows; seed freshly migrated, empty databases",
					ErrNotEmpty, db.Name(), table)
			}
		}
	}
	return nil
}

// WriteSummary writes s as indented JSON to path.
func WriteSummary(path string, s *Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode demo summary: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write demo summary: %w", err)
	}
	return nil
}

// ReadSummary reads a Summary written by WriteSummary.
func ReadSummary(path string) (*Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read demo summary: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode demo summary %s: %w", path, err)
	}
	return &s, nil
}
