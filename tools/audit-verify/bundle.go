package main

// Reading a bundle's files: raw lines as bytes, and the few JSON fields a verifier reads.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// unreadable is an I/O problem with the bundle (exit 2), as opposed to a failed check (exit 1).
type unreadable struct{ err error }

func (u unreadable) Error() string { return "unreadable bundle: " + u.err.Error() }

// eachLine calls fn with every line of a file (1-based number, bytes without the trailing LF).
// Lines may be of any length. A final line without its LF is still a line.
func eachLine(path string, fn func(number int, line []byte) *Failure) (*Failure, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unreadable{err}
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for number := 1; ; number++ {
		line, err := r.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, unreadable{fmt.Errorf("%s: %w", path, err)}
		}
		if len(line) == 0 && errors.Is(err, io.EOF) {
			return nil, nil
		}
		if failure := fn(number, bytes.TrimSuffix(line, []byte{'\n'})); failure != nil {
			return failure, nil
		}
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
	}
}

// object parses one JSON object, keeping its members raw. Keys are matched exactly (no case
// folding); a repeated key keeps its last value.
type object map[string]json.RawMessage

func parseObject(data []byte) (object, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	if !json.Valid(data) {
		return nil, errors.New("not valid JSON")
	}
	var o object
	if err := json.Unmarshal(data, &o); err != nil || o == nil {
		return nil, errors.New("not a JSON object")
	}
	return o, nil
}

func (o object) str(key string) (string, error) {
	raw, ok := o[key]
	if !ok {
		return "", fmt.Errorf("%q is missing", key)
	}
	var s string
	if bytes.Equal(raw, []byte("null")) || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%q is not a string", key)
	}
	return s, nil
}

var integerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func (o object) integer(key string) (int64, error) {
	raw, ok := o[key]
	if !ok {
		return 0, fmt.Errorf("%q is missing", key)
	}
	if !integerLiteral.Match(raw) {
		return 0, fmt.Errorf("%q is not an integer", key)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", key)
	}
	return n, nil
}

// optionalInteger reads an integer that may be null or absent (nil then).
func (o object) optionalInteger(key string) (*int64, error) {
	raw, ok := o[key]
	if !ok || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	n, err := o.integer(key)
	return &n, err
}

// readObjectFile reads a whole-file JSON object (manifest.json, keys.json).
func readObjectFile(path string) (object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unreadable{err}
	}
	return parseObject(bytes.TrimSuffix(data, []byte{'\n'}))
}

// objects reads an array of JSON objects.
func (o object) objects(key string) ([]object, error) {
	raw, ok := o[key]
	if !ok {
		return nil, fmt.Errorf("%q is missing", key)
	}
	var items []json.RawMessage
	if bytes.Equal(raw, []byte("null")) || json.Unmarshal(raw, &items) != nil {
		return nil, fmt.Errorf("%q is not an array", key)
	}
	out := make([]object, 0, len(items))
	for i, item := range items {
		var member object
		if json.Unmarshal(item, &member) != nil || member == nil {
			return nil, fmt.Errorf("%q[%d] is not an object", key, i)
		}
		out = append(out, member)
	}
	return out, nil
}
