package main

// keys.json and checkpoint signatures (Ed25519 over the okr-audit-checkpoint/1 message).

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// keyEntry is one key of keys.json; problem says why it cannot verify anything ("" if usable).
type keyEntry struct {
	public  ed25519.PublicKey
	problem string
}

func readKeys(path string) (map[string]keyEntry, *Failure, error) {
	o, err := readObjectFile(path)
	var entries []object
	if err == nil {
		entries, err = o.objects("keys")
	}
	if err != nil {
		failure, err := headerFailure("keys.json", err)
		return nil, failure, err
	}
	keys := map[string]keyEntry{}
	for i, entry := range entries {
		id, err := entry.str("key_id")
		if err != nil {
			return nil, &Failure{File: "keys.json",
				Reason: fmt.Sprintf("keys.json: keys[%d]: %v", i, err)}, nil
		}
		keys[id] = parseKey(id, entry)
	}
	return keys, nil, nil
}

func parseKey(id string, entry object) keyEntry {
	algorithm, err := entry.str("algorithm")
	if err != nil || algorithm != "Ed25519" {
		return keyEntry{problem: `has no "algorithm": "Ed25519"`}
	}
	encoded, err := entry.str("public_key")
	if err != nil {
		return keyEntry{problem: "has no public_key"}
	}
	raw, err := decodeBase64(encoded)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return keyEntry{problem: "has a public_key that is not 32 bytes in standard base64"}
	}
	if derived := KeyID(raw); derived != id {
		return keyEntry{problem: fmt.Sprintf("is not its public key's id (%s)", derived)}
	}
	return keyEntry{public: ed25519.PublicKey(raw)}
}

// KeyID is the first 16 lowercase hex digits of SHA-256 of the raw 32-byte public key.
func KeyID(public []byte) string {
	sum := sha256.Sum256(public)
	return hex.EncodeToString(sum[:])[:16]
}

// decodeBase64 reads standard base64 with padding, strictly (no line breaks, no stray bits).
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line breaks in base64")
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}

// CheckpointMessage is the signed byte string of ALGORITHM.md's "Checkpoints" section.
func CheckpointMessage(tenant, service string, position int64, hash, signedAt string) []byte {
	parts := []string{
		"okr-audit-checkpoint/1", tenant, service, strconv.FormatInt(position, 10), hash, signedAt,
	}
	return []byte(strings.Join(parts, "\n"))
}

func verifySignature(key keyEntry, c checkpoint) error {
	signature, err := decodeBase64(c.signature)
	if err != nil || len(signature) != ed25519.SignatureSize {
		return errors.New("is not 64 bytes in standard base64")
	}
	message := CheckpointMessage(c.tenant, c.service, c.position, c.hash, c.signedAt)
	if !ed25519.Verify(key.public, message, signature) {
		return fmt.Errorf("does not verify with key %s", KeyID(key.public))
	}
	return nil
}
