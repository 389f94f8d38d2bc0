package loaders_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"lienthong/loaders"
	"lienthong/sources"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// plantCitizens inserts n citizens with ids citizenID(0) to citizenID(n-1)
// in one transaction.
func plantCitizens(t *testing.T, db *sqldb.DB, n int) {
	t.Helper()
	tx, err := db.X().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.Preparex(tx.Rebind(`INSERT INTO citizens (id, full_name, name_key, date_of_birth, gender,
		ethnicity_code, nationality, status, marital_status, birth_place, hometown)
		VALUES (?, ?, ?, '1990-01-01', 'male', '01', 'VN', 'alive', 'single', '00004', '00004')`))
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for i := range n {
		name := fmt.Sprintf("Công Dân %d", i)
		if _, err := stmt.Exec(citizenID(i), name, fmt.Sprintf("cong dan %d", i)); err != nil {
			t.Fatalf("insert citizen %d: %v", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func citizenID(i int) string { return fmt.Sprintf("001090%06d", i) }

func TestCitizenLoaderHandles70000Keys(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		const (
			keys    = 70_000
			planted = 3_500
		)
		dbs := testenv.Sources(t, engine)
		plantCitizens(t, dbs.Population, planted)

		// Every 20th key exists. The keys are shuffled, because neither engine
		// returns rows in that order.
		ids := make([]string, keys)
		for i := range ids {
			if i%20 == 0 {
				ids[i] = citizenID(i / 20)
			} else {
				ids[i] = citizenID(planted + i)
			}
		}
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })

		ctx, stats := sqldb.WithStats(context.Background())
		// A long MaxWait keeps the 70,000 keys in one batch while LoadMany
		// queues them on a slow machine.
		l := loaders.New(stores(dbs), loaders.Dispatch{Idle: 50 * time.Millisecond, MaxWait: time.Minute})
		citizens, errs := l.Citizen.LoadMany(ctx, ids)()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("key %d (%s): %v", i, ids[i], err)
			}
		}

		if len(citizens) != keys {
			t.Fatalf("got %d results for %d keys", len(citizens), keys)
		}
		found := 0
		for i, c := range citizens {
			if c == nil {
				continue
			}
			found++
			if c.ID != ids[i] {
				t.Fatalf("result %d is citizen %s, want %s", i, c.ID, ids[i])
			}
		}
		if found != planted {
			t.Errorf("found %d citizens, want %d", found, planted)
		}

		t.Logf("%s: %d keys in %d statements", engine, keys, stats.Total())
	})
}

func stores(dbs *sources.DBs) loaders.Stores {
	return loaders.Stores{
		Population:  population.New(dbs.Population),
		CivilStatus: civilstatus.New(dbs.CivilStatus),
		Business:    business.New(dbs.Business),
		Procedures:  procedures.New(dbs.Procedures),
	}
}
