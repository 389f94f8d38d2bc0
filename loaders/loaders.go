// Package loaders builds the batch loaders of one request. Every field that
// can repeat across a list reads through a loader, so a query costs one
// statement per source table and nesting level however long its lists are.
//
// Loaders live for one request: Middleware makes a fresh set for each HTTP
// request, so no cached row outlives the request or reaches another caller.
package loaders

import (
	"context"
	"net/http"

	"github.com/graph-gophers/dataloader/v7"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"lienthong/metrics"

	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// Stores are the sources the loaders read.
type Stores struct {
	Population  *population.Store
	CivilStatus *civilstatus.Store
	Business    *business.Store
	Procedures  *procedures.Store
}

// Loaders holds one request's loaders and the scheduler that runs their
// batches.
type Loaders struct {
	Scheduler *Scheduler

	Citizen       *Loader[string, *population.Citizen]
	Household     *Loader[string, *population.Household]
	Members       *Loader[string, []population.Member]
	Residences    *Loader[string, []population.Residence]
	Registrations *Loader[string, []civilstatus.Registration]
	LifeEvents    *Loader[string, []civilstatus.Registration]
	Registration  *Loader[int64, *civilstatus.Registration]

	Enterprise         *Loader[string, *business.Enterprise]
	EnterprisePeople   *Loader[string, []business.Person]
	EnterpriseRoles    *Loader[string, []business.Person]
	Industries         *Loader[string, []business.Industry]
	BusinessHousehold  *Loader[string, *business.Household]
	BusinessHouseholds *Loader[string, []business.Household]

	Procedure              *Loader[string, *procedures.Procedure]
	Dossier                *Loader[string, *procedures.Dossier]
	DossierEvents          *Loader[string, []procedures.Event]
	ApplicantDossiers      *Loader[procedures.PageKey, []procedures.Dossier]
	ProcedureDossiers      *Loader[procedures.PageKey, []procedures.Dossier]
	ApplicantDossierCounts *Loader[string, int]
	ProcedureDossierCounts *Loader[string, int]
	ApplicantProvinces     *Loader[string, []string]
}

// New returns fresh loaders over the stores, for one request.
func New(s Stores, d Dispatch) *Loaders {
	sched := NewScheduler(d)
	return &Loaders{
		Scheduler: sched,

		Citizen:       newLoader(population.Name, "Citizen", s.Population.CitizensByID, sched),
		Household:     newLoader(population.Name, "Household", s.Population.HouseholdsByCode, sched),
		Members:       newLoader(population.Name, "Members", s.Population.MembersByHousehold, sched),
		Residences:    newLoader(population.Name, "Residences", s.Population.ResidencesByCitizen, sched),
		Registrations: newLoader(civilstatus.Name, "Registrations", s.CivilStatus.RegistrationsByCitizen, sched),
		LifeEvents:    newLoader(civilstatus.Name, "LifeEvents", s.CivilStatus.LifeEventsByCitizen, sched),
		Registration:  newLoader(civilstatus.Name, "Registration", s.CivilStatus.RegistrationsByID, sched),

		Enterprise:         newLoader(business.Name, "Enterprise", s.Business.EnterprisesByCode, sched),
		EnterprisePeople:   newLoader(business.Name, "EnterprisePeople", s.Business.PeopleByEnterprise, sched),
		EnterpriseRoles:    newLoader(business.Name, "EnterpriseRoles", s.Business.RolesByCitizen, sched),
		Industries:         newLoader(business.Name, "Industries", s.Business.IndustriesByEnterprise, sched),
		BusinessHousehold:  newLoader(business.Name, "BusinessHousehold", s.Business.HouseholdsByCode, sched),
		BusinessHouseholds: newLoader(business.Name, "BusinessHouseholds", s.Business.HouseholdsByOwner, sched),

		Procedure:     newLoader(procedures.Name, "Procedure", s.Procedures.ProceduresByCode, sched),
		Dossier:       newLoader(procedures.Name, "Dossier", s.Procedures.DossiersByCode, sched),
		DossierEvents: newLoader(procedures.Name, "DossierEvents", s.Procedures.EventsByDossier, sched),
		ApplicantDossiers: newLoader(procedures.Name, "ApplicantDossiers", func(ctx context.Context, keys []procedures.PageKey) ([][]procedures.Dossier, error) {
			return s.Procedures.DossierPages(ctx, procedures.ByApplicant, keys)
		}, sched),
		ProcedureDossiers: newLoader(procedures.Name, "ProcedureDossiers", func(ctx context.Context, keys []procedures.PageKey) ([][]procedures.Dossier, error) {
			return s.Procedures.DossierPages(ctx, procedures.ByProcedure, keys)
		}, sched),
		ApplicantDossierCounts: newLoader(procedures.Name, "ApplicantDossierCounts", func(ctx context.Context, ids []string) ([]int, error) {
			return s.Procedures.DossierCounts(ctx, procedures.ByApplicant, ids)
		}, sched),
		ProcedureDossierCounts: newLoader(procedures.Name, "ProcedureDossierCounts", func(ctx context.Context, codes []string) ([]int, error) {
			return s.Procedures.DossierCounts(ctx, procedures.ByProcedure, codes)
		}, sched),
		ApplicantProvinces: newLoader(procedures.Name, "ApplicantProvinces", s.Procedures.ProvincesByApplicant, sched),
	}
}

// newLoader adapts a source lookup, which returns one value per key in key
// order, to a dataloader batch function. A failed lookup fails every key of
// the batch with the same error. Each batch gets a span named
// loaders.<name> and its size is observed in metrics.BatchSize.
func newLoader[K comparable, V any](source, name string, lookup func(context.Context, []K) ([]V, error), sched *Scheduler) *Loader[K, V] {
	batchSize := metrics.BatchSize.WithLabelValues(source, name)
	batch := func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		ctx, span := tracer.Start(ctx, "loaders."+name, trace.WithAttributes(
			attribute.String("lienthong.source", source),
			attribute.String("lienthong.loader", name),
			attribute.Int("lienthong.batch_size", len(keys)),
		))
		defer span.End()
		batchSize.Observe(float64(len(keys)))

		results := make([]*dataloader.Result[V], len(keys))
		values, err := lookup(ctx, keys)
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "batch failed")
		}
		for i := range keys {
			if err != nil {
				results[i] = &dataloader.Result[V]{Error: err}
				continue
			}
			results[i] = &dataloader.Result[V]{Data: values[i]}
		}
		return results
	}
	return NewLoader(sched, batch)
}

var tracer = otel.Tracer("lienthong/loaders")

type ctxKey struct{}

// Middleware gives each request its own loaders.
func Middleware(s Stores, d Dispatch, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey{}, New(s, d))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the request ctx belongs to. It panics when the
// request did not pass through Middleware, a wiring error.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: request context has no loaders; wrap the handler with loaders.Middleware")
	}
	return l
}
