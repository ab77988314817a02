package oracle

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe" // also for go:linkname

	"golang.org/x/time/rate"
)

// reserveN is x/time/rate's own unexported (*Limiter).reserveN, which ReserveN calls with
// maxFutureReserve = InfDuration and WaitN with the time left before the context's deadline. The
// contract's maxWaitMs is that argument; no exported method takes an explicit time and a maximum
// wait, and re-deriving "would it wait too long?" from TokensAt would copy the library's
// arithmetic instead of testing it. go:linkname reaches the unmodified module's code (the
// linker restricts pulls of standard-library symbols only).
//
//go:linkname reserveN golang.org/x/time/rate.(*Limiter).reserveN
func reserveN(lim *rate.Limiter, t time.Time, n int, maxFutureReserve time.Duration) rate.Reservation

// epoch is the contract's time 0. NewLimiter leaves its last update at the zero Time (year 1),
// before any op of a trace, and its bucket full: a limiter created at time 0.
var epoch = time.Unix(0, 0)

type limiterOp struct {
	Op        string          `json:"op"`
	At        float64         `json:"at"`
	N         int             `json:"n"`
	ID        string          `json:"id"`
	MaxWaitMs *float64        `json:"maxWaitMs"`
	Limit     json.RawMessage `json:"limit"`
	Burst     int             `json:"burst"`
}

func replayLimiter(_ *testing.T, config json.RawMessage, ops []json.RawMessage) []any {
	var cfg struct {
		Limit json.RawMessage `json:"limit"`
		Burst int             `json:"burst"`
	}
	if err := json.Unmarshal(config, &cfg); err != nil {
		return errorAnswers(len(ops), err)
	}
	limit, err := parseLimit(cfg.Limit)
	if err != nil {
		return errorAnswers(len(ops), err)
	}
	lim := rate.NewLimiter(limit, cfg.Burst)
	reservations := map[string]*rate.Reservation{}
	out := make([]any, len(ops))
	for i, raw := range ops {
		a, err := limiterStep(lim, reservations, raw)
		if err != nil {
			out[i] = errorAnswer(err)
		} else {
			out[i] = a
		}
	}
	return out
}

func limiterStep(lim *rate.Limiter, reservations map[string]*rate.Reservation, raw json.RawMessage) (any, error) {
	var op limiterOp
	if err := json.Unmarshal(raw, &op); err != nil {
		return nil, err
	}
	at := epoch.Add(nanos(op.At))
	switch op.Op {
	case "allow":
		tokens := lim.TokensAt(at) // the contract's tokens are those before the op
		return map[string]any{"ok": lim.AllowN(at, op.N), "tokens": jsonNumber(tokens)}, nil
	case "reserve":
		if _, used := reservations[op.ID]; used {
			return nil, fmt.Errorf("reservation id %q is already used", op.ID)
		}
		var r *rate.Reservation
		if op.MaxWaitMs == nil {
			r = lim.ReserveN(at, op.N)
		} else {
			v := reserveN(lim, at, op.N, nanos(*op.MaxWaitMs))
			r = &v
		}
		reservations[op.ID] = r
		if !r.OK() {
			return map[string]any{"ok": false, "timeToAct": nil}, nil
		}
		return map[string]any{"ok": true, "timeToAct": millis(sinceEpoch(r))}, nil
	case "cancel":
		r, ok := reservations[op.ID]
		if !ok {
			return nil, fmt.Errorf("unknown reservation id %q", op.ID)
		}
		r.CancelAt(at)
		return map[string]any{"ok": true}, nil
	case "setLimit":
		limit, err := parseLimit(op.Limit)
		if err != nil {
			return nil, err
		}
		lim.SetLimitAt(at, limit)
		return map[string]any{"ok": true}, nil
	case "setBurst":
		lim.SetBurstAt(at, op.Burst)
		return map[string]any{"ok": true}, nil
	case "tokens":
		return map[string]any{"tokens": jsonNumber(lim.TokensAt(at))}, nil
	}
	return nil, fmt.Errorf("unknown op %q", op.Op)
}

func parseLimit(raw json.RawMessage) (rate.Limit, error) {
	if string(raw) == `"inf"` {
		return rate.Inf, nil
	}
	var l float64
	if err := json.Unmarshal(raw, &l); err != nil || raw == nil {
		return 0, errors.New(`limit must be a number or "inf"`)
	}
	return rate.Limit(l), nil
}

// sinceEpoch is the reservation's timeToAct.Sub(epoch), the contract's timeToAct. timeToAct is
// unexported and DelayFrom clamps it at 0 from below, which loses the value when it lies before
// the epoch: ops may go back in time, and a wait of exactly 2^63 ns converts to a negative
// Duration on amd64 (edge-3.jsonl). So the field is read, never written.
func sinceEpoch(r *rate.Reservation) time.Duration {
	field := reflect.ValueOf(r).Elem().FieldByName("timeToAct")
	return (*time.Time)(unsafe.Pointer(field.UnsafeAddr())).Sub(epoch)
}
