// Package pins imports every library the lessons' Go blocks use, so that `go mod tidy` keeps
// their versions in go.mod: the snippet check vets the blocks against exactly these versions.
package pins

import (
	_ "github.com/afex/hystrix-go/hystrix"
	_ "github.com/alibaba/sentinel-golang/api"
	_ "github.com/alibaba/sentinel-golang/core/base"
	_ "github.com/alibaba/sentinel-golang/core/circuitbreaker"
	_ "github.com/gin-gonic/gin"
	_ "github.com/go-kit/kit/endpoint"
	_ "github.com/go-micro/plugins/v4/registry/consul"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/segmentio/kafka-go"
	_ "github.com/sony/gobreaker"
	_ "github.com/sony/gobreaker/v2"
	_ "go-micro.dev/v4"
	_ "go-micro.dev/v4/client"
	_ "go-micro.dev/v4/registry"
	_ "go-micro.dev/v4/selector"
	_ "go.etcd.io/etcd/client/v3"
	_ "go.opentelemetry.io/otel"
	_ "go.opentelemetry.io/otel/propagation"
	_ "go.opentelemetry.io/otel/sdk/trace"
	_ "go.opentelemetry.io/otel/trace"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/sync/singleflight"
	_ "golang.org/x/time/rate"
	_ "google.golang.org/grpc"
	_ "google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/status"
)
