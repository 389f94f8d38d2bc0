package testenv

import (
	"fmt"
	"testing"

	"lienthong/vntext"
)

// Fixture plants hand-made records, so tests know exactly what each source
// holds. Ids and numbers come from counters and never collide.
type Fixture struct {
	t    testing.TB
	env  *Env
	next int
}

// Fixture returns a planter for e's sources.
func (e *Env) Fixture(t testing.TB) *Fixture {
	return &Fixture{t: t, env: e, next: 1}
}

func (f *Fixture) seq() int {
	f.next++
	return f.next
}

// Person describes a citizen to plant. Zero fields get defaults.
type Person struct {
	ID            string
	FullName      string
	DateOfBirth   string
	Gender        string
	MaritalStatus string
	Status        string
	Household     string
	CommuneCode   string
}

// Citizen plants a citizen with a permanent residence and a birth
// registration, and returns its id.
func (f *Fixture) Citizen(p Person) string {
	n := f.seq()
	if p.ID == "" {
		p.ID = fmt.Sprintf("001%d85%06d", map[bool]int{true: 1, false: 0}[p.Gender == "female"], n)
	}
	if p.FullName == "" {
		p.FullName = fmt.Sprintf("Nguyễn Văn Thử %d", n)
	}
	if p.DateOfBirth == "" {
		p.DateOfBirth = "1985-03-14"
	}
	if p.Gender == "" {
		p.Gender = "male"
	}
	if p.MaritalStatus == "" {
		p.MaritalStatus = "single"
	}
	if p.Status == "" {
		p.Status = "alive"
	}
	if p.CommuneCode == "" {
		p.CommuneCode = "00004"
	}
	row := map[string]any{
		"id": p.ID, "full_name": p.FullName, "name_key": vntext.Fold(p.FullName),
		"date_of_birth": p.DateOfBirth, "gender": p.Gender, "ethnicity_code": "01",
		"nationality": "VN", "status": p.Status, "marital_status": p.MaritalStatus,
		"birth_place": p.CommuneCode, "hometown": p.CommuneCode,
	}
	if p.Household != "" {
		row["household_code"] = p.Household
	}
	Insert(f.t, f.env.DBs.Population, "citizens", row)
	Insert(f.t, f.env.DBs.Population, "residences", map[string]any{
		"id": n, "citizen_id": p.ID, "kind": "permanent", "address": fmt.Sprintf("Số %d, phố Kim Mã", n),
		"commune_code": p.CommuneCode, "registered_on": "2010-05-01",
	})
	reg := f.registration("birth", p.CommuneCode, "1985-04-01", map[string]any{
		"event_date": p.DateOfBirth, "subject_name": p.FullName, "subject_gender": p.Gender, "place": "Bệnh viện Bạch Mai",
	})
	f.party(reg, p.ID, "child", p.FullName)
	return p.ID
}

func (f *Fixture) registration(kind, commune, on string, extra map[string]any) int {
	id := f.seq()
	row := map[string]any{
		"id": id, "kind": kind, "book": "01/" + on[:4], "number": id,
		"registering_commune": commune, "registered_on": on,
	}
	for k, v := range extra {
		row[k] = v
	}
	Insert(f.t, f.env.DBs.CivilStatus, "registrations", row)
	return id
}

func (f *Fixture) party(reg int, citizenID, role, name string) {
	Insert(f.t, f.env.DBs.CivilStatus, "registration_parties", map[string]any{
		"registration_id": reg, "citizen_id": citizenID, "role": role, "full_name": name,
	})
}

