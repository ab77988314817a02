package oracle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// A model replays one trace: its configuration and its ops, one answer per op. A bad op (or a
// bad configuration, for every op) is answered with errorAnswer, as the TS session does.
type model struct {
	replay func(t *testing.T, config json.RawMessage, ops []json.RawMessage) []any
	// parallel is how many traces may run at once: retry waits on real timers (its 10 ms
	// backoffs), the others are CPU-bound.
	parallel int
}

var models = map[string]model{
	"limiter": {replayLimiter, runtime.GOMAXPROCS(0)},
	"breaker": {replayBreaker, runtime.GOMAXPROCS(0)},
	"backoff": {replayBackoff, runtime.GOMAXPROCS(0)},
	"retry":   {replayRetry, 32},
}

func TestReplay(t *testing.T) {
	dir := os.Getenv("GOTRUTH_DIR")
	if dir == "" {
		t.Skip("GOTRUTH_DIR is not set: this oracle is driven by scripts/go-check.ts (npm run test:go)")
	}
	for name, m := range models {
		in := filepath.Join(dir, name+".in.jsonl")
		if _, err := os.Stat(in); errors.Is(err, os.ErrNotExist) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			traces, err := readTraces(in)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			answers := make([][]any, len(traces))
			var wg sync.WaitGroup
			sem := make(chan struct{}, m.parallel)
			for i, trace := range traces {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					answers[i] = m.replay(t, trace[0], trace[1:])
				}()
			}
			wg.Wait()
			if err := writeAnswers(filepath.Join(dir, name+".go.jsonl"), answers); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d traces in %v", name, len(traces), time.Since(start).Round(time.Millisecond))
		})
	}
}

// readTraces reads one trace per line: a JSON array whose first element is the configuration.
func readTraces(path string) ([][]json.RawMessage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var traces [][]json.RawMessage
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var trace []json.RawMessage
		if err := json.Unmarshal(line, &trace); err != nil || len(trace) == 0 {
			return nil, fmt.Errorf("%s:%d: want a non-empty JSON array [config, ops...]: %v", path, i+1, err)
		}
		traces = append(traces, trace)
	}
	return traces, nil
}

func writeAnswers(path string, answers [][]any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, a := range answers {
		if err := enc.Encode(a); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// errorAnswer is the contract's answer to an op that cannot be performed. Only its presence is
// compared, not its text: the messages are the TS models' own.
func errorAnswer(err error) map[string]any { return map[string]any{"error": err.Error()} }

// errorAnswers answers every op with the same error (a bad configuration).
func errorAnswers(n int, err error) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = errorAnswer(err)
	}
	return out
}

// nanos converts milliseconds as the TS models do (msToNanos: Math.round(ms * 1e6)). JS rounds
// halves toward +Inf, unlike math.Round, so the rounding is spelled out.
func nanos(ms float64) time.Duration {
	x := ms * 1e6
	f := math.Floor(x)
	if x-f >= 0.5 {
		f++
	}
	return time.Duration(f)
}

// jsonNumber is f as JSON.stringify writes it: NaN and ±Inf, which JSON cannot carry, become
// null (encoding/json would refuse them).
func jsonNumber(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

// millis converts a Duration back to milliseconds as the TS models do (nanosToMs: ns / 1e6).
func millis(d time.Duration) float64 { return float64(d) / 1e6 }
