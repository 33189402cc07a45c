package index

import "strings"

// nameMode says how a registry's name argument is read.
type nameMode uint8

const (
	nameString nameMode = iota // a string literal or string constant
	nameConst                  // a typed constant whose identity is the name (crypto.SHA256)
	nameCaddy                  // the ID returned by the value's CaddyModule() method
	nameType                   // the value's type name (gob.Register)
)

// preset describes a well-known registry. The first Register entry is the
// registry ID.
type preset struct {
	Name     string
	Register []string // register function IDs (wrappers included)
	Lookup   []string
	NameArg  int
	Mode     nameMode
	Contract string
	Panics   bool
	// Dups is what a second registration does; DupUnknown means
	// DupPanics when Panics is set, else DupOverwrites.
	Dups Duplicates
	// RunTime: filling the registry after init is its normal use.
	RunTime bool
	// Key, when set, computes the name from the registered value (fields
	// or methods of argument NameArg), as inferred registries' keys do.
	Key []NamePart
	// Mentions are the config-file formats that name this registry's
	// plugins (Corefile, Caddyfile, Telegraf TOML), and for Telegraf the
	// TOML section ("inputs").
	Mentions       []string
	MentionSection string
	// StdNames: the standard library registers names in it (image formats,
	// hashes, gob types, expvar variables); the index does not read the
	// standard library, so it never knows every name (REG003's certainty).
	StdNames bool
	// Noun is what its plugins are called in messages ("driver"); ""
	// means "plugin".
	Noun string
	Note string
}

// presets are registries the index knows without seeing their source (the
// standard library is usually not in the workspace). Keep one note per entry:
// it says why the entry looks the way it does.
var presets = []preset{
	{Name: "database/sql", Register: []string{"database/sql.Register"}, Lookup: []string{"database/sql.Open"},
		Contract: "database/sql/driver.Driver", Panics: true, Noun: "driver",
		Note: "sql.Register panics on a duplicate driver name; sql.Open(driverName, …) looks the name up"},
	{Name: "image", Register: []string{"image.RegisterFormat"}, Dups: DupAppends, StdNames: true,
		Note: "image.RegisterFormat appends (name, magic, decode, decodeConfig); duplicates do not panic, the first match by magic wins"},
	{Name: "crypto", Register: []string{"crypto.RegisterHash"}, Mode: nameConst, StdNames: true,
		Note: "crypto.RegisterHash(h Hash, f) keys by the Hash constant; a later call overwrites"},
	{Name: "encoding/gob", Register: []string{"encoding/gob.RegisterName"}, Panics: true, RunTime: true, StdNames: true,
		Note: "gob.RegisterName panics when one name is registered with two different types"},
	{Name: "encoding/gob(type)", Register: []string{"encoding/gob.Register"}, Mode: nameType, Panics: true, RunTime: true, StdNames: true,
		Note: "gob.Register(value) derives the name from the value's type"},
	{Name: "expvar", Register: []string{"expvar.Publish", "expvar.NewInt", "expvar.NewFloat", "expvar.NewMap", "expvar.NewString"},
		Lookup: []string{"expvar.Get"}, Panics: true, RunTime: true, StdNames: true,
		Note: "expvar.Publish (and the New* helpers that call it) panics on reuse of a name"},
	{Name: "caddy", Register: []string{"github.com/caddyserver/caddy/v2.RegisterModule"},
		Lookup: []string{"github.com/caddyserver/caddy/v2.GetModule"}, Mode: nameCaddy,
		Contract: "github.com/caddyserver/caddy/v2.Module", Panics: true, Mentions: []string{FormatCaddyfile, FormatCaddyJSON},
		Note: "caddy.RegisterModule(T{}) takes the ID from T's CaddyModule() method and panics on a duplicate ID"},
	{Name: "coredns", Register: []string{"github.com/coredns/caddy.RegisterPlugin", "github.com/coredns/coredns/plugin.Register"},
		Panics: true, Mentions: []string{FormatPluginCfg, FormatCorefile},
		Note: "CoreDNS plugin.Register forwards to caddy.RegisterPlugin, which panics on a duplicate name"},
	{Name: "containerd", Register: []string{"github.com/containerd/plugin/registry.Register"},
		Key:    []NamePart{{Param: 0, Field: "Type"}, {Param: -1, Lit: "."}, {Param: 0, Field: "ID"}},
		Panics: true,
		Note:   "registry.Register(&plugin.Registration{Type, ID, …}) appends to a slice through a method; checkUnique panics when Type and ID are both taken; the plugin's URI is Type.ID"},
	{Name: "telegraf/inputs", Mentions: []string{FormatTelegraf}, MentionSection: "inputs", Register: []string{"github.com/influxdata/telegraf/plugins/inputs.Add"},
		Contract: "github.com/influxdata/telegraf.Input", Note: "inputs.Add stores a creator in inputs.Inputs; a duplicate overwrites"},
	{Name: "telegraf/outputs", Mentions: []string{FormatTelegraf}, MentionSection: "outputs", Register: []string{"github.com/influxdata/telegraf/plugins/outputs.Add"},
		Contract: "github.com/influxdata/telegraf.Output", Note: "outputs.Add stores a creator in outputs.Outputs"},
	{Name: "telegraf/processors", Mentions: []string{FormatTelegraf}, MentionSection: "processors", Register: []string{"github.com/influxdata/telegraf/plugins/processors.Add"},
		Note: "processors.Add stores a creator in processors.Processors"},
	{Name: "telegraf/aggregators", Mentions: []string{FormatTelegraf}, MentionSection: "aggregators", Register: []string{"github.com/influxdata/telegraf/plugins/aggregators.Add"},
		Contract: "github.com/influxdata/telegraf.Aggregator", Note: "aggregators.Add stores a creator in aggregators.Aggregators"},
	{Name: "telegraf/parsers", Mentions: []string{FormatTelegraf}, MentionSection: "parsers", Register: []string{"github.com/influxdata/telegraf/plugins/parsers.Add"},
		Note: "parsers.Add stores a creator in parsers.Parsers"},
	{Name: "telegraf/serializers", Mentions: []string{FormatTelegraf}, MentionSection: "serializers", Register: []string{"github.com/influxdata/telegraf/plugins/serializers.Add"},
		Note: "serializers.Add stores a creator in serializers.Serializers"},
}

// source says where a preset's names come from.
func (p preset) source() NameSource {
	switch p.Mode {
	case nameConst:
		return NameConstIdentity
	case nameType:
		return NameTypeName
	case nameCaddy:
		return NameFromValue
	}
	if len(p.Key) > 0 {
		return NameFromValue
	}
	return NameArgument
}

// dups is the preset's duplicate semantics.
func (p preset) dups() Duplicates {
	switch {
	case p.Dups != DupUnknown:
		return p.Dups
	case p.Panics:
		return DupPanics
	}
	return DupOverwrites
}

// mentionPackages give inferred registries (found in the source, not from
// a preset) of these module path prefixes the mention formats of their
// project: a registry CoreDNS's own packages declare is named in Corefiles.
var mentionPackages = []struct {
	prefix  string
	formats []string
}{
	{"github.com/coredns/", []string{FormatPluginCfg, FormatCorefile}},
	{"github.com/caddyserver/caddy", []string{FormatCaddyfile, FormatCaddyJSON}},
}

// mentionFormatsOf returns the mention formats of an inferred registry in
// package pkg, nil if none.
func mentionFormatsOf(pkg string) []string {
	for _, m := range mentionPackages {
		if strings.HasPrefix(pkg, m.prefix) {
			return m.formats
		}
	}
	return nil
}
