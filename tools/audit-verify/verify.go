package main

// The verification of ALGORITHM.md (okr-audit-bundle/1), step by step, stopping at the first
// failure.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
)

const (
	bundleFormat = "okr-audit-bundle/1"
	genesis      = "0000000000000000000000000000000000000000000000000000000000000000"
)

// Failure is the first failed check: the service, the file and its 1-based line, and the
// position that line carries (nil and 0 where there is none).
type Failure struct {
	Service  string
	File     string
	Line     int
	Position *int64
	Reason   string
}

// Result is a whole bundle's verdict.
type Result struct {
	Services int
	Events   int
	Unsigned int
	Warnings []string
	Failure  *Failure
}

type eventRecord struct{ position int64 }

type chainRecord struct {
	position int64
	hash     string
}

type checkpoint struct {
	service, tenant, hash, signedAt, keyID, signature string
	position                                          int64
}

// serviceCheck carries one service's files through the steps.
type serviceCheck struct {
	dir         string
	tenant      string
	entry       manifestEntry
	keys        map[string]keyEntry
	trusted     map[string]bool
	events      []eventRecord
	chain       []chainRecord
	checkpoints []checkpoint
	recomputed  map[int64]string
	unsigned    int
	lastSigned  *int64
}

// Verify checks the bundle in dir. The error is an unreadable bundle; failed checks are in
// the result. With trusted key ids, every checkpoint must also be signed by one of them
// (without, keys.json is taken as it is, as ALGORITHM.md says).
func Verify(dir string, trusted ...string) (Result, error) {
	m, keys, failure, err := readHeader(dir)
	if err != nil || failure != nil {
		return Result{Failure: failure}, err
	}
	result := Result{Services: len(m.services)}
	for _, entry := range m.services {
		s := &serviceCheck{dir: dir, tenant: m.tenant, entry: entry, keys: keys}
		if len(trusted) > 0 {
			s.trusted = map[string]bool{}
			for _, id := range trusted {
				s.trusted[id] = true
			}
		}
		failure, err := s.run()
		if err != nil || failure != nil {
			if failure != nil {
				failure.Service = entry.service
			}
			return Result{Services: len(m.services), Failure: failure}, err
		}
		result.Events += len(s.events)
		result.Unsigned += s.unsigned
		if s.unsigned > 0 {
			result.Warnings = append(result.Warnings, s.unsignedWarning())
		}
	}
	return result, nil
}

func (s *serviceCheck) run() (*Failure, error) {
	steps := []func() (*Failure, error){
		s.readEvents, s.readChain, s.readCheckpoints, s.eventsBelongHere,
		s.sameLines, s.recomputeChain, s.checkCheckpoints, s.startsAtCheckpoint,
	}
	for _, step := range steps {
		if failure, err := step(); err != nil || failure != nil {
			return failure, err
		}
	}
	s.countUnsigned()
	return nil, nil
}

func (s *serviceCheck) path(name string) string {
	return filepath.Join(s.dir, s.entry.service, name)
}

func lineFailure(file string, line int, position *int64, format string, args ...any) *Failure {
	return &Failure{File: file, Line: line, Position: position, Reason: fmt.Sprintf(format, args...)}
}

func at(p int64) *int64 { return &p }

// Step 1: every line is valid JSON (with the fields a verifier reads).

func (s *serviceCheck) readEvents() (*Failure, error) {
	const file = "events.jsonl"
	return eachLine(s.path(file), func(n int, line []byte) *Failure {
		o, err := parseObject(line)
		if err != nil {
			return lineFailure(file, n, nil, "%s: line is %v", file, err)
		}
		position, err := o.integer("position")
		if err != nil {
			return lineFailure(file, n, nil, "%s: event record's %v", file, err)
		}
		for _, key := range []string{"tenant_id", "service"} {
			if _, err := o.str(key); err != nil {
				return lineFailure(file, n, &position, "%s: event record's %v", file, err)
			}
		}
		s.events = append(s.events, eventRecord{position: position})
		return nil
	})
}

func (s *serviceCheck) readChain() (*Failure, error) {
	const file = "chain.jsonl"
	return eachLine(s.path(file), func(n int, line []byte) *Failure {
		o, err := parseObject(line)
		if err != nil {
			return lineFailure(file, n, nil, "%s: line is %v", file, err)
		}
		position, err := o.integer("position")
		if err != nil {
			return lineFailure(file, n, nil, "%s: chain record's %v", file, err)
		}
		hash, err := o.str("hash")
		if err != nil {
			return lineFailure(file, n, &position, "%s: chain record's %v", file, err)
		}
		s.chain = append(s.chain, chainRecord{position: position, hash: hash})
		return nil
	})
}

