package oracle

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
)

// backoffStrategy is the method set of grpc-go's internal/backoff.Strategy, which a ClientConn
// calls with its count of failed connection attempts.
type backoffStrategy interface {
	Backoff(retries int) time.Duration
}

// connectionBackoff returns the strategy a real ClientConn uses for the given ConnectParams.
// grpc-go exports no way to evaluate it (internal/backoff cannot be imported), and waiting for
// real reconnections would take the delays themselves, so the strategy is read out of the
// ClientConn (dopts.bs, set by WithConnectParams) and called: grpc's own code, nothing copied.
// NewClient does not connect, so this costs no network.
func connectionBackoff(cfg backoff.Config) (backoffStrategy, error) {
	cc, err := grpc.NewClient("passthrough:///unused",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: cfg}))
	if err != nil {
		return nil, err
	}
	defer cc.Close()
	field := reflect.ValueOf(cc).Elem().FieldByName("dopts").FieldByName("bs")
	if !field.IsValid() {
		return nil, fmt.Errorf("grpc.ClientConn has no dopts.bs: update connectionBackoff for this grpc version")
	}
	// An unexported field cannot be read through reflect directly; the same memory can.
	bs := reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Interface()
	strategy, ok := bs.(backoffStrategy)
	if !ok {
		return nil, fmt.Errorf("dopts.bs is a %T, not a backoff strategy", bs)
	}
	return strategy, nil
}

func replayBackoff(_ *testing.T, config json.RawMessage, ops []json.RawMessage) []any {
	var cfg struct {
		BaseMs     float64 `json:"baseMs"`
		Multiplier float64 `json:"multiplier"`
		Jitter     float64 `json:"jitter"`
		MaxMs      float64 `json:"maxMs"`
	}
	if err := json.Unmarshal(config, &cfg); err != nil {
		return errorAnswers(len(ops), err)
	}
	// With Jitter 0 the result is exact; with another jitter grpc draws from math/rand, which no
	// trace can reproduce, so the traces use 0 only.
	strategy, err := connectionBackoff(backoff.Config{
		BaseDelay: nanos(cfg.BaseMs), Multiplier: cfg.Multiplier, Jitter: cfg.Jitter, MaxDelay: nanos(cfg.MaxMs),
	})
	if err != nil {
		return errorAnswers(len(ops), err)
	}
	out := make([]any, len(ops))
	for i, raw := range ops {
		var op struct {
			Op      string `json:"op"`
			Retries int    `json:"retries"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			out[i] = errorAnswer(err)
		} else if op.Op != "delay" {
			out[i] = errorAnswer(fmt.Errorf("unknown op %q", op.Op))
		} else {
			out[i] = map[string]any{"delayMs": millis(strategy.Backoff(op.Retries))}
		}
	}
	return out
}
