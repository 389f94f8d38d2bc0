package resolvers

import (
	"context"
	"errors"
	"strings"
	"time"

	"lienthong/apierr"
	"lienthong/graph/model"
	"lienthong/loaders"
	"lienthong/sources/procedures"
	"lienthong/vntext"
)

// dossierStatistics reads aggregate counts from the procedures source. The
// rows carry group keys and numbers only, so no personal data reaches a
// reporting caller.
func (r *Resolver) dossierStatistics(ctx context.Context, groupBy []model.StatisticsDimension, filter *model.DossierStatisticsFilter) ([]*model.DossierStatistics, error) {
	if len(groupBy) == 0 {
		return nil, apierr.Invalid("invalid groupBy: give at least one dimension, such as PROVINCE")
	}
	seen := make(map[model.StatisticsDimension]bool, len(groupBy))
	dims := make([]procedures.Dimension, 0, len(groupBy))
	for _, d := range groupBy {
		if seen[d] {
			return nil, apierr.Invalid("invalid groupBy: dimension %s is given twice", d)
		}
		seen[d] = true
		dims = append(dims, procedures.Dimension(strings.ToLower(string(d))))
	}
	f, err := statisticsFilter(filter)
	if err != nil {
		return nil, err
	}
	f.Now = r.Now().UTC().Format(time.RFC3339)

	rows, err := r.Stores.Procedures.DossierStatistics(ctx, dims, f)
	if errors.Is(err, procedures.ErrTooManyGroups) {
		return nil, apierr.Invalid("dossier statistics: the grouping yields more than %d groups; "+
			"group by fewer dimensions or filter by province, commune or period", procedures.MaxStatisticsGroups)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*model.DossierStatistics, len(rows))
	for i := range rows {
		out[i] = r.toStatistics(&rows[i])
	}
	return out, nil
}

func statisticsFilter(in *model.DossierStatisticsFilter) (procedures.StatisticsFilter, error) {
	var f procedures.StatisticsFilter
	if in == nil {
		return f, nil
	}
	// The dossier filter already checks codes and the period, so reuse it.
	df, err := dossierFilter(&model.DossierFilter{
		ProvinceCode: in.ProvinceCode,
		CommuneCode:  in.CommuneCode,
		ReceivedFrom: in.ReceivedFrom,
		ReceivedTo:   in.ReceivedTo,
	})
	if err != nil {
		return f, err
	}
	f.ProvinceCode = df.ProvinceCode
	f.CommuneCode = df.CommuneCode
	f.ReceivedFrom = df.ReceivedFrom
	f.ReceivedTo = df.ReceivedTo
	return f, nil
}

func (r *Resolver) toStatistics(s *procedures.Statistics) *model.DossierStatistics {
	out := &model.DossierStatistics{
		ProvinceCode:          s.ProvinceCode,
		CommuneCode:           s.CommuneCode,
		ProcedureCode:         s.ProcedureCode,
		Sector:                s.Sector,
		Month:                 s.Month,
		Count:                 s.Count,
		ReturnedCount:         s.ReturnedCount,
		OnTimeCount:           s.OnTimeCount,
		OverdueCount:          s.OverdueCount,
		AverageProcessingDays: s.AverageProcessingDays,
	}
	if s.ProvinceCode != nil {
		out.Province = r.Units.Province(*s.ProvinceCode)
	}
	if s.CommuneCode != nil {
		out.Commune = r.commune(*s.CommuneCode)
	}
	if s.Status != nil {
		status := enum[model.DossierStatus](*s.Status)
		out.Status = &status
	}
	if s.Channel != nil {
		channel := enum[model.Channel](*s.Channel)
		out.Channel = &channel
	}
	if s.ReturnedCount > 0 {
		rate := float64(s.OnTimeCount) / float64(s.ReturnedCount)
		out.OnTimeRate = &rate
	}
	return out
}

// procedureChanges lists the catalogue's events in [from, to).
func (r *Resolver) procedureChanges(ctx context.Context, from, to model.Date, sector *string) ([]*model.ProcedureChange, error) {
	if string(to) <= string(from) {
		return nil, apierr.Invalid("invalid period: to %s must be after from %s", to, from)
	}
	sectorName := ""
	if sector != nil {
		sectorName = vntext.NFC(*sector)
	}
	rows, err := r.Stores.Procedures.ProcedureChanges(ctx, string(from), string(to), sectorName)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ProcedureChange, len(rows))
	for i := range rows {
		out[i] = &model.ProcedureChange{
			Kind:      enum[model.ProcedureChangeKind](string(rows[i].Kind)),
			On:        model.Date(rows[i].On),
			Procedure: toProcedure(&rows[i].Procedure),
		}
	}
	return out, nil
}

// statisticsProcedure loads a group's procedure through the request's
// loader, so every group's procedure is read in one batch.
func statisticsProcedure(ctx context.Context, obj *model.DossierStatistics) (*model.Procedure, error) {
	if obj.ProcedureCode == nil {
		return nil, nil
	}
	p, err := loaders.For(ctx).Procedure.Load(ctx, *obj.ProcedureCode)()
	return toProcedure(p), err
}
