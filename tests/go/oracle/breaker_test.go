package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	gb1 "github.com/sony/gobreaker"
	gb2 "github.com/sony/gobreaker/v2"
)

// The results of a request, as errors: gobreaker's default IsSuccessful counts any non-nil error
// as a failure, and the replay's v2 breakers exclude errExcluded (v1 has no IsExcluded, so there
// it is a failure, as in a v1 program).
var (
	errFailed   = errors.New("failed")
	errExcluded = errors.New("excluded")
)

func resultError(result string) error {
	switch result {
	case "success":
		return nil
	case "failure":
		return errFailed
	case "excluded":
		return errExcluded
	}
	return fmt.Errorf("unknown result %q", result)
}

type counts struct {
	Requests             uint32 `json:"requests"`
	TotalSuccesses       uint32 `json:"totalSuccesses"`
	TotalFailures        uint32 `json:"totalFailures"`
	ConsecutiveSuccesses uint32 `json:"consecutiveSuccesses"`
	ConsecutiveFailures  uint32 `json:"consecutiveFailures"`
}

type breakerAnswer struct {
	Error  *string `json:"error"`
	State  string  `json:"state"`
	Counts counts  `json:"counts"`
}

// breaker is one gobreaker (v1 or v2) seen through one of its two APIs: execute is set for a
// CircuitBreaker (a request in flight is an Execute blocked in its own goroutine), allow for a
// TwoStepCircuitBreaker. The contract mixes both on one breaker, which Go cannot (TwoStep hides
// its CircuitBreaker), so every trace is replayed through each API and both must agree.
type breaker struct {
	execute func(req func() error) error
	allow   func() (done func(error), err error)
	state   func() string
	counts  func() counts
}

type breakerConfig struct {
	Version        *int     `json:"version"`
	MaxRequests    uint32   `json:"maxRequests"`
	IntervalMs     float64  `json:"intervalMs"`
	TimeoutMs      float64  `json:"timeoutMs"`
	BucketPeriodMs *float64 `json:"bucketPeriodMs"`
	ReadyToTrip    *struct {
		ConsecutiveFailuresGt *float64 `json:"consecutiveFailuresGt"`
		MinRequests           float64  `json:"minRequests"`
		FailureRatioGte       float64  `json:"failureRatioGte"`
	} `json:"readyToTrip"`
}

// newBreaker builds the breaker the config describes; it must run inside the bubble, since
// gobreaker reads the clock when it is created.
func newBreaker(cfg breakerConfig, twoStep bool) (*breaker, error) {
	// readyToTrip's rules, verbatim from the contract (the second is gobreaker's README rule).
	var ready func(requests, totalFailures, consecutiveFailures uint32) bool
	if rt := cfg.ReadyToTrip; rt != nil {
		if gt := rt.ConsecutiveFailuresGt; gt != nil {
			ready = func(_, _, consecutive uint32) bool { return float64(consecutive) > *gt }
		} else {
			ready = func(requests, failures, _ uint32) bool {
				failureRatio := float64(failures) / float64(requests)
				return float64(requests) >= rt.MinRequests && failureRatio >= rt.FailureRatioGte
			}
		}
	}
	version := 2
	if cfg.Version != nil {
		version = *cfg.Version
	}
	switch version {
	case 1:
		if cfg.BucketPeriodMs != nil {
			return nil, errors.New("bucketPeriodMs needs version 2")
		}
		st := gb1.Settings{MaxRequests: cfg.MaxRequests, Interval: nanos(cfg.IntervalMs), Timeout: nanos(cfg.TimeoutMs)}
		if ready != nil {
			st.ReadyToTrip = func(c gb1.Counts) bool { return ready(c.Requests, c.TotalFailures, c.ConsecutiveFailures) }
		}
		conv := func(c gb1.Counts) counts {
			return counts{c.Requests, c.TotalSuccesses, c.TotalFailures, c.ConsecutiveSuccesses, c.ConsecutiveFailures}
		}
		if twoStep {
			cb := gb1.NewTwoStepCircuitBreaker(st)
			return &breaker{
				allow: func() (func(error), error) {
					done, err := cb.Allow()
					if err != nil {
						return nil, err
					}
					return func(err error) { done(err == nil) }, nil // v1's done(success bool)
				},
				state:  func() string { return cb.State().String() },
				counts: func() counts { return conv(cb.Counts()) },
			}, nil
		}
		cb := gb1.NewCircuitBreaker(st)
		return &breaker{
			execute: func(req func() error) error {
				_, err := cb.Execute(func() (any, error) { return nil, req() })
				return err
			},
			state:  func() string { return cb.State().String() },
			counts: func() counts { return conv(cb.Counts()) },
		}, nil
	case 2:
		st := gb2.Settings{
			MaxRequests: cfg.MaxRequests, Interval: nanos(cfg.IntervalMs), Timeout: nanos(cfg.TimeoutMs),
			IsExcluded: func(err error) bool { return errors.Is(err, errExcluded) },
		}
		if cfg.BucketPeriodMs != nil {
			st.BucketPeriod = nanos(*cfg.BucketPeriodMs)
		}
		if ready != nil {
			st.ReadyToTrip = func(c gb2.Counts) bool { return ready(c.Requests, c.TotalFailures, c.ConsecutiveFailures) }
		}
		conv := func(c gb2.Counts) counts {
			return counts{c.Requests, c.TotalSuccesses, c.TotalFailures, c.ConsecutiveSuccesses, c.ConsecutiveFailures}
		}
		if twoStep {
			cb := gb2.NewTwoStepCircuitBreaker[any](st)
			return &breaker{
				allow:  cb.Allow,
				state:  func() string { return cb.State().String() },
				counts: func() counts { return conv(cb.Counts()) },
			}, nil
		}
		cb := gb2.NewCircuitBreaker[any](st)
		return &breaker{
			execute: func(req func() error) error {
				_, err := cb.Execute(func() (any, error) { return nil, req() })
				return err
			},
			state:  func() string { return cb.State().String() },
			counts: func() counts { return conv(cb.Counts()) },
		}, nil
	}
	return nil, fmt.Errorf("version must be 1 or 2, not %d", version)
}

