package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCommand(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTheCommandPrintsOkAndExitsZero(t *testing.T) {
	f, _ := standard(t)
	code, out, errs := runCommand(f.write())
	if code != 0 || out != "ok: 7 events in 1 services verified, 1 unsigned\n" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errs, "warning: goals: 1 events are chained but not signed yet") {
		t.Fatalf("stderr %q", errs)
	}
}

func TestTheCommandPrintsTheFirstFailureAndExitsOne(t *testing.T) {
	f, s := standard(t)
	s.events[2] = strings.Replace(s.events[2], "Grow", "Grew", 1)
	code, out, _ := runCommand(f.write())
	if code != 1 || !strings.HasPrefix(out, "FAIL goals position 4 line 3: chain value ") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}

func TestAFailureOutsideAnyServiceUsesDashes(t *testing.T) {
	f, _ := standard(t)
	dir := f.write()
	os.WriteFile(filepath.Join(dir, "keys.json"), []byte("{\"keys\": 3}\n"), 0o644)
	code, out, _ := runCommand(dir)
	if code != 1 || !strings.HasPrefix(out, "FAIL - position - line -: keys.json") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}

func decodeVerdict(t *testing.T, out string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not one JSON object: %q", out)
	}
	return v
}

func TestJSONOutputOnSuccess(t *testing.T) {
	f, _ := standard(t)
	code, out, _ := runCommand(f.write(), "--json")
	v := decodeVerdict(t, out)
	if code != 0 || v["ok"] != true || v["events"] != 7.0 || v["unsigned"] != 1.0 ||
		v["service"] != nil || v["position"] != nil || v["line"] != nil {
		t.Fatalf("exit %d, %v", code, v)
	}
}

func TestJSONOutputOnFailure(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:2:2], s.events[3:]...)
	code, out, _ := runCommand("--json", f.write())
	v := decodeVerdict(t, out)
	if code != 1 || v["ok"] != false || v["service"] != "goals" || v["position"] != 5.0 ||
		v["line"] != 3.0 || v["file"] != "events.jsonl" || v["events"] != nil {
		t.Fatalf("exit %d, %v", code, v)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"a", "b"}, {"--verbose", "a"}} {
		if code, _, errs := runCommand(args...); code != 2 || !strings.Contains(errs, "usage") {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestAnUnreadableBundleExitsTwo(t *testing.T) {
	f, _ := standard(t)
	dir := f.write()
	os.Remove(filepath.Join(dir, "goals", "chain.jsonl"))
	code, out, errs := runCommand(dir, "--json")
	if code != 2 || !strings.Contains(errs, "unreadable bundle") || decodeVerdict(t, out)["ok"] != false {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, _ := runCommand(filepath.Join(dir, "missing")); code != 2 {
		t.Fatalf("a missing directory: exit %d", code)
	}
}

func TestTrustedKeysPinWhoMaySignCheckpoints(t *testing.T) {
	f, _ := standard(t)
	dir := f.write()
	own := f.keys[0]["key_id"]
	if code, out, _ := runCommand(dir, "--trust-key", own); code != 0 {
		t.Fatalf("own key: exit %d, %q", code, out)
	}
	code, out, _ := runCommand(dir, "--trust-key=0123456789abcdef")
	if code != 1 || !strings.Contains(out, "is not one of the trusted keys") {
		t.Fatalf("another key: exit %d, %q", code, out)
	}
	if code, _, _ := runCommand(dir, "--trust-key", "not-a-key-id"); code != 2 {
		t.Fatalf("a malformed key id: exit %d", code)
	}
}
