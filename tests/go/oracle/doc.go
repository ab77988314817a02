// Package oracle replays the traces of the replay contract (DESIGN.md, "The replay contract")
// against the real Go libraries, so that scripts/go-check.ts can compare the answers with the
// TypeScript models line by line.
//
// It is a test package because gobreaker reads time.Now: only a testing/synctest bubble gives it
// a virtual clock, and synctest.Test needs a *testing.T. Run it through `npm run test:go`, or by
// hand:
//
//	GOTRUTH_DIR=/some/dir go test ./oracle -run TestReplay -count=1
//
// where /some/dir holds <model>.in.jsonl files, one trace per line as a JSON array
// [config, op, op, ...]. For each, TestReplay writes <model>.go.jsonl: one line per trace, a
// JSON array with one answer per op.
package oracle
