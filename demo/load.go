package demo

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"lienthong/vntext"
)

// counter collects the number of rows written per table, keyed
// "source.table".
type counter struct {
	source string
	counts map[string]int64
}

// table opens a writer, runs fill with it and records the row count.
func (c *counter) table(l bulkLoader, name string, columns []string, fill func(tableWriter) error) error {
	t, err := l.Table(name, columns...)
	if err != nil {
		return err
	}
	if err := fill(t); err != nil {
		t.Close()
		return err
	}
	n, err := t.Close()
	if err != nil {
		return err
	}
	c.counts[c.source+"."+name] += n
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullDay(d day, set bool) any {
	if !set {
		return nil
	}
	return d.String()
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return rfc3339(t)
}

// writePopulation writes the citizens, households and residences of w.
// Residence ids start at firstResidence.
func (w *world) writePopulation(l bulkLoader, c *counter, dr *drift, firstResidence int64) error {
	order := make([]int32, len(w.people))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(w.people[a].id, w.people[b].id) })

	citizenColumns := []string{"id", "full_name", "name_key", "date_of_birth", "gender", "ethnicity_code",
		"religion_code", "nationality", "blood_group", "status", "date_of_death", "marital_status",
		"birth_place", "hometown", "household_code"}
	err := c.table(l, "citizens", citizenColumns, func(t tableWriter) error {
		for _, i := range order {
			p := &w.people[i]
			status := "alive"
			if !p.alive {
				status = "deceased"
			}
			var household any
			if p.household >= 0 {
				household = w.households[p.household].code
			}
			err := t.Append(p.id, p.name, vntext.Fold(p.name), p.born.String(), genderOf(p.female),
				w.ref.ethnic[p.ethnic].code, nullString(p.religion), "VN", nullString(p.blood), status,
				nullDay(p.died, !p.alive), p.marital.String(), w.communeCode(p.birthPlace),
				w.communeCode(p.hometown), household)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// Households and their members are written in code order, the order of
	// their primary keys.
	byCode := make([]int32, len(w.households))
	for i := range byCode {
		byCode[i] = int32(i)
	}
	slices.SortFunc(byCode, func(a, b int32) int { return strings.Compare(w.households[a].code, w.households[b].code) })
	err = c.table(l, "households", []string{"code", "head_id", "address", "commune_code"}, func(t tableWriter) error {
		for _, hi := range byCode {
			h := &w.households[hi]
			if err := t.Append(h.code, w.people[h.head].id, h.address, w.communeCode(h.commune)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	extra := map[int32][]string{}
	for _, m := range dr.extraMembers {
		extra[m.household] = append(extra[m.household], m.citizen)
	}
	memberColumns := []string{"household_code", "citizen_id", "relation_to_head", "position"}
	err = c.table(l, "household_members", memberColumns, func(t tableWriter) error {
		for _, hi := range byCode {
			h := &w.households[hi]
			for pos, m := range h.members {
				p := &w.people[m]
				if err := t.Append(h.code, p.id, p.relation, int64(pos+1)); err != nil {
					return err
				}
			}
			for k, id := range extra[hi] {
				if err := t.Append(h.code, id, "other", int64(len(h.members)+k+1)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	return w.writeResidences(l, c, dr, order, firstResidence)
}

func (w *world) writeResidences(l bulkLoader, c *counter, dr *drift, order []int32, firstID int64) error {
	temporaries := map[int32][]*temporaryResidence{}
	for i := range w.temporaries {
		t := &w.temporaries[i]
		temporaries[t.person] = append(temporaries[t.person], t)
	}
	columns := []string{"id", "citizen_id", "kind", "address", "commune_code", "registered_on", "expires_on"}
	return c.table(l, "residences", columns, func(t tableWriter) error {
		id := firstID - 1
		for _, i := range order {
			p := &w.people[i]
			since := p.resSince
			if since == 0 {
				// Deceased spouses never joined a household of the data set:
				// they registered at the address on coming of age.
				since = p.born.addYears(18)
				if !p.alive {
					since = min(since, p.died)
				}
			}
			code := w.communeCode(p.commune)
			if old, ok := dr.residenceCode[i]; ok {
				code = old
			}
			id++
			if err := t.Append(id, p.id, "permanent", p.address, code, since.String(), nil); err != nil {
				return err
			}
			for _, tr := range temporaries[i] {
				id++
				err := t.Append(id, p.id, "temporary", tr.address, w.communeCode(tr.commune), tr.since.String(), tr.expiresOn.String())
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var noDetails registrationDetails

func (w *world) writeCivilStatus(l bulkLoader, c *counter, cv *civil) error {
	order := make([]int, 0, len(cv.regs))
	for i := range cv.regs {
		if cv.regs[i].kind != "" {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(cv.regs[a].id, cv.regs[b].id) })

	columns := []string{"id", "kind", "book", "number", "registering_commune", "registered_on", "event_date",
		"subject_name", "subject_gender", "place", "cause", "related_id", "item", "old_value", "new_value",
		"stated_status", "purpose", "ended_on"}
	err := c.table(l, "registrations", columns, func(t tableWriter) error {
		for _, i := range order {
			reg := &cv.regs[i]
			var related any
			if reg.related >= 0 {
				related = cv.regs[reg.related].id
			}
			details := reg.details
			if details == nil {
				details = &noDetails
			}
			err := t.Append(reg.id, reg.kind, reg.book, int64(reg.number), reg.commune, reg.on.String(),
				nullDay(reg.event, reg.hasEvt), nullString(reg.subject), nullString(reg.gender),
				nullString(reg.place), nullString(details.cause), related, nullString(details.item),
				nullString(details.oldVal), nullString(details.newVal), nullString(details.stated),
				nullString(details.purpose), nullDay(details.ended, details.ended != 0))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	return c.table(l, "registration_parties", []string{"registration_id", "citizen_id", "role", "full_name"}, func(t tableWriter) error {
		for _, i := range order {
			reg := &cv.regs[i]
			for _, p := range reg.parties {
				if err := t.Append(reg.id, p.citizen, p.role, p.name); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (w *world) writeBusiness(l bulkLoader, c *counter, bz *business) error {
	enterprises := slices.Clone(bz.enterprises)
	slices.SortFunc(enterprises, func(a, b enterprise) int { return strings.Compare(a.code, b.code) })
	columns := []string{"code", "name", "type", "status", "status_since", "registered_on", "address",
		"commune_code", "charter_capital", "representative_id"}
	err := c.table(l, "enterprises", columns, func(t tableWriter) error {
		for _, e := range enterprises {
			err := t.Append(e.code, e.name, e.kind, e.status, e.since.String(), e.registered.String(),
				e.address, w.communeCode(e.commune), e.capital, nullString(e.rep))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = c.table(l, "enterprise_people", []string{"enterprise_code", "citizen_id", "role", "share_percent"}, func(t tableWriter) error {
		for _, e := range enterprises {
			for _, p := range e.people {
				var share any = p.share
				if p.noShare {
					share = nil
				}
				if err := t.Append(e.code, p.citizen, p.role, share); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = c.table(l, "enterprise_industries", []string{"enterprise_code", "vsic_code", "is_main"}, func(t tableWriter) error {
		for _, e := range enterprises {
			for k, code := range e.industries {
				if err := t.Append(e.code, code, k == 0); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	households := slices.Clone(bz.households)
	slices.SortFunc(households, func(a, b businessHousehold) int { return strings.Compare(a.code, b.code) })
	columns = []string{"code", "name", "owner_id", "commune_code", "address", "business_line", "vsic_code",
		"capital", "status", "registered_on"}
	return c.table(l, "business_households", columns, func(t tableWriter) error {
		for _, h := range households {
			err := t.Append(h.code, h.name, h.owner, w.communeCode(h.commune), h.address, h.line, h.vsic,
				h.capital, h.status, h.registered.String())
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// writeProcedures writes the dossiers of ds, after the catalogue procs
// unless procs is nil.
func (w *world) writeProcedures(l bulkLoader, c *counter, procs []procedure, ds *dossiers) error {
	if procs != nil {
		if err := writeCatalogue(l, c, procs); err != nil {
			return err
		}
	}
	order := make([]int, len(ds.list))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(ds.list[a].code, ds.list[b].code) })
	columns := []string{"code", "procedure_code", "applicant_id", "applicant_name", "receiving_commune",
		"province_code", "channel", "status", "received_at", "due_at", "completed_at", "returned_at"}
	err := c.table(l, "dossiers", columns, func(t tableWriter) error {
		for _, i := range order {
			d := &ds.list[i]
			code := d.communeCode
			if code == "" {
				code = w.communeCode(d.commune)
			}
			province := w.ref.provinces[w.ref.communes[d.commune].province].code
			err := t.Append(d.code, d.procedure.code, d.applicant, d.name, code, province, d.channel, d.status,
				rfc3339(d.received), rfc3339(d.due), nullTime(d.completed), nullTime(d.returned))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	return c.table(l, "dossier_events", []string{"dossier_code", "seq", "status", "at", "note"}, func(t tableWriter) error {
		for _, i := range order {
			d := &ds.list[i]
			for k, e := range d.events {
				if err := t.Append(d.code, int64(k+1), e.status, rfc3339(e.at), nullString(e.note)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeCatalogue writes the procedure catalogue.
func writeCatalogue(l bulkLoader, c *counter, procs []procedure) error {
	columns := []string{"code", "name", "name_key", "sector", "levels", "managing_agency", "processing_time_text",
		"processing_days", "fee_amount", "fee_currency", "fee_text", "channels", "online_service_level",
		"status", "decision_no", "issued_on", "amended_on", "abolished_on"}
	return c.table(l, "procedures", columns, func(t tableWriter) error {
		for _, p := range procs {
			var days, fee any
			if p.hasDays {
				days = p.days
			}
			if p.hasFee {
				fee = p.fee
			}
			err := t.Append(p.code, p.name, vntext.Fold(p.name), p.sector, p.levels, p.agency, p.timeText,
				days, fee, nullString(p.currency), p.feeText, strings.Join(p.channels, ";"), p.online,
				p.status, p.decision, p.issued.String(), nullDay(p.amended, p.amended != 0),
				nullDay(p.abolished, p.abolished != 0))
			if err != nil {
				return err
			}
		}
		return nil
	})
}
