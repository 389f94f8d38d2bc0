// Package telemetry installs the OpenTelemetry trace provider when the
// standard OTEL_* environment variables ask for an exporter. Without one,
// no provider is installed: the spans the gateway starts go to
// OpenTelemetry's no-op tracer and cost a few allocations each.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Exporter returns the trace exporter the environment selects: "otlp" when
// OTEL_TRACES_EXPORTER is otlp, or is unset while an OTLP endpoint is set,
// and "none" otherwise. OTEL_SDK_DISABLED=true selects none.
func Exporter() string {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return "none"
	}
	if e := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER")); e != "" {
		return e
	}
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		return "otlp"
	}
	return "none"
}

// Setup installs the global trace provider and the W3C trace context
// propagator when Exporter is otlp, and returns the function that flushes
// and stops the provider. The OTLP exporter sends protobuf over HTTP. It
// reads its endpoint, headers, timeout and TLS settings from the standard
// OTEL_EXPORTER_OTLP_* variables. The sampler comes from OTEL_TRACES_SAMPLER,
// and the resource from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
func Setup(ctx context.Context) (shutdown func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	switch exporter := Exporter(); exporter {
	case "none":
		return noop, nil
	case "otlp":
	default:
		return nil, fmt.Errorf("unsupported OTEL_TRACES_EXPORTER %q: use otlp or none", exporter)
	}
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if protocol != "" && protocol != "http/protobuf" {
		return nil, fmt.Errorf("unsupported OTLP protocol %q: only http/protobuf is built in", protocol)
	}

	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("create OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "lienthong")),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("build telemetry resource: %w", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{}))
	return provider.Shutdown, nil
}
