package resolvers

import (
	"context"
	"strconv"
	"time"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/graph/model"
	"lienthong/paging"
	"lienthong/sources/audit"
	"lienthong/validate"
)

// myAccessLog lists who read the calling citizen's data.
func (r *Resolver) myAccessLog(ctx context.Context, first *int, after *string) (*model.AuditEntryConnection, error) {
	p := auth.From(ctx)
	if p.Role != auth.Citizen {
		if p.Role == auth.Anonymous {
			return nil, errNoCredentials
		}
		return nil, forbidden("myAccessLog lists reads of the caller's own data and is for the citizen role, "+
			"not role %q; central and province officers list the trail with auditTrail", p.Role)
	}
	return r.auditPage(ctx, audit.Filter{CitizenID: p.CitizenID}, first, after)
}

// auditTrail lists the trail within the caller's scope: all of it for a
// central officer, the entries of officers of their province for a
// province officer.
func (r *Resolver) auditTrail(ctx context.Context, in *model.AuditTrailFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	var f audit.Filter
	if in != nil {
		f.CitizenID, f.OfficerID, f.Province = deref(in.CitizenID), deref(in.OfficerID), deref(in.ProvinceCode)
	}
	if f.Province != "" {
		if err := validate.ProvinceCode(f.Province); err != nil {
			return nil, err
		}
	}
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
	case auth.ProvinceOfficer:
		if f.Province != "" && f.Province != p.Unit {
			return nil, forbidden("province officer of %s may not read the audit trail of province %s", p.Unit, f.Province)
		}
		f.Province = p.Unit
	default:
		return nil, forbidden("the audit trail is for central and province officers, not role %q", p.Role)
	}
	return r.auditPage(ctx, f, first, after)
}

func (r *Resolver) auditPage(ctx context.Context, f audit.Filter, first *int, after *string) (*model.AuditEntryConnection, error) {
	if r.Audit == nil {
		return nil, &apierr.Error{Code: apierr.SourceUnavailable, Message: "the audit trail is not configured on this gateway"}
	}
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	var before int64
	if after != nil {
		parts, err := paging.Decode(*after, 1)
		if err != nil {
			return nil, err
		}
		if before, err = strconv.ParseInt(parts[0], 10, 64); err != nil || before < 1 {
			return nil, apierr.Invalid("invalid cursor %s: not an audit cursor", apierr.Quote(*after))
		}
	}
	rows, err := r.Audit.List(ctx, f, before, limit+1)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditEntryConnection{Edges: []*model.AuditEntryEdge{}, PageInfo: &model.PageInfo{HasNextPage: len(rows) > limit}}
	rows = rows[:min(len(rows), limit)]
	for i := range rows {
		cur := paging.Encode(strconv.FormatInt(rows[i].Seq, 10))
		conn.Edges = append(conn.Edges, &model.AuditEntryEdge{Cursor: cur, Node: toAuditEntry(&rows[i])})
		conn.PageInfo.EndCursor = &cur
	}
	conn.Count = func(ctx context.Context) (int, error) {
		return r.Audit.Count(ctx, f)
	}
	return conn, nil
}

func toAuditEntry(e *audit.Entry) *model.AuditEntry {
	at, _ := time.Parse(time.RFC3339Nano, e.At)
	return &model.AuditEntry{
		Seq: strconv.FormatInt(e.Seq, 10), At: at, OfficerID: e.OfficerID, Role: e.Role,
		Unit: optional(e.Unit), CitizenID: e.CitizenID, Fields: audit.SplitFields(e.Fields),
		Purpose: optional(e.Purpose), RequestID: e.RequestID, Operation: optional(e.Operation),
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
