package main

// Bundles built in the tests, written from ALGORITHM.md: records, the chain, signed checkpoints.

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testTenant = "tenant-a"

type fixture struct {
	t        *testing.T
	tenant   string
	key      ed25519.PrivateKey
	keys     []map[string]string
	services []*fixtureService
}

// fixtureService holds a service's files as lines, to tamper with before writing.
type fixtureService struct {
	name           string
	previousHash   string
	first, last    any
	manifestEvents int
	events         []string
	chain          []string
	checkpoints    []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	public, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, tenant: testTenant, key: private}
	f.keys = []map[string]string{publicKeyEntry(public)}
	return f
}

func publicKeyEntry(public ed25519.PublicKey) map[string]string {
	return map[string]string{
		"key_id": KeyID(public), "algorithm": "Ed25519",
		"public_key": base64.StdEncoding.EncodeToString(public),
	}
}

func record(tenant, service string, position int64) string {
	line, _ := json.Marshal(map[string]any{
		"aggregate_id":      fmt.Sprintf("objective-%d", position%3),
		"aggregate_version": position,
		"event": map[string]any{
			"specversion": "1.0", "id": fmt.Sprintf("event-%d", position),
			"source": "okr/" + service, "type": "okr." + service + ".ObjectiveCreated",
			"subject": fmt.Sprintf("objective-%d", position%3), "time": "2026-12-01T10:00:00Z",
			"datacontenttype": "application/json", "tenantid": tenant,
			"data": map[string]any{"title": fmt.Sprintf("Grow revenue %d", position)},
		},
		"position": position, "service": service, "tenant_id": tenant,
	})
	return string(line)
}

func nextHash(previous, line string) string {
	sum := sha256.Sum256([]byte(previous + "\n" + line))
	return hex.EncodeToString(sum[:])
}

func chainLine(position int64, hash string) string {
	return fmt.Sprintf(`{"hash":"%s","position":%d}`, hash, position)
}

// addService chains events at the given positions, signs checkpoints after the positions in
// signAt, and keeps the lines from position `from` on (a partial export when from is above
// the first position).
func (f *fixture) addService(name string, positions []int64, signAt []int64, from int64) *fixtureService {
	s := &fixtureService{name: name, previousHash: genesis}
	signed := map[int64]bool{}
	for _, p := range signAt {
		signed[p] = true
	}
	hash := genesis
	for _, p := range positions {
		line := record(f.tenant, name, p)
		if p < from {
			hash = nextHash(hash, line)
			s.previousHash = hash
		} else {
			hash = nextHash(hash, line)
			s.events = append(s.events, line)
			s.chain = append(s.chain, chainLine(p, hash))
			if s.first == nil {
				s.first = p
			}
			s.last = p
		}
		if signed[p] {
			s.checkpoints = append(s.checkpoints, f.checkpoint(f.tenant, name, p, hash))
		}
	}
	s.manifestEvents = len(s.events)
	f.services = append(f.services, s)
	return s
}

func (f *fixture) checkpoint(tenant, service string, position int64, hash string) string {
	signedAt := "2026-12-01T12:00:00Z"
	signature := ed25519.Sign(f.key, CheckpointMessage(tenant, service, position, hash, signedAt))
	line, _ := json.Marshal(map[string]any{
		"service": service, "tenant_id": tenant, "position": position, "hash": hash,
		"signed_at": signedAt, "key_id": KeyID(f.key.Public().(ed25519.PublicKey)),
		"signature": base64.StdEncoding.EncodeToString(signature),
	})
	return string(line)
}

// rechain rewrites chain.jsonl (and the manifest's count) to match the event lines, as an
// attacker who knows the algorithm would.
func (s *fixtureService) rechain(t *testing.T) {
	t.Helper()
	hash := s.previousHash
	s.chain = nil
	for _, line := range s.events {
		var r struct{ Position int64 }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		hash = nextHash(hash, line)
		s.chain = append(s.chain, chainLine(r.Position, hash))
	}
	s.manifestEvents = len(s.events)
}

func (f *fixture) write() string {
	f.t.Helper()
	dir := f.t.TempDir()
	var entries []map[string]any
	for _, s := range f.services {
		entries = append(entries, map[string]any{
			"service": s.name, "first_position": s.first, "last_position": s.last,
			"previous_hash": s.previousHash, "events": s.manifestEvents,
		})
		f.writeLines(filepath.Join(dir, s.name, "events.jsonl"), s.events)
		f.writeLines(filepath.Join(dir, s.name, "chain.jsonl"), s.chain)
		f.writeLines(filepath.Join(dir, s.name, "checkpoints.jsonl"), s.checkpoints)
	}
	f.writeJSON(filepath.Join(dir, "manifest.json"), map[string]any{
		"format": bundleFormat, "tenant_id": f.tenant, "exported_at": "2026-12-02T00:00:00Z",
		"from": nil, "to": nil, "services": entries,
	})
	f.writeJSON(filepath.Join(dir, "keys.json"), map[string]any{"keys": f.keys})
	return dir
}

func (f *fixture) writeLines(path string, lines []string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.t.Fatal(err)
	}
	text := ""
	if len(lines) > 0 {
		text = strings.Join(lines, "\n") + "\n"
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) writeJSON(path string, value any) {
	f.t.Helper()
	data, err := json.Marshal(value)
	if err != nil {
		f.t.Fatal(err)
	}
	f.writeLines(path, []string{string(data)})
}

// standard is one service "goals" with events at positions 1,2,4,5,7,8,9 (gaps as in a
// notification log) and checkpoints after positions 4 and 8: position 9 is unsigned.
func standard(t *testing.T) (*fixture, *fixtureService) {
	f := newFixture(t)
	s := f.addService("goals", []int64{1, 2, 4, 5, 7, 8, 9}, []int64{4, 8}, 0)
	return f, s
}
