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