// Household plants a household whose head is a new citizen, with size
// members in all, and returns its code and the member ids, head first.
func (f *Fixture) Household(size int) (string, []string) {
	code := fmt.Sprintf("HK%08d", f.seq())
	Insert(f.t, f.env.DBs.Population, "households", map[string]any{
		"code": code, "head_id": "", "address": "Số 1, phố Kim Mã", "commune_code": "00004",
	})
	var ids []string
	for i := 0; i < size; i++ {
		relation := "child"
		if i == 0 {
			relation = "head"
		}
		id := f.Citizen(Person{Household: code})
		Insert(f.t, f.env.DBs.Population, "household_members", map[string]any{
			"household_code": code, "citizen_id": id, "relation_to_head": relation, "position": i,
		})
		ids = append(ids, id)
	}
	if _, err := f.env.DBs.Population.X().Exec(f.env.DBs.Population.X().Rebind(`UPDATE households SET head_id = ? WHERE code = ?`), ids[0], code); err != nil {
		f.t.Fatal(err)
	}
	return code, ids
}

// Marriage registers a marriage between husband and wife.
func (f *Fixture) Marriage(husband, wife, on string) {
	reg := f.registration("marriage", "00004", on, map[string]any{"event_date": on})
	f.party(reg, husband, "husband", "")
	f.party(reg, wife, "wife", "")
}

// Enterprise plants an enterprise with rep as legal representative.
func (f *Fixture) Enterprise(rep string) string {
	code := fmt.Sprintf("01%08d", f.seq())
	Insert(f.t, f.env.DBs.Business, "enterprises", map[string]any{
		"code": code, "name": "Công ty TNHH Thử Nghiệm " + code, "type": "single_member_llc",
		"status": "active", "status_since": "2020-01-02", "registered_on": "2020-01-02",
		"address": "Số 5, phố Huế", "commune_code": "00004", "charter_capital": 1_000_000_000,
		"representative_id": rep,
	})
	Insert(f.t, f.env.DBs.Business, "enterprise_people", map[string]any{
		"enterprise_code": code, "citizen_id": rep, "role": "legal_representative",
	})
	Insert(f.t, f.env.DBs.Business, "enterprise_industries", map[string]any{
		"enterprise_code": code, "vsic_code": "4711", "is_main": true,
	})
	return code
}

// BusinessHousehold plants a household business owned by owner.
func (f *Fixture) BusinessHousehold(owner string) string {
	Insert(f.t, f.env.DBs.Business, "business_households", map[string]any{
		"code": owner, "name": "Hộ kinh doanh Tạp hóa Thử", "owner_id": owner, "commune_code": "00004",
		"address": "Số 9, phố Huế", "business_line": "Bán lẻ tạp hóa", "vsic_code": "4711",
		"capital": 50_000_000, "status": "active", "registered_on": "2021-06-01",
	})
	return owner
}

// Procedure plants a catalogue entry.
func (f *Fixture) Procedure(code, name string) {
	Insert(f.t, f.env.DBs.Procedures, "procedures", map[string]any{
		"code": code, "name": name, "name_key": vntext.Fold(name), "sector": "Hộ tịch",
		"levels": "commune", "managing_agency": "Bộ Tư pháp", "processing_time_text": "3 Ngày làm việc",
		"processing_days": 3.0, "fee_amount": 0, "fee_currency": "VND", "fee_text": "Miễn phí",
		"channels": "in_person;online", "online_service_level": "partial", "status": "in_force",
		"decision_no": "163/QĐ-BTP", "issued_on": "2024-01-15",
	})
}

// Dossier plants a dossier for a procedure and applicant, received on the
// given day, and returns its code.
func (f *Fixture) Dossier(procedure, applicant, day, status string) string {
	n := f.seq()
	code := fmt.Sprintf("000.00.04.H01-%s-%04d", day[2:4]+day[5:7]+day[8:10], n)
	received := day + "T08:00:00Z"
	Insert(f.t, f.env.DBs.Procedures, "dossiers", map[string]any{
		"code": code, "procedure_code": procedure, "applicant_id": applicant, "applicant_name": "Người nộp",
		"receiving_commune": "00004", "province_code": "01", "channel": "in_person", "status": status,
		"received_at": received, "due_at": day + "T17:00:00Z",
	})
	Insert(f.t, f.env.DBs.Procedures, "dossier_events", map[string]any{
		"dossier_code": code, "seq": 1, "status": "received", "at": received,
	})
	return code
}
