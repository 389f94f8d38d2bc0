package procedures_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lienthong/sources/procedures"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// statisticsNow is the instant past which open dossiers count as overdue.
var statisticsNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// plantedDossier is a dossier row as the test plants it, kept to compute the
// expected statistics independently of SQL.
type plantedDossier struct {
	code, procedure, commune, province, channel, status string
	received, due                                       time.Time
	completed, returned                                 *time.Time
}

var sectors = map[string]string{
	"1.000001": "Hộ tịch",
	"1.000002": "Hộ tịch",
	"2.000001": "Đất đai",
	"9.999999": "", // not in the catalogue
}

// plantStatistics fills db with catalogue entries and 400 dossiers spread
// over provinces, communes, statuses, channels and months, with receptions
// at 20:00 UTC on a month's last day, which fall in the next month in
// Vietnam.
func plantStatistics(t *testing.T, db *sqldb.DB) []plantedDossier {
	t.Helper()
	ctx := context.Background()
	for code, sector := range sectors {
		if sector == "" {
			continue
		}
		testenv.Insert(t, db, "procedures", map[string]any{
			"code": code, "name": "Thủ tục " + code, "name_key": "thu tuc " + code, "sector": sector,
			"levels": "commune", "managing_agency": "Bộ Tư pháp", "processing_time_text": "3 ngày",
			"fee_text": "", "channels": "online", "online_service_level": "full", "status": "in_force",
			"decision_no": "1/QĐ", "issued_on": "2024-01-15",
		})
	}

	rng := rand.New(rand.NewPCG(7, 11))
	procs := []string{"1.000001", "1.000002", "2.000001", "9.999999"}
	communes := [][2]string{{"00004", "01"}, {"00008", "01"}, {"26734", "79"}, {"22015", "56"}}
	statuses := []string{"received", "processing", "result_ready", "returned", "returned", "rejected", "withdrawn"}
	channels := []string{"online", "in_person", "postal"}

	tx, err := db.X().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	insert := db.X().Rebind(`INSERT INTO dossiers (code, procedure_code, applicant_id, applicant_name,
		receiving_commune, province_code, channel, status, received_at, due_at, completed_at, returned_at)
		VALUES (?, ?, '001085000001', 'Nguyễn Văn An', ?, ?, ?, ?, ?, ?, ?, ?)`)
	var out []plantedDossier
	for i := range 400 {
		cp := communes[rng.IntN(len(communes))]
		d := plantedDossier{
			code: fmt.Sprintf("D%04d", i), procedure: procs[rng.IntN(len(procs))],
			commune: cp[0], province: cp[1],
			channel: channels[rng.IntN(len(channels))], status: statuses[rng.IntN(len(statuses))],
		}
		if i%10 == 0 {
			// The last day of a month at 20:00 UTC is 03:00 the next day in Vietnam.
			d.received = time.Date(2026, time.Month(1+rng.IntN(4)), 1, 20, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		} else {
			d.received = time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(150*24)) * time.Hour)
		}
		d.due = d.received.Add(time.Duration(24+rng.IntN(10*24)) * time.Hour)
		if d.status == "result_ready" || d.status == "returned" {
			c := d.received.Add(time.Duration(1+rng.IntN(12*24)) * time.Hour)
			d.completed = &c
		}
		if d.status == "returned" {
			r := d.completed.Add(time.Duration(rng.IntN(48)) * time.Hour)
			d.returned = &r
		}
		if _, err := tx.ExecContext(ctx, insert, d.code, d.procedure, d.commune, d.province, d.channel, d.status,
			rfc(d.received), rfc(d.due), rfcPtr(d.completed), rfcPtr(d.returned)); err != nil {
			t.Fatalf("insert dossier %s: %v", d.code, err)
		}
		out = append(out, d)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return out
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func rfcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return rfc(*t)
}

// expectStatistics groups the planted dossiers in Go.
func expectStatistics(rows []plantedDossier, by []procedures.Dimension, keep func(plantedDossier) bool) []procedures.Statistics {
	vietnam := time.FixedZone("ICT", 7*3600)
	type acc struct {
		stats    procedures.Statistics
		days     float64
		finished int
	}
	groups := map[string]*acc{}
	for _, d := range rows {
		if !keep(d) {
			continue
		}
		var key []string
		var s procedures.Statistics
		for _, dim := range by {
			var v string
			switch dim {
			case procedures.DimProvince:
				v = d.province
				s.ProvinceCode = &v
			case procedures.DimCommune:
				v = d.commune
				s.CommuneCode = &v
			case procedures.DimProcedure:
				v = d.procedure
				s.ProcedureCode = &v
			case procedures.DimSector:
				v = sectors[d.procedure]
				s.Sector = &v
			case procedures.DimStatus:
				v = d.status
				s.Status = &v
			case procedures.DimChannel:
				v = d.channel
				s.Channel = &v
			case procedures.DimMonth:
				v = d.received.In(vietnam).Format("2006-01")
				s.Month = &v
			}
			key = append(key, v)
		}
		k := strings.Join(key, "\x00")
		a, ok := groups[k]
		if !ok {
			a = &acc{stats: s}
			groups[k] = a
		}
		a.stats.Count++
		switch {
		case d.status == "returned":
			a.stats.ReturnedCount++
			if d.returned.After(d.due) {
				a.stats.OverdueCount++
			} else {
				a.stats.OnTimeCount++
			}
		case d.status != "rejected" && d.status != "withdrawn" && statisticsNow.After(d.due):
			a.stats.OverdueCount++
		}
		if d.completed != nil {
			a.days += d.completed.Sub(d.received).Hours() / 24
			a.finished++
		}
	}

	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]procedures.Statistics, 0, len(keys))
	for _, k := range keys {
		a := groups[k]
		if a.finished > 0 {
			avg := a.days / float64(a.finished)
			a.stats.AverageProcessingDays = &avg
		}
		out = append(out, a.stats)
	}
	return out
}

