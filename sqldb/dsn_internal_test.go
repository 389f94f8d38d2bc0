package sqldb

import "testing"

func TestLowerScheme(t *testing.T) {
	for in, want := range map[string]string{
		"Postgres://u@h/db":    "postgres://u@h/db",
		"POSTGRESQL://u@h/db":  "postgresql://u@h/db",
		"postgres://U@H/DB":    "postgres://U@H/DB",
		"host=h dbname=db":     "host=h dbname=db",
		"./data/population.db": "./data/population.db",
	} {
		if got := lowerScheme(in); got != want {
			t.Errorf("lowerScheme(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDatabaseOfAcceptsSchemeInAnyCase(t *testing.T) {
	upper, err := DatabaseOf("Postgres://u@h:5432/db")
	if err != nil {
		t.Fatalf("DatabaseOf with Postgres:// = %v", err)
	}
	lower, err := DatabaseOf("postgres://u@h:5432/db")
	if err != nil {
		t.Fatal(err)
	}
	if upper != lower {
		t.Errorf("DatabaseOf: %q for Postgres://, %q for postgres://", upper, lower)
	}
}
