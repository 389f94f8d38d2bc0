package server

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadExamplesSkipsInvalid(t *testing.T) {
	files := fstest.MapFS{
		"examples/Good.graphql":        {Data: []byte("query Good { provinces { code } }")},
		"examples/Good.json":           {Data: []byte(`{}`)},
		"examples/Report.graphql":      {Data: []byte("query Report { monthlyReport { total } }")},
		"examples/Misnamed.graphql":    {Data: []byte("query Other { provinces { code } }")},
		"examples/BadVars.graphql":     {Data: []byte("query BadVars { provinces { code } }")},
		"examples/BadVars.json":        {Data: []byte(`["not", "an", "object"]`)},
		"examples/NullVars.graphql":    {Data: []byte("query NullVars { provinces { code } }")},
		"examples/NullVars.json":       {Data: []byte(`null`)},
		"examples/Syntax.graphql":      {Data: []byte("query Syntax { provinces { code }")},
		"examples/CaseContext.graphql": {Data: []byte("query CaseContext { provinces { name } }")},
	}

	examples, skipped := loadExamples(files)

	var names []string
	for _, example := range examples {
		names = append(names, example.Name)
	}
	if got := strings.Join(names, " "); got != "CaseContext Good" {
		t.Errorf("loaded examples = %s, want CaseContext Good", got)
	}
	wantSkipped := []string{"BadVars.json", "Misnamed.graphql", "NullVars.json", "Report.graphql", "Syntax.graphql"}
	if len(skipped) != len(wantSkipped) {
		t.Fatalf("skipped %d examples, want %d: %v", len(skipped), len(wantSkipped), skipped)
	}
	for i, file := range wantSkipped {
		if !strings.Contains(skipped[i].Error(), file) {
			t.Errorf("skipped[%d] = %q, want it to name %s", i, skipped[i], file)
		}
	}
	if !strings.Contains(skipped[3].Error(), "monthlyReport") {
		t.Errorf("error for Report = %q, want it to name the unknown field monthlyReport", skipped[3])
	}
}
