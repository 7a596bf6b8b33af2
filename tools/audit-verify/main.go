// Command audit-verify checks an OKR audit bundle (okr-audit-bundle/1) offline, following the
// bundle's ALGORITHM.md, with nothing but SHA-256, Ed25519 and a JSON parser.
//
//	audit-verify BUNDLE_DIR [--json] [--trust-key KEY_ID]...
//
// --trust-key pins the keys that may sign checkpoints (the key ids of the public keys the
// platform publishes); without it the bundle's own keys.json is believed.
//
// Exit status: 0 verified, 1 a check failed (the first failure is printed), 2 usage error or
// unreadable bundle.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

const usage = "usage: audit-verify BUNDLE_DIR [--json] [--trust-key KEY_ID]..."

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// verdict is the --json output: one object, the same keys whatever the outcome.
type verdict struct {
	OK       bool    `json:"ok"`
	Service  *string `json:"service"`
	Position *int64  `json:"position"`
	Line     *int    `json:"line"`
	File     *string `json:"file"`
	Reason   *string `json:"reason"`
	Events   *int    `json:"events"`
	Unsigned *int    `json:"unsigned"`
	Services *int    `json:"services"`
}

func run(args []string, stdout, stderr io.Writer) int {
	opts, ok := parseArgs(args)
	dir, asJSON := opts.dir, opts.asJSON
	if !ok {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return unreadableBundle(fmt.Sprintf("unreadable bundle: %s is not a directory", dir),
			asJSON, stdout, stderr)
	}
	result, err := Verify(dir, opts.trusted...)
	if err != nil {
		return unreadableBundle(err.Error(), asJSON, stdout, stderr)
	}
	for _, warning := range result.Warnings {
		fmt.Fprintln(stderr, warning)
	}
	if asJSON {
		writeJSON(stdout, toVerdict(result))
	} else {
		fmt.Fprintln(stdout, describe(result))
	}
	if result.Failure != nil {
		return 1
	}
	return 0
}

type options struct {
	dir     string
	asJSON  bool
	trusted []string
}

var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

func parseArgs(args []string) (options, bool) {
	var opts options
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--json" || arg == "-json":
			opts.asJSON = true
		case arg == "--trust-key" && i+1 < len(args):
			i++
			opts.trusted = append(opts.trusted, args[i])
		case strings.HasPrefix(arg, "--trust-key="):
			opts.trusted = append(opts.trusted, strings.TrimPrefix(arg, "--trust-key="))
		case len(arg) > 1 && arg[0] == '-':
			return opts, false
		default:
			positional = append(positional, arg)
		}
	}
	for _, id := range opts.trusted {
		if !keyIDPattern.MatchString(id) {
			return opts, false
		}
	}
	if len(positional) != 1 {
		return opts, false
	}
	opts.dir = positional[0]
	return opts, true
}

func unreadableBundle(reason string, asJSON bool, stdout, stderr io.Writer) int {
	if asJSON {
		writeJSON(stdout, verdict{Reason: &reason})
	}
	fmt.Fprintln(stderr, reason)
	return 2
}

func writeJSON(w io.Writer, v verdict) {
	data, _ := json.Marshal(v)
	fmt.Fprintln(w, string(data))
}

func toVerdict(r Result) verdict {
	services := r.Services
	if r.Failure == nil {
		events, unsigned := r.Events, r.Unsigned
		return verdict{OK: true, Events: &events, Unsigned: &unsigned, Services: &services}
	}
	f := r.Failure
	v := verdict{Position: f.Position, Reason: &f.Reason, Services: &services}
	if f.Service != "" {
		v.Service = &f.Service
	}
	if f.File != "" {
		v.File = &f.File
	}
	if f.Line > 0 {
		v.Line = &f.Line
	}
	return v
}

func describe(r Result) string {
	if r.Failure == nil {
		return fmt.Sprintf("ok: %d events in %d services verified, %d unsigned",
			r.Events, r.Services, r.Unsigned)
	}
	f := r.Failure
	return fmt.Sprintf("FAIL %s position %s line %s: %s",
		orDash(f.Service), orDash(optional(f.Position)), orDash(lineText(f.Line)), f.Reason)
}

func optional(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func lineText(line int) string {
	if line <= 0 {
		return ""
	}
	return strconv.Itoa(line)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