func testStatistics(t *testing.T, db *sqldb.DB) {
	rows := plantStatistics(t, db)
	store := procedures.New(db)
	ctx := context.Background()

	cases := []struct {
		name   string
		by     []procedures.Dimension
		filter procedures.StatisticsFilter
		keep   func(plantedDossier) bool
	}{
		{"province", []procedures.Dimension{procedures.DimProvince}, procedures.StatisticsFilter{}, nil},
		{"commune_status", []procedures.Dimension{procedures.DimCommune, procedures.DimStatus}, procedures.StatisticsFilter{}, nil},
		{"sector_channel", []procedures.Dimension{procedures.DimSector, procedures.DimChannel}, procedures.StatisticsFilter{}, nil},
		{"procedure_month", []procedures.Dimension{procedures.DimProcedure, procedures.DimMonth}, procedures.StatisticsFilter{}, nil},
		{
			"month_in_province", []procedures.Dimension{procedures.DimMonth},
			procedures.StatisticsFilter{ProvinceCode: "01"},
			func(d plantedDossier) bool { return d.province == "01" },
		},
		{
			"commune_in_period", []procedures.Dimension{procedures.DimCommune},
			procedures.StatisticsFilter{CommuneCode: "00004", ReceivedFrom: "2026-02-01T00:00:00Z", ReceivedTo: "2026-04-01T00:00:00Z"},
			func(d plantedDossier) bool {
				return d.commune == "00004" && !d.received.Before(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) &&
					d.received.Before(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keep := tc.keep
			if keep == nil {
				keep = func(plantedDossier) bool { return true }
			}
			f := tc.filter
			f.Now = rfc(statisticsNow)
			got, err := store.DossierStatistics(ctx, tc.by, f)
			if err != nil {
				t.Fatal(err)
			}
			want := expectStatistics(rows, tc.by, keep)
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("statistics by %v (-want +got):\n%s", tc.by, diff)
			}
		})
	}
}

func TestReportsSQLite(t *testing.T) {
	db := openProcedures(t, filepath.Join(t.TempDir(), "procedures.db"))
	t.Run("statistics", func(t *testing.T) { testStatistics(t, db) })
	t.Run("changes", func(t *testing.T) { testChanges(t, db) })
}

// TestReportsPostgres runs the same checks on PostgreSQL, where the date
// arithmetic takes the other branch of the dialect helpers.
func TestReportsPostgres(t *testing.T) {
	db := openProcedures(t, testenv.PostgresDB(t))
	t.Run("statistics", func(t *testing.T) { testStatistics(t, db) })
	t.Run("changes", func(t *testing.T) { testChanges(t, db) })
}

// testChanges plants four procedures with codes apart from the statistics
// ones and lists the changes of the second half of 2025.
func testChanges(t *testing.T, db *sqldb.DB) {
	plant := func(code, sector, issued string, amended, abolished any) {
		testenv.Insert(t, db, "procedures", map[string]any{
			"code": code, "name": "Thủ tục " + code, "name_key": "thu tuc", "sector": sector,
			"levels": "commune", "managing_agency": "Bộ Tư pháp", "processing_time_text": "3 ngày",
			"fee_text": "", "channels": "online", "online_service_level": "full", "status": "in_force",
			"decision_no": "1/QĐ", "issued_on": issued, "amended_on": amended, "abolished_on": abolished,
		})
	}
	plant("3.000001", "Hộ tịch", "2025-03-01", "2025-08-10", nil)
	plant("3.000002", "Hộ tịch", "2025-07-01", nil, "2025-12-31")
	plant("3.000003", "Đất đai", "2020-01-01", nil, "2026-01-01")
	plant("3.000004", "Đất đai", "2025-07-15", "2025-07-20", nil)

	got, err := procedures.New(db).ProcedureChanges(context.Background(), "2025-07-01", "2026-01-01", "")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, c.On+" "+c.Code+" "+string(c.Kind))
	}
	want := []string{
		"2025-07-01 3.000002 issued",
		"2025-07-15 3.000004 issued",
		"2025-07-20 3.000004 amended",
		"2025-08-10 3.000001 amended",
		"2025-12-31 3.000002 abolished",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	got, err = procedures.New(db).ProcedureChanges(context.Background(), "2025-07-01", "2026-01-01", "Đất đai")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("changes in sector Đất đai = %d, want 2", len(got))
	}
}

func openProcedures(t *testing.T, dsn string) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, procedures.Name, dsn, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, procedures.Migrations, "migrations"); err != nil {
		t.Fatal(err)
	}
	return db
}