func (s *serviceCheck) readCheckpoints() (*Failure, error) {
	const file = "checkpoints.jsonl"
	return eachLine(s.path(file), func(n int, line []byte) *Failure {
		o, err := parseObject(line)
		if err != nil {
			return lineFailure(file, n, nil, "%s: line is %v", file, err)
		}
		c, position, err := parseCheckpoint(o)
		if err != nil {
			return lineFailure(file, n, position, "%s: checkpoint's %v", file, err)
		}
		s.checkpoints = append(s.checkpoints, c)
		return nil
	})
}

func parseCheckpoint(o object) (checkpoint, *int64, error) {
	var c checkpoint
	position, err := o.integer("position")
	if err != nil {
		return c, nil, err
	}
	c.position = position
	fields := []struct {
		key string
		to  *string
	}{
		{"service", &c.service}, {"tenant_id", &c.tenant}, {"hash", &c.hash},
		{"signed_at", &c.signedAt}, {"key_id", &c.keyID}, {"signature", &c.signature},
	}
	for _, f := range fields {
		if *f.to, err = o.str(f.key); err != nil {
			return c, &position, err
		}
	}
	return c, &position, nil
}

// eventsBelongHere: every event line's tenant_id is the manifest's, its service the service's.
// It reads the lines again, so that step 1's JSON checks cover all three files first.
func (s *serviceCheck) eventsBelongHere() (*Failure, error) {
	const file = "events.jsonl"
	return eachLine(s.path(file), func(n int, line []byte) *Failure {
		if n > len(s.events) {
			return lineFailure(file, n, nil, "events.jsonl changed while being verified")
		}
		o, _ := parseObject(line)
		tenant, _ := o.str("tenant_id")
		service, _ := o.str("service")
		position := at(s.events[n-1].position)
		if tenant != s.tenant {
			return lineFailure(file, n, position,
				"event's tenant_id %q is not the manifest's %q", tenant, s.tenant)
		}
		if service != s.entry.service {
			return lineFailure(file, n, position,
				"event's service %q is not %q", service, s.entry.service)
		}
		return nil
	})
}

// Step 2: events.jsonl and chain.jsonl line up, positions strictly increase, and both have
// the manifest's number of lines. Lines are compared first, so that a line missing from one
// file is named where it is missing rather than at the end.
func (s *serviceCheck) sameLines() (*Failure, error) {
	const file = "events.jsonl"
	longest := max(len(s.events), len(s.chain))
	for i := 0; i < longest; i++ {
		n := i + 1
		if i >= len(s.events) {
			return lineFailure("chain.jsonl", n, at(s.chain[i].position),
				"chain.jsonl has line %d but events.jsonl ends at line %d", n, len(s.events)), nil
		}
		position := at(s.events[i].position)
		if i >= len(s.chain) {
			return lineFailure(file, n, position,
				"events.jsonl has line %d but chain.jsonl ends at line %d", n, len(s.chain)), nil
		}
		if s.events[i].position != s.chain[i].position {
			return lineFailure(file, n, position,
				"event at line %d has position %d but chain.jsonl's line %d has %d",
				n, s.events[i].position, n, s.chain[i].position), nil
		}
		if i > 0 && s.events[i].position <= s.events[i-1].position {
			return lineFailure(file, n, position,
				"position %d does not increase on line %d's %d",
				s.events[i].position, i, s.events[i-1].position), nil
		}
	}
	return s.manifestCount()
}

func (s *serviceCheck) manifestCount() (*Failure, error) {
	lines := int64(len(s.events))
	want := s.entry.events
	switch {
	case lines < want:
		return lineFailure("events.jsonl", int(lines)+1, nil,
			"events.jsonl has %d lines, the manifest says %d events", lines, want), nil
	case lines > want:
		return lineFailure("events.jsonl", int(want)+1, at(s.events[want].position),
			"events.jsonl has %d lines, the manifest says %d events", lines, want), nil
	}
	return s.manifestRange(), nil
}

// The manifest's first_position and last_position are those of the first and last line.
func (s *serviceCheck) manifestRange() *Failure {
	first, last := s.entry.first, s.entry.last
	if len(s.events) == 0 {
		if first != nil || last != nil {
			return &Failure{File: "manifest.json",
				Reason: "a service without events has no first or last position"}
		}
		return nil
	}
	head, tail := s.events[0].position, s.events[len(s.events)-1].position
	if first == nil || *first != head {
		return lineFailure("events.jsonl", 1, at(head),
			"the manifest's first_position is not line 1's position %d", head)
	}
	if last == nil || *last != tail {
		return lineFailure("events.jsonl", len(s.events), at(tail),
			"the manifest's last_position is not the last line's position %d", tail)
	}
	return nil
}

