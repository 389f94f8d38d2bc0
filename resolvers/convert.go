package resolvers

import (
	"strconv"
	"strings"
	"time"

	"lienthong/graph/model"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// Sources store enum values in lower snake case (married, in_person); the
// schema spells them in upper case (MARRIED, IN_PERSON).
func enum[E ~string](s string) E { return E(strings.ToUpper(s)) }

func enums[E ~string](list []string) []E {
	out := make([]E, len(list))
	for i, s := range list {
		out[i] = enum[E](s)
	}
	return out
}

func datePtr(s *string) *model.Date {
	if s == nil || *s == "" {
		return nil
	}
	d := model.Date(*s)
	return &d
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// parseTime reads an RFC 3339 timestamp as the sources store it. A malformed
// value yields the zero time rather than failing the whole dossier.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func timePtr(s *string) *time.Time {
	if s == nil || *s == "" {
		return nil
	}
	t := parseTime(*s)
	return &t
}

func toCitizen(c *population.Citizen) *model.Citizen {
	if c == nil {
		return nil
	}
	return &model.Citizen{
		ID:             c.ID,
		FullName:       c.FullName,
		DateOfBirth:    model.Date(c.DateOfBirth),
		Gender:         enum[model.Gender](c.Gender),
		Nationality:    c.Nationality,
		BloodGroup:     c.BloodGroup,
		Status:         enum[model.LifeStatus](c.Status),
		DateOfDeath:    datePtr(c.DateOfDeath),
		MaritalStatus:  enum[model.MaritalStatus](c.MaritalStatus),
		EthnicityCode:  c.EthnicityCode,
		ReligionCode:   c.ReligionCode,
		BirthPlaceCode: c.BirthPlace,
		HometownCode:   c.Hometown,
		HouseholdCode:  c.HouseholdCode,
	}
}

func toResidence(r population.Residence) *model.Residence {
	return &model.Residence{
		Kind:         enum[model.ResidenceKind](r.Kind),
		Address:      r.Address,
		CommuneCode:  r.CommuneCode,
		RegisteredOn: model.Date(r.RegisteredOn),
		ExpiresOn:    datePtr(r.ExpiresOn),
	}
}

func toHousehold(h *population.Household) *model.Household {
	if h == nil {
		return nil
	}
	return &model.Household{Code: h.Code, Address: h.Address, CommuneCode: h.CommuneCode, HeadID: h.HeadID}
}

func registrationBase(r *civilstatus.Registration) model.RegistrationBase {
	return model.RegistrationBase{
		ID:                     strconv.FormatInt(r.ID, 10),
		Kind:                   enum[model.RegistrationKind](r.Kind),
		Book:                   r.Book,
		RegistrationNumber:     r.NumberText(),
		RegisteringCommuneCode: r.RegisteringCommune,
		RegisteredOn:           model.Date(r.RegisteredOn),
	}
}

// toRegistration converts a registration to the schema type of its kind.
// viewer is the citizen through whom it was reached, which decides who the
// spouse of a marriage is; it is "" for a direct lookup.
func toRegistration(r *civilstatus.Registration, viewer string) model.CivilStatusRegistration {
	base := registrationBase(r)
	switch r.Kind {
	case "birth":
		return &model.BirthRegistration{
			RegistrationBase: base,
			ChildName:        deref(r.SubjectName),
			Gender:           enum[model.Gender](deref(r.SubjectGender)),
			DateOfBirth:      model.Date(deref(r.EventDate)),
			PlaceOfBirth:     r.Place,
			ChildID:          r.PartyID("child"),
			FatherID:         r.PartyID("father"),
			MotherID:         r.PartyID("mother"),
		}
	case "death":
		return &model.DeathRegistration{
			RegistrationBase: base,
			DateOfDeath:      model.Date(deref(r.EventDate)),
			PlaceOfDeath:     r.Place,
			Cause:            r.Cause,
			DeceasedID:       r.PartyID("deceased"),
		}
	case "marriage":
		m := &model.MarriageRegistration{
			RegistrationBase: base,
			HusbandID:        r.PartyID("husband"),
			WifeID:           r.PartyID("wife"),
			DissolvedOn:      datePtr(r.DissolvedOn),
		}
		switch viewer {
		case m.HusbandID:
			m.SpouseID = m.WifeID
		case m.WifeID:
			m.SpouseID = m.HusbandID
		}
		return m
	case "divorce":
		d := &model.DivorceRegistration{
			RegistrationBase: base, DecidedOn: datePtr(r.EventDate),
			HusbandID: r.PartyID("husband"), WifeID: r.PartyID("wife"),
		}
		if r.RelatedID != nil {
			d.MarriageID = strconv.FormatInt(*r.RelatedID, 10)
		}
		return d
	case "recognition":
		return &model.RecognitionRegistration{
			RegistrationBase: base, ParentID: r.PartyID("parent"), ChildID: r.PartyID("child"),
		}
	case "guardianship":
		return &model.GuardianshipRegistration{
			RegistrationBase: base, GuardianID: r.PartyID("guardian"), WardID: r.PartyID("ward"),
			EndedOn: datePtr(r.EndedOn),
		}
	case "correction":
		return &model.CorrectionRegistration{
			RegistrationBase: base, SubjectID: r.PartyID("subject"), Item: deref(r.Item),
			OldValue: r.OldValue, NewValue: r.NewValue,
		}
	case "marital_status_confirmation":
		return &model.MaritalStatusConfirmation{
			RegistrationBase: base, SubjectID: r.PartyID("subject"),
			Status: enum[model.MaritalStatus](deref(r.StatedStatus)), Purpose: r.Purpose,
		}
	}
	return nil
}

func toEnterprise(e *business.Enterprise) *model.Enterprise {
	if e == nil {
		return nil
	}
	return &model.Enterprise{
		Code:             e.Code,
		Name:             e.Name,
		Type:             enum[model.EnterpriseType](e.Type),
		Status:           enum[model.EnterpriseStatus](e.Status),
		StatusSince:      model.Date(e.StatusSince),
		RegisteredOn:     model.Date(e.RegisteredOn),
		Address:          e.Address,
		CommuneCode:      e.CommuneCode,
		CharterCapital:   float64(e.CharterCapital),
		RepresentativeID: deref(e.RepresentativeID),
	}
}

func toIndustry(code string, main bool) *model.Industry {
	ind := &model.Industry{Code: code, Main: main}
	if name := business.IndustryName(code); name != "" {
		ind.Name = &name
	}
	return ind
}

func toBusinessHousehold(h *business.Household) *model.BusinessHousehold {
	if h == nil {
		return nil
	}
	return &model.BusinessHousehold{
		Code:         h.Code,
		Name:         h.Name,
		OwnerID:      h.OwnerID,
		CommuneCode:  h.CommuneCode,
		Address:      h.Address,
		BusinessLine: h.BusinessLine,
		Industry:     toIndustry(h.VSICCode, true),
		Capital:      float64(h.Capital),
		Status:       enum[model.BusinessHouseholdStatus](h.Status),
		RegisteredOn: model.Date(h.RegisteredOn),
	}
}

func toProcedure(p *procedures.Procedure) *model.Procedure {
	if p == nil {
		return nil
	}
	out := &model.Procedure{
		Code:               p.Code,
		Name:               p.Name,
		Sector:             p.Sector,
		Level:              enums[model.ImplementingLevel](p.LevelList()),
		ManagingAgency:     p.ManagingAgency,
		ProcessingDays:     p.ProcessingDays,
		ProcessingTime:     p.ProcessingTimeText,
		FeeCurrency:        p.FeeCurrency,
		FeeText:            p.FeeText,
		Channels:           enums[model.Channel](p.ChannelList()),
		OnlineServiceLevel: enum[model.OnlineServiceLevel](p.OnlineServiceLevel),
		Status:             enum[model.ProcedureStatus](p.Status),
		DecisionNumber:     p.DecisionNo,
		IssuedOn:           model.Date(p.IssuedOn),
		AmendedOn:          datePtr(p.AmendedOn),
		AbolishedOn:        datePtr(p.AbolishedOn),
	}
	if p.FeeAmount != nil {
		fee := float64(*p.FeeAmount)
		out.Fee = &fee
	}
	return out
}

// toDossier converts a dossier. now decides whether an open dossier is
// overdue.
func toDossier(d *procedures.Dossier, now time.Time) *model.Dossier {
	if d == nil {
		return nil
	}
	out := &model.Dossier{
		Code:                 d.Code,
		Status:               enum[model.DossierStatus](d.Status),
		Channel:              enum[model.Channel](d.Channel),
		ReceivedAt:           parseTime(d.ReceivedAt),
		DueAt:                parseTime(d.DueAt),
		CompletedAt:          timePtr(d.CompletedAt),
		ReturnedAt:           timePtr(d.ReturnedAt),
		ReceivingCommuneCode: d.ReceivingCommune,
		ProcedureCode:        d.ProcedureCode,
		ApplicantID:          d.ApplicantID,
		ApplicantName:        d.ApplicantName,
		ProvinceCode:         d.ProvinceCode,
	}
	out.Overdue = overdue(out, now)
	return out
}

// overdue reports whether a dossier was returned after its due time, or is
// still open past it. Rejected and withdrawn dossiers are closed and never
// overdue.
func overdue(d *model.Dossier, now time.Time) bool {
	switch d.Status {
	case model.DossierStatusRejected, model.DossierStatusWithdrawn:
		return false
	case model.DossierStatusReturned:
		return d.ReturnedAt != nil && d.ReturnedAt.After(d.DueAt)
	}
	return now.After(d.DueAt)
}
