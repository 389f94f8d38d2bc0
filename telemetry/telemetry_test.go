package telemetry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lienthong/telemetry"
)

func TestExporterFromEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing_set", map[string]string{}, "none"},
		{"endpoint_set", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, "otlp"},
		{"traces_endpoint_set", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, "otlp"},
		{"exporter_none", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"}, "none"},
		{"sdk_disabled", map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, "none"},
		{"exporter_otlp", map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, "otlp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER",
				"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
				t.Setenv(key, tt.env[key])
			}
			if got := telemetry.Exporter(); got != tt.want {
				t.Errorf("Exporter() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSetupRejectsUnsupportedSettings(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "zipkin")
	if _, err := telemetry.Setup(context.Background()); err == nil || !strings.Contains(err.Error(), `"zipkin"`) {
		t.Errorf("Setup with exporter zipkin: err = %v, want one naming zipkin", err)
	}

	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	if _, err := telemetry.Setup(context.Background()); err == nil || !strings.Contains(err.Error(), `"grpc"`) {
		t.Errorf("Setup with protocol grpc: err = %v, want one naming grpc", err)
	}
}

func TestSetupOffInstallsNothing(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	shutdown, err := telemetry.Setup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
