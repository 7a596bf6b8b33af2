package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func verified(t *testing.T, dir string) Result {
	t.Helper()
	result, err := Verify(dir)
	if err != nil {
		t.Fatalf("unreadable: %v", err)
	}
	if result.Failure != nil {
		t.Fatalf("expected ok, got %+v", *result.Failure)
	}
	return result
}

// failsAt asserts the first failure: service, file, line and position (0 for none).
func failsAt(t *testing.T, dir, service, file string, line int, position int64, reason string) {
	t.Helper()
	result, err := Verify(dir)
	if err != nil {
		t.Fatalf("unreadable: %v", err)
	}
	f := result.Failure
	if f == nil {
		t.Fatalf("expected a failure at %s %s line %d, got ok", service, file, line)
	}
	got := int64(0)
	if f.Position != nil {
		got = *f.Position
	}
	if f.Service != service || f.File != file || f.Line != line || got != position {
		t.Fatalf("expected %s %s line %d position %d, got %s %s line %d position %d: %s",
			service, file, line, position, f.Service, f.File, f.Line, got, f.Reason)
	}
	if !strings.Contains(f.Reason, reason) {
		t.Fatalf("reason %q does not mention %q", f.Reason, reason)
	}
}

func TestValidBundleVerifiesAndCountsTheUnsignedTail(t *testing.T) {
	f, _ := standard(t)
	result := verified(t, f.write())
	if result.Events != 7 || result.Services != 1 || result.Unsigned != 1 {
		t.Fatalf("got %+v", result)
	}
	if len(result.Warnings) != 1 || !strings.Contains(result.Warnings[0], "1 events") {
		t.Fatalf("expected one unsigned warning, got %v", result.Warnings)
	}
}

func TestWithoutCheckpointsEveryEventIsUnsigned(t *testing.T) {
	f := newFixture(t)
	f.addService("goals", []int64{1, 2, 3}, nil, 0)
	result := verified(t, f.write())
	if result.Unsigned != 3 || !strings.Contains(result.Warnings[0], "no checkpoint") {
		t.Fatalf("got %+v", result)
	}
}

func TestAChangedEventIsNamed(t *testing.T) {
	f, s := standard(t)
	s.events[2] = strings.Replace(s.events[2], "Grow revenue", "Grew revenue", 1)
	failsAt(t, f.write(), "goals", "events.jsonl", 3, 4, "was changed")
}

func TestAChangedEventWithTheChainRewrittenIsCaughtByItsCheckpoint(t *testing.T) {
	f, s := standard(t)
	s.events[2] = strings.Replace(s.events[2], "Grow revenue", "Grew revenue", 1)
	s.rechain(t)
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 1, 4, "events up to it were altered")
}

func TestAChangeAfterTheLastCheckpointWithTheChainRewrittenGoesUnnoticed(t *testing.T) {
	f, s := standard(t)
	s.events[6] = strings.Replace(s.events[6], "Grow revenue", "Grew revenue", 1)
	s.rechain(t)
	if result := verified(t, f.write()); result.Unsigned != 1 {
		t.Fatalf("the changed event is the unsigned one: %+v", result)
	}
}

func TestARemovedEventIsNamedWhereItIsMissing(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:2:2], s.events[3:]...)
	failsAt(t, f.write(), "goals", "events.jsonl", 3, 5, "chain.jsonl's line 3 has 4")
}

func TestAnEventRemovedFromBothFilesBreaksTheChainAtTheNextOne(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:2:2], s.events[3:]...)
	s.chain = append(s.chain[:2:2], s.chain[3:]...)
	s.manifestEvents--
	failsAt(t, f.write(), "goals", "events.jsonl", 3, 5, "removed just before it")
}

func TestARemovedEventWithTheChainRewrittenIsCaughtByItsCheckpoint(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:2:2], s.events[3:]...)
	s.rechain(t)
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 1, 4, "was removed")
}

func TestADuplicatedEventIsNamed(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:3:3], s.events[2:]...)
	failsAt(t, f.write(), "goals", "events.jsonl", 4, 4, "chain.jsonl's line 4 has 5")
}

func TestAnEventDuplicatedInBothFilesBreaksTheOrder(t *testing.T) {
	f, s := standard(t)
	s.events = append(s.events[:3:3], s.events[2:]...)
	s.chain = append(s.chain[:3:3], s.chain[2:]...)
	s.manifestEvents++
	failsAt(t, f.write(), "goals", "events.jsonl", 4, 4, "does not increase")
}

func TestSwappedEventsAreNamed(t *testing.T) {
	f, s := standard(t)
	s.events[2], s.events[3] = s.events[3], s.events[2]
	failsAt(t, f.write(), "goals", "events.jsonl", 3, 5, "chain.jsonl's line 3 has 4")
}

func TestEventsSwappedInBothFilesBreakTheOrder(t *testing.T) {
	f, s := standard(t)
	s.events[2], s.events[3] = s.events[3], s.events[2]
	s.chain[2], s.chain[3] = s.chain[3], s.chain[2]
	failsAt(t, f.write(), "goals", "events.jsonl", 4, 4, "does not increase")
}

func TestAManifestCountingMoreEventsThanTheFilesHold(t *testing.T) {
	f, s := standard(t)
	s.manifestEvents = 8
	failsAt(t, f.write(), "goals", "events.jsonl", 8, 0, "the manifest says 8")
}

