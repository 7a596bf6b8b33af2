package main

// manifest.json, and reading the bundle's two whole-file JSON documents.

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

type manifestEntry struct {
	service      string
	first, last  *int64
	previousHash string
	events       int64
}

type manifest struct {
	tenant   string
	services []manifestEntry
}

// readHeader reads manifest.json and keys.json.
func readHeader(dir string) (manifest, map[string]keyEntry, *Failure, error) {
	m, failure, err := readManifest(filepath.Join(dir, "manifest.json"))
	if err != nil || failure != nil {
		return m, nil, failure, err
	}
	keys, failure, err := readKeys(filepath.Join(dir, "keys.json"))
	return m, keys, failure, err
}

func headerFailure(file string, err error) (*Failure, error) {
	var u unreadable
	if errors.As(err, &u) {
		return nil, u
	}
	return &Failure{File: file, Reason: fmt.Sprintf("%s: %v", file, err)}, nil
}

func readManifest(path string) (manifest, *Failure, error) {
	var m manifest
	o, err := readObjectFile(path)
	if err != nil {
		failure, err := headerFailure("manifest.json", err)
		return m, failure, err
	}
	if format, err := o.str("format"); err != nil || format != bundleFormat {
		return m, &Failure{File: "manifest.json",
			Reason: fmt.Sprintf("manifest's format is not %q", bundleFormat)}, nil
	}
	if m.tenant, err = o.str("tenant_id"); err != nil {
		failure, err := headerFailure("manifest.json", err)
		return m, failure, err
	}
	entries, err := o.objects("services")
	if err == nil {
		m.services, err = manifestEntries(entries)
	}
	if err != nil {
		failure, err := headerFailure("manifest.json", err)
		return m, failure, err
	}
	return m, nil, nil
}

func manifestEntries(entries []object) ([]manifestEntry, error) {
	var out []manifestEntry
	for i, o := range entries {
		var e manifestEntry
		var err error
		if e.service, err = o.str("service"); err != nil {
			return nil, fmt.Errorf("services[%d]: %w", i, err)
		}
		if e.service == "" || e.service == "." || e.service == ".." ||
			strings.ContainsAny(e.service, `/\`) {
			return nil, unreadable{fmt.Errorf("service %q is not a directory name", e.service)}
		}
		if e.first, err = o.optionalInteger("first_position"); err == nil {
			e.last, err = o.optionalInteger("last_position")
		}
		if err == nil {
			e.previousHash, err = o.str("previous_hash")
		}
		if err == nil {
			e.events, err = o.integer("events")
		}
		if err == nil && e.events < 0 {
			err = errors.New(`"events" is negative`)
		}
		if err != nil {
			return nil, fmt.Errorf("services[%d] (%s): %w", i, e.service, err)
		}
		out = append(out, e)
	}
	return out, nil
}