// begin admits a request and returns the function that ends it.
func (b *breaker) begin() (func(error), error) {
	if b.allow != nil {
		return b.allow()
	}
	admitted := make(chan struct{})
	result := make(chan error)
	finished := make(chan error, 1)
	go func() {
		finished <- b.execute(func() error {
			close(admitted)
			return <-result
		})
	}()
	select {
	case <-admitted:
		return func(err error) { result <- err; <-finished }, nil
	case err := <-finished: // rejected: the request never ran
		return nil, err
	}
}

// call runs a request that ends at once and returns the breaker's rejection, if any.
func (b *breaker) call(result error) error {
	if b.execute != nil {
		if err := b.execute(func() error { return result }); rejection(err) != nil {
			return err
		}
		return nil
	}
	done, err := b.allow()
	if err != nil {
		return err
	}
	done(result)
	return nil
}

// rejection names the breaker's own refusal; a request's error is not one.
func rejection(err error) *string {
	var s string
	switch err {
	case gb1.ErrOpenState, gb2.ErrOpenState:
		s = "open"
	case gb1.ErrTooManyRequests, gb2.ErrTooManyRequests:
		s = "too_many_requests"
	default:
		return nil
	}
	return &s
}

type breakerOp struct {
	Op     string  `json:"op"`
	At     float64 `json:"at"`
	ID     string  `json:"id"`
	Result string  `json:"result"`
}

func replayBreaker(t *testing.T, config json.RawMessage, ops []json.RawMessage) []any {
	viaExecute := replayBreakerAPI(t, config, ops, false)
	viaTwoStep := replayBreakerAPI(t, config, ops, true)
	for i := range ops {
		a, _ := json.Marshal(viaExecute[i])
		b, _ := json.Marshal(viaTwoStep[i])
		if !bytes.Equal(a, b) {
			// Not expected of gobreaker; surfaced as an answer so the comparison reports it.
			viaExecute[i] = errorAnswer(fmt.Errorf("oracle: Execute answers %s but TwoStep %s", a, b))
			break
		}
	}
	return viaExecute
}

func replayBreakerAPI(t *testing.T, config json.RawMessage, ops []json.RawMessage, twoStep bool) []any {
	var cfg breakerConfig
	if err := json.Unmarshal(config, &cfg); err != nil {
		return errorAnswers(len(ops), err)
	}
	out := make([]any, len(ops))
	// In the bubble, time.Now is virtual and time.Sleep(d) advances it by exactly d.
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		b, err := newBreaker(cfg, twoStep)
		if err != nil {
			out = errorAnswers(len(ops), err)
			return
		}
		pending := map[string]func(error){}
		last := time.Duration(0)
		for i, raw := range ops {
			var op breakerOp
			if err := json.Unmarshal(raw, &op); err != nil {
				out[i] = errorAnswer(err)
				continue
			}
			at := nanos(op.At)
			if at < last {
				out[i] = errorAnswer(errors.New("at must not go back in time"))
				continue
			}
			switch {
			case op.Op == "begin" && pending[op.ID] != nil:
				out[i] = errorAnswer(fmt.Errorf("id %q is already in flight", op.ID))
				continue
			case op.Op == "end" && pending[op.ID] == nil:
				out[i] = errorAnswer(fmt.Errorf("unknown id %q", op.ID))
				continue
			case op.Op != "call" && op.Op != "begin" && op.Op != "end" && op.Op != "state":
				out[i] = errorAnswer(fmt.Errorf("unknown op %q", op.Op))
				continue
			}
			time.Sleep(start.Add(at).Sub(time.Now()))
			var rejected error
			switch op.Op {
			case "call":
				rejected = b.call(resultError(op.Result))
			case "begin":
				if done, err := b.begin(); err != nil {
					rejected = err
				} else {
					pending[op.ID] = done
				}
			case "end":
				pending[op.ID](resultError(op.Result))
				delete(pending, op.ID)
			}
			last = at
			out[i] = breakerAnswer{Error: rejection(rejected), State: b.state(), Counts: b.counts()}
		}
		// Requests still in flight must end before the bubble can.
		for _, done := range pending {
			done(nil)
		}
	})
	return out
}