func TestAWrongSignatureIsNamed(t *testing.T) {
	f, s := standard(t)
	var c map[string]any
	if err := json.Unmarshal([]byte(s.checkpoints[1]), &c); err != nil {
		t.Fatal(err)
	}
	c["signed_at"] = "2026-12-01T12:00:01Z"
	line, _ := json.Marshal(c)
	s.checkpoints[1] = string(line)
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 2, 8, "does not verify")
}

func TestAnUnknownKeyIdIsNamed(t *testing.T) {
	f, s := standard(t)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	hash := strings.Split(s.chain[2], `"`)[3]
	f.key = other
	s.checkpoints[0] = f.checkpoint(testTenant, "goals", 4, hash)
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 1, 4, "is not in keys.json")
}

func TestAKeyWhoseIdIsNotItsHashIsRefused(t *testing.T) {
	f, _ := standard(t)
	public, _, _ := ed25519.GenerateKey(rand.Reader)
	entry := publicKeyEntry(public)
	entry["key_id"] = f.keys[0]["key_id"]
	f.keys = []map[string]string{entry}
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 1, 4, "is not its public key's id")
}

func TestACheckpointOfAnotherTenantIsRefused(t *testing.T) {
	f, s := standard(t)
	hash := strings.Split(s.chain[2], `"`)[3]
	s.checkpoints[0] = f.checkpoint("tenant-b", "goals", 4, hash)
	failsAt(t, f.write(), "goals", "checkpoints.jsonl", 1, 4, "tenant_id")
}

func TestAPartialExportStartingAtACheckpointVerifies(t *testing.T) {
	f := newFixture(t)
	f.addService("goals", []int64{1, 2, 4, 5, 7, 8, 9}, []int64{4, 8}, 5)
	result := verified(t, f.write())
	if result.Events != 4 || result.Unsigned != 1 {
		t.Fatalf("got %+v", result)
	}
}

func TestAPartialExportWhosePreviousHashIsNotACheckpointsIsRefused(t *testing.T) {
	f := newFixture(t)
	f.addService("goals", []int64{1, 2, 4, 5, 7, 8, 9}, []int64{4, 8}, 7)
	failsAt(t, f.write(), "goals", "events.jsonl", 1, 7, "previous_hash")
}

func TestAnEventOfAnotherTenantIsNamed(t *testing.T) {
	f, s := standard(t)
	s.events[1] = strings.Replace(s.events[1], `"tenant_id":"tenant-a"`, `"tenant_id":"tenant-b"`, 1)
	s.rechain(t)
	failsAt(t, f.write(), "goals", "events.jsonl", 2, 2, "tenant_id")
}

func TestAWrongFormatIsRefusedBeforeAnyService(t *testing.T) {
	f, _ := standard(t)
	dir := f.write()
	path := filepath.Join(dir, "manifest.json")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(data), "bundle/1", "bundle/2", 1)), 0o644)
	failsAt(t, dir, "", "manifest.json", 0, 0, "format")
}

func TestALineThatIsNotJSONIsNamed(t *testing.T) {
	f, s := standard(t)
	s.chain[4] = s.chain[4][:20]
	failsAt(t, f.write(), "goals", "chain.jsonl", 5, 0, "not valid JSON")
}

func TestALineThatIsNotUTF8IsNamed(t *testing.T) {
	f, s := standard(t)
	s.events[1] = strings.Replace(s.events[1], "Grow", "Gr\xffw", 1)
	s.rechain(t)
	failsAt(t, f.write(), "goals", "events.jsonl", 2, 0, "not UTF-8")
}

func TestFieldNamesAreMatchedExactly(t *testing.T) {
	f, s := standard(t)
	s.events[1] = strings.Replace(s.events[1], `"position":2`, `"Position":2`, 1)
	s.rechain(t)
	failsAt(t, f.write(), "goals", "events.jsonl", 2, 0, `"position" is missing`)
}

// Lines are split at LF only: U+2028, U+0085 and a long line are part of one line's bytes.
func TestLinesAreHashedAsTheirExactBytes(t *testing.T) {
	f := newFixture(t)
	s := f.addService("goals", []int64{1}, nil, 0)
	long := strings.Repeat("x", 3<<20)
	s.events = []string{
		`{"aggregate_id":"a","aggregate_version":1,"event":null,"position":1,` +
			`"service":"goals","tenant_id":"tenant-a","note":"line\u2028sep` + "\u2028\u0085" + `"}`,
		`{"aggregate_id":"a","aggregate_version":2,"event":{"data":{"notes":"` + long + `"}},` +
			`"position":2,"service":"goals","tenant_id":"tenant-a"}`,
	}
	s.rechain(t)
	s.first, s.last = int64(1), int64(2)
	if result := verified(t, f.write()); result.Events != 2 {
		t.Fatalf("got %+v", result)
	}
}

func TestTheSecondServiceIsNamedWhenItFails(t *testing.T) {
	f, _ := standard(t)
	other := f.addService("checkins", []int64{3, 6}, []int64{6}, 0)
	if result := verified(t, f.write()); result.Events != 9 || result.Services != 2 {
		t.Fatalf("got %+v", result)
	}
	other.events[0] = strings.Replace(other.events[0], "Grow", "Grew", 1)
	failsAt(t, f.write(), "checkins", "events.jsonl", 1, 3, "was changed")
}

func TestAnEmptyServiceVerifies(t *testing.T) {
	f := newFixture(t)
	f.addService("reviews", nil, nil, 0)
	if result := verified(t, f.write()); result.Events != 0 || result.Unsigned != 0 {
		t.Fatalf("got %+v", result)
	}
}