// Step 3: recompute the chain from previous_hash; the first differing line is the first bad
// event. Keeps the recomputed value at every checkpointed position for step 4.
func (s *serviceCheck) recomputeChain() (*Failure, error) {
	const file = "events.jsonl"
	wanted := map[int64]bool{}
	for _, c := range s.checkpoints {
		wanted[c.position] = true
	}
	s.recomputed = map[int64]string{}
	previous := s.entry.previousHash
	return eachLine(s.path(file), func(n int, line []byte) *Failure {
		if n > len(s.chain) {
			return lineFailure(file, n, nil, "events.jsonl changed while being verified")
		}
		digest := sha256.New()
		digest.Write([]byte(previous))
		digest.Write([]byte{'\n'})
		digest.Write(line)
		previous = hex.EncodeToString(digest.Sum(nil))
		record := s.chain[n-1]
		if previous != record.hash {
			return lineFailure(file, n, at(record.position),
				"chain value %s recomputed at line %d differs from chain.jsonl's %s: the event "+
					"was changed, or an event was inserted or removed just before it",
				previous, n, record.hash)
		}
		if wanted[record.position] {
			s.recomputed[record.position] = previous
		}
		return nil
	})
}

// Step 4: every checkpoint is signed by a known key, is this tenant's and service's, and
// agrees with the recomputed chain where it falls within the bundle.
func (s *serviceCheck) checkCheckpoints() (*Failure, error) {
	const file = "checkpoints.jsonl"
	for i, c := range s.checkpoints {
		n, position := i+1, at(c.position)
		if reason := s.signatureProblem(c); reason != "" {
			return lineFailure(file, n, position, "%s", reason), nil
		}
		if c.tenant != s.tenant {
			return lineFailure(file, n, position,
				"checkpoint's tenant_id %q is not the manifest's %q", c.tenant, s.tenant), nil
		}
		if c.service != s.entry.service {
			return lineFailure(file, n, position,
				"checkpoint's service %q is not %q", c.service, s.entry.service), nil
		}
		if !s.inRange(c.position) {
			continue
		}
		value, present := s.recomputed[c.position]
		if !present {
			return lineFailure(file, n, position, "checkpoint names position %d, which is "+
				"not in events.jsonl: the event at that position was removed", c.position), nil
		}
		if value != c.hash {
			return lineFailure(file, n, position, "checkpoint's hash %s differs from the "+
				"recomputed chain value %s at position %d: events up to it were altered",
				c.hash, value, c.position), nil
		}
		if s.lastSigned == nil || c.position > *s.lastSigned {
			s.lastSigned = position
		}
	}
	return nil, nil
}

func (s *serviceCheck) signatureProblem(c checkpoint) string {
	key, known := s.keys[c.keyID]
	if !known {
		return fmt.Sprintf("checkpoint's key_id %q is not in keys.json", c.keyID)
	}
	if s.trusted != nil && !s.trusted[c.keyID] {
		return fmt.Sprintf("checkpoint's key_id %q is not one of the trusted keys", c.keyID)
	}
	if key.problem != "" {
		return fmt.Sprintf("checkpoint's key %q in keys.json %s", c.keyID, key.problem)
	}
	if err := verifySignature(key, c); err != nil {
		return "checkpoint's signature " + err.Error()
	}
	return ""
}

func (s *serviceCheck) inRange(position int64) bool {
	first, last := s.entry.first, s.entry.last
	return first != nil && last != nil && *first <= position && position <= *last
}

// Step 5: the bundle starts at genesis or at a checkpoint below its first position.
func (s *serviceCheck) startsAtCheckpoint() (*Failure, error) {
	if s.entry.previousHash == genesis {
		return nil, nil
	}
	for _, c := range s.checkpoints {
		below := s.entry.first == nil || c.position < *s.entry.first
		if below && c.hash == s.entry.previousHash {
			return nil, nil
		}
	}
	reason := fmt.Sprintf("previous_hash %s is neither the genesis value nor the hash of a "+
		"checkpoint below the first position", s.entry.previousHash)
	if len(s.events) == 0 {
		return &Failure{File: "manifest.json", Reason: reason}, nil
	}
	return lineFailure("events.jsonl", 1, at(s.events[0].position), "%s", reason), nil
}

// countUnsigned: events after the last checkpoint checked against the chain.
func (s *serviceCheck) countUnsigned() {
	for _, e := range s.events {
		if s.lastSigned == nil || e.position > *s.lastSigned {
			s.unsigned++
		}
	}
}

func (s *serviceCheck) unsignedWarning() string {
	after := "no checkpoint lies within the bundle"
	if s.lastSigned != nil {
		after = fmt.Sprintf("they follow the last checkpoint, at position %d", *s.lastSigned)
	}
	return fmt.Sprintf("warning: %s: %d events are chained but not signed yet (%s)",
		s.entry.service, s.unsigned, after)
}
