package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

const emptyCall = "/grpc.testing.TestService/EmptyCall"

// codeNames are the canonical status code names (gRPC's statuscodes.md), indexed by code.
var codeNames = []string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

type retryConfig struct {
	MaxAttempts    json.RawMessage `json:"maxAttempts"`
	RetryableCodes json.RawMessage `json:"retryableCodes"`
	Throttling     json.RawMessage `json:"throttling"`
	Server         struct {
		Default codes.Code            `json:"default"`
		ByIndex map[string]codes.Code `json:"byIndex"`
	} `json:"server"`
}

// scriptedServer answers its i-th call (over the whole trace) with ByIndex[i], else Default.
type scriptedServer struct {
	testgrpc.UnimplementedTestServiceServer
	cfg   *retryConfig
	mu    sync.Mutex
	calls int
}

func (s *scriptedServer) EmptyCall(context.Context, *testgrpc.Empty) (*testgrpc.Empty, error) {
	s.mu.Lock()
	i := s.calls
	s.calls++
	s.mu.Unlock()
	code, ok := s.cfg.Server.ByIndex[strconv.Itoa(i)]
	if !ok {
		code = s.cfg.Server.Default
	}
	if code == codes.OK {
		return &testgrpc.Empty{}, nil
	}
	return nil, status.Error(code, "scripted")
}

func (s *scriptedServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// replayRetry runs the trace's calls through a real grpc-go client and server joined by an
// in-memory bufconn. The service config carries the trace's retryPolicy and retryThrottling, so
// grpc itself validates them, retries and throttles; the backoff is the TS replay's fixed 10 ms.
func replayRetry(_ *testing.T, config json.RawMessage, ops []json.RawMessage) []any {
	var cfg retryConfig
	if err := json.Unmarshal(config, &cfg); err != nil {
		return errorAnswers(len(ops), err)
	}
	throttling := ""
	if len(cfg.Throttling) > 0 && string(cfg.Throttling) != "null" {
		throttling = `, "retryThrottling": ` + string(cfg.Throttling)
	}
	serviceConfig := fmt.Sprintf(`{"methodConfig": [{"name": [{"service": "grpc.testing.TestService"}],
		"waitForReady": true, "retryPolicy": {"maxAttempts": %s, "initialBackoff": "0.01s", "maxBackoff": "0.01s",
		"backoffMultiplier": 1, "retryableStatusCodes": %s}}]%s}`, cfg.MaxAttempts, cfg.RetryableCodes, throttling)

	lis := bufconn.Listen(1 << 16)
	srv := &scriptedServer{cfg: &cfg}
	gs := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(gs, srv)
	go gs.Serve(lis)
	defer gs.Stop()
	cc, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(serviceConfig))
	if err != nil { // an invalid retryPolicy or retryThrottling: grpc refuses the config
		return errorAnswers(len(ops), err)
	}
	defer cc.Close()
	// The default service config applies once the resolver has answered.
	cc.Connect()
	for cc.GetMethodConfig(emptyCall).WaitForReady == nil {
		time.Sleep(time.Millisecond)
	}
	client := testgrpc.NewTestServiceClient(cc)
	out := make([]any, len(ops))
	for i, raw := range ops {
		var op struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &op); err != nil || op.Op != "call" {
			out[i] = errorAnswer(fmt.Errorf("unknown op %q (%v)", op.Op, err))
			continue
		}
		before := srv.count()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := client.EmptyCall(ctx, &testgrpc.Empty{})
		cancel()
		after := srv.count()
		out[i] = map[string]any{
			"code":            codeNames[status.Code(err)],
			"lastServerIndex": after - 1,
			"attempts":        after - before,
			"tokens":          throttleTokens(cc),
		}
	}
	return out
}

// throttleTokens reads the channel's retry throttler tokens (cc.retryThrottler, an atomic.Value
// holding a *retryThrottler, unexported); nil without throttling. No call is in flight here.
func throttleTokens(cc *grpc.ClientConn) any {
	v := reflect.ValueOf(cc).Elem().FieldByName("retryThrottler").Field(0) // atomic.Value.v
	if v.IsNil() || v.Elem().IsNil() {
		return nil
	}
	return v.Elem().Elem().FieldByName("tokens").Float()
}
