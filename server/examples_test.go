package server_test

import (
	"encoding/json"
	"testing"

	"lienthong/server"
	"lienthong/testenv"
)

func TestExamplesAllLoad(t *testing.T) {
	examples, skipped := server.LoadExamples()

	for _, err := range skipped {
		t.Errorf("example skipped: %v", err)
	}
	if len(examples) == 0 {
		t.Fatal("no examples loaded")
	}
	if examples[0].Name != "CaseContext" {
		t.Errorf("first example = %s, want CaseContext", examples[0].Name)
	}
	want := []string{"CaseContext", "CitizenSearch", "DiscrepancyReport", "DossierStatistics", "DossiersByProcedure", "OpenDossiers", "ProcedureCatalogue"}
	got := map[string]bool{}
	for _, example := range examples {
		got[example.Name] = true
	}
	for _, name := range want {
		if !got[name] {
			t.Errorf("example %s is missing", name)
		}
	}
}

// TestExamplesRunWithoutErrors runs every example with its variables file
// through the real server, so an example that validates but fails at run
// time, such as one with a malformed code in its variables, is caught.
func TestExamplesRunWithoutErrors(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	code := plantCase(t, env, f, 3)

	examples, _ := server.LoadExamples()
	for _, example := range examples {
		t.Run(example.Name, func(t *testing.T) {
			variables := map[string]any{}
			if example.Variables != "" {
				if err := json.Unmarshal([]byte(example.Variables), &variables); err != nil {
					t.Fatalf("decoding variables %s failed: %v", example.Variables, err)
				}
			}
			if example.Name == "CaseContext" {
				variables["code"] = code
			}

			resp := env.Query(t, example.Query, variables)

			if len(resp.Errors) > 0 {
				t.Errorf("errors: %+v", resp.Errors)
			}
			if string(resp.Data) == "" || string(resp.Data) == "null" {
				t.Errorf("data = %s, want an object", resp.Data)
			}
		})
	}
}
