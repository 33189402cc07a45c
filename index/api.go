package index

import (
	"go/build/constraint"
	"strings"
	"time"
)

// This file is the public surface of package index. Names here are stable:
// extend, do not rename. Everything is in byte offsets and FileIDs; the lsp
// package converts to LSP positions.

// FileID is an interned file path. IDs are small, dense and never reused for
// another path within one Index; 0 is "no file".
type FileID uint32

// Span is a half-open byte range [Start, End) within one file.
type Span struct{ Start, End int }

// Kind says what a SymbolRef points at.
type Kind uint8

// Kinds of SymbolRef. The trie holds refs of every kind; Kind filters them.
const (
	KindNone         Kind = iota
	KindPluginName        // a plugin name at a registration (the string literal or const ident)
	KindRegistration      // a whole registration call
	KindLookup            // a plugin name at a registry lookup (Get("x"), sql.Open("x", …))
	KindRegistry          // the declaration of a registry function
	KindContract          // the declaration of a registry's contract type
	KindSymbol            // an exported package-level symbol of a plugin package or native plugin
	KindNativePlugin      // the package clause of a native (-buildmode=plugin) plugin
	KindOpen              // the path argument of plugin.Open
	KindPluginLookup      // the symbol string of (*plugin.Plugin).Lookup("Sym")
	KindManifest          // the name in a plugin-manifest.yaml
	KindImport            // an import path literal
	KindBuildCommand      // a go build -buildmode=plugin command
	KindConst             // a string constant declaration used as a plugin name
	KindMention           // a plugin name in a config file outside Go (Corefile, plugin.cfg, Caddyfile, Telegraf TOML)
)

// String returns a short lower-case name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

var kindNames = [...]string{"none", "plugin-name", "registration", "lookup", "registry", "contract",
	"symbol", "native-plugin", "open", "plugin-lookup", "manifest", "import", "build-command", "const", "mention"}

// SymbolRef locates one thing in one file.
type SymbolRef struct {
	File FileID
	Span Span
	Kind Kind
}

// IsZero reports whether r points nowhere.
func (r SymbolRef) IsZero() bool { return r.File == 0 }

// Position is a 1-based line and a 1-based byte column.
type Position struct{ Line, Col int }

// BuildConfig is one target configuration under which build constraints are
// evaluated. Tags are extra build tags (e.g. "cgo", "integration").
type BuildConfig struct {
	GOOS, GOARCH string
	Tags         []string
}

// Source reads file contents. The index reads Go files, go.mod/go.work,
// manifests, Makefiles and scripts only through it (directory listing uses
// the OS), so an editor's overlays can win over the disk.
type Source interface {
	ReadFile(path string) ([]byte, error)
}

// Options configure an Index.
type Options struct {
	// Roots are the workspace folders (absolute or relative paths).
	Roots []string
	// Source reads files; nil means the disk.
	Source Source
	// Debounce is the quiet period after the last disk change before one
	// recompute; 0 means 150 ms.
	Debounce time.Duration
	// Configs are the build configurations linking is computed for; nil
	// means the matrix the workspace's .plugin-lsp.yaml files set
	// (ConfiguredMatrix, read at the first Build), else DefaultConfigs().
	// The matrix is fixed for the Index's life: a change of the files'
	// matrix is seen in Snapshot.Modules, and a new Index applies it.
	Configs []BuildConfig
	// Watch makes Run watch the roots with fsnotify (for clients that cannot
	// send workspace/didChangeWatchedFiles).
	Watch bool
	// Progress, when set, is called during a cold build with files done and
	// total (for $/progress). It must not block.
	Progress func(done, total int)
	// CacheDir, when set (and Source is nil: the disk), keeps the facts of
	// every Go file in a file under this directory between runs; Build then
	// re-extracts only files whose size or modification time changed.
	// Dependency modules' facts are kept under CacheDir/deps, one file per
	// module version; without CacheDir under the user's cache directory
	// (plugin-lsp/deps) when the module cache is the go command's.
	CacheDir string
	// MaxFileSize is the largest file read from disk, in bytes; 0 means
	// $PLUGIN_LSP_MAX_FILE_SIZE, else DefaultMaxFileSize (16 MiB). Larger
	// files, and anything but regular files, are skipped and reported
	// (Snapshot.Problems).
	MaxFileSize int64
	// ModCache is the module cache dependency packages are read from; ""
	// means `go env GOMODCACHE` when Source is nil (the disk), and no
	// dependency reading with another Source; NoDependencies turns it off.
	ModCache string
	// Logf, when set, receives diagnostic messages about the index itself
	// (unreadable files, watcher errors). Syntax errors are facts, not logs.
	Logf func(format string, args ...any)
}

// Module is one Go module of the workspace.
type Module struct {
	Path      string // module path ("example.com/m"); for a root without go.mod, inferred
	Dir       string // absolute directory
	GoMod     FileID // the go.mod file; 0 for a directory indexed without one
	GoVersion string // go directive
	Toolchain string // toolchain directive
	Requires  map[string]string
	Replaces  map[string]string // old path → new path or dir (version dropped)
	Work      string            // go.work file that lists it, "" if none (built with its own go.mod)
	Config    *Config           // .plugin-lsp.yaml at the module root, nil if none
	// Dep marks a dependency module read from the module cache
	// (Snapshot.DependencyModules); Version is its version then.
	Dep     bool
	Version string
}

// Package is one directory's Go package (test files included in Files,
// marked in their facts).
type Package struct {
	ImportPath string
	Dir        string
	Name       string // package clause of the non-test files (first seen)
	Module     *Module
	Files      []FileID // .go files in Dir, sorted by path
	IsMain     bool
	// IsNativePlugin is set when a known build command builds this directory
	// (or files in it) with -buildmode=plugin, or the config names it.
	IsNativePlugin bool
}

// SymbolKind is the kind of a package-level declaration.
type SymbolKind uint8

// Symbol kinds.
const (
	SymVar SymbolKind = iota + 1
	SymFunc
	SymConst
	SymType
)

// String returns "var", "func", "const" or "type".
func (k SymbolKind) String() string {
	switch k {
	case SymVar:
		return "var"
	case SymFunc:
		return "func"
	case SymConst:
		return "const"
	case SymType:
		return "type"
	}
	return "unknown"
}

// Symbol is a package-level declaration (exported ones are recorded for
// every file; native plugins also need unexported ones for PL001 messages).
type Symbol struct {
	Name     string
	Kind     SymbolKind
	Type     string // type as written: "int", "*common.T", for SymType the type expression, for SymFunc the signature "func(int) int" (package main files only); "" if not written
	Value    string // initial value / const value as written (shortened), "" if none
	Exported bool
	Span     Span // the name identifier
}

// Import is one import spec.
type Import struct {
	Path  string
	Name  string // "" unless renamed; "_" for blank, "." for dot
	Blank bool
	Span  Span // the path literal including quotes
}

// FileFacts is what syntax alone says about one file. It never holds an AST.
type FileFacts struct {
	File        FileID
	Path        string
	Package     string // package clause name
	PackageSpan Span
	// Constraint is the //go:build expression text, "" if none.
	Constraint string
	// NameGOOS / NameGOARCH come from _GOOS/_GOARCH file name suffixes.
	NameGOOS, NameGOARCH string
	IsTest               bool
	// ParseErr is the first syntax error, if any; facts are best effort then.
	ParseErr string
	// Full reports whether bodies were parsed (files the byte scan found
	// relevant); otherwise only declarations and imports were read.
	Full     bool
	Imports  []Import
	Symbols  []Symbol // package-level declarations (methods excluded)
	Consts   []ConstFact
	Calls    []CallFact // candidate registration and lookup calls (linking decides)
	Defs     []RegistryDef
	Opens    []OpenFact
	PLookups []PluginLookupFact
	Commands []BuildCommand // go build -buildmode=plugin commands in string literals
	// InitCalls are the package functions func init() calls directly
	// (registrations in them count as init-time).
	InitCalls []string
	// MapVars and SliceVars are package-level variables declared as (or
	// initialised to) map[string]… and slices: the stores registries use.
	MapVars, SliceVars []string
	// ModuleIDs maps a type name to the ID its CaddyModule() method returns.
	ModuleIDs map[string]string
	// Instances are package-level variables that may hold an instance
	// registry: declared with a named type or initialised by a composite
	// literal or a constructor call (var Codecs = registry.New[Codec]()).
	Instances []InstanceVar
	// Ctors maps a constructor-like function (New…, new…) to its first
	// result type as written ("*Registry[T]"), so linking can type the
	// variables it initialises.
	Ctors map[string]string
	// MethodNames maps "Type.Method" (a method without parameters whose
	// body returns a constant) to what it returns: a string, "\x00Ident"
	// for a constant resolved by linking, several values separated by
	// "\x1e" for a []string literal; "Type.Method.Field" for a string field
	// of a returned composite literal. Registries that name a value by a
	// method of it (b.Name(), CaddyModule().ID) read these.
	MethodNames map[string]string

	expr constraint.Expr // parsed Constraint, nil if none or invalid
}

// InstanceVar is a package-level variable and what says its type.
type InstanceVar struct {
	Name string
	// Type is the type as written or as the initialiser shows it ("T",
	// "*pkg.T", "registry.Registry[Codec]"); "" when only Ctor says.
	Type string
	// Ctor is the constructor the variable is initialised from
	// ("NewRegistry", "registry.New"), "" if none.
	Ctor string
	// TypeArgs are the explicit type arguments of the constructor call or
	// generic type (registry.New[Codec]() → ["Codec"]).
	TypeArgs []string
	Span     Span
}

// ConstFact is a package-level string constant.
type ConstFact struct {
	Name  string
	Value string // resolved when it is a literal or a same-file constant reference
	Ref   string // when not resolved locally: the referenced name ("x.Y" or "Y"), or the operands of a concatenation joined by ConstConcatSep
	Span  Span
}

// CallFact is a call that may be a registration or a lookup; linking decides.
type CallFact struct {
	Pkg  string // package qualifier as written ("sql", "caddy"); "" for a local call
	Func string // function or method name
	Recv string // for method calls on a package-level var/type: its name; "" otherwise
	// RecvType is, for a method call on a parameter of the enclosing
	// function, the parameter's type as written ("*admission.Plugins"):
	// registries whose instances are passed around (a type registry).
	RecvType string
	Args     []ArgFact // the first arguments (at most 4)
	Call     Span
	InInit   bool   // inside func init()
	InVar    bool   // inside a package-level var initialiser
	InFunc   string // enclosing function name ("" at package level)
	ArgCount int
}

// ArgFact is one call argument.
type ArgFact struct {
	Lit   string // the string value when the argument is a string literal
	IsLit bool
	Expr  string // the argument as written (shortened)
	Type  string // best-effort type ("T", "*T", "pkg.T", "*pkg.T"), "" if unknown
	Span  Span
	// Ctor is the constructor the argument is the result of
	// (NewBuilder(), pkg.NewX()), when its type is not written.
	Ctor string
	// Fields are the string-valued fields of a composite literal argument
	// (&Info{Name: "s3"}): registries that take the name from a field.
	Fields []FieldArg
	// Each holds the string literals of a trailing variadic list passed at
	// this position and after it (Register(name, d, "alias1", "alias2")).
	Each []string
}

// FieldArg is one keyed field of a composite literal argument.
type FieldArg struct {
	Name  string
	Lit   string // the string value when it is a literal
	IsLit bool
	Expr  string // the value as written (a constant's name when not a literal)
	Span  Span
}

// RegistryDef is a function that stores its string parameter in a
// package-level map or slice, reads one, or forwards it to another registry.
type RegistryDef struct {
	Func      string // function name (methods excluded)
	Span      Span
	Store     string // package-level variable written/read
	Op        RegistryOp
	NameParam int
	// ValueType is the type of the registered value parameter as written.
	ValueType string
	// Result is the first result type as written ("" when none).
	Result string
	// ForwardPkg/ForwardFunc name the registry a wrapper forwards to.
	ForwardPkg, ForwardFunc string
	ForwardArg              int
	// Panics is set when the function panics (anywhere).
	Panics bool
	// Dups is what a store does with a name already present: panics or
	// returns an error when the function checks the store first,
	// overwrites otherwise; DupUnknown for other operations.
	Dups Duplicates
	// Key, when set, says how the name is computed from the parameters
	// when it is not simply the string parameter NameParam: a field
	// (info.Name), a method of the value (c.Name() + "_sd_configs"), a list
	// (aliases ...string, b.TypeURLs()), or several pieces joined.
	Key []NamePart
	// ScanField is, for a lookup that scans Store comparing a field of
	// each element with its name parameter, that field ("Name").
	ScanField string
	// ArgParams, for a forward, says for each argument of the forwarded
	// call (at most 4) which parameter of this function it is, -1 if none:
	// a wrapper passing its value on to a registry that names values by a
	// field or method takes that registry's key over its own parameters.
	ArgParams []int
	// ArgLits, for a forward, describes the arguments that are composite
	// literals built from this function's parameters (Register(bb{name:
	// name, bf: bf}) in a wrapper taking name): "T field=param …" per
	// argument ("*T" for &T{…}), "" for other arguments. A registry that
	// names values by a field, or by a method returning a field, then
	// takes its key from the wrapper's parameter.
	ArgLits []string
	// Alias is a second key the same value is stored under, a list
	// (variadic aliases): each element is one more name of the value.
	Alias []NamePart
	// ReturnsValue: every return hands back the registered value
	// parameter (Register(name, f) F { m[name] = f; return f }): a
	// registry used in var initialisers, not a get-or-create cache.
	ReturnsValue bool
	// ReadsStore: the function also reads the store by a key (v, ok :=
	// m[k]) other than to panic on a duplicate: with a returned value, a
	// get-or-create cache (connection pools), not a registry.
	ReadsStore bool
	// PlainParams: every parameter is plain data (string, int,
	// time.Duration…): a setter of a settings table, never a registry.
	PlainParams bool
	// Recv is the receiver type name for a method (instance registries:
	// the store is a field of the receiver); "" for a function.
	Recv string
}

// NamePart is one piece of the name a registry stores a value under, as
// its register function computes it from its parameters.
type NamePart struct {
	Lit    string // a literal piece ("_sd_configs"), when Param < 0
	Param  int    // the parameter the piece comes from; -1 for a literal
	Field  string // a field of that parameter (info.Name); "" for the parameter itself
	Method string // a method of that parameter called without arguments (c.Name())
	Each   bool   // the piece is a list (variadic aliases, TypeURLs()): one name per element
	Lower  bool   // lower-cased on the way in (strings.ToLower)
}

// RegistryOp is what a RegistryDef does with its name parameter.
type RegistryOp uint8

// Registry operations.
const (
	OpMapStore RegistryOp = iota + 1
	OpSliceAppend
	OpForward
	OpLookup
)

// OpenFact is a plugin.Open call.
type OpenFact struct {
	Path     string // literal path, "" if not constant
	PathExpr string
	PathSpan Span
	Call     Span
	Var      string // variable the *plugin.Plugin is assigned to
	InFunc   string
}

// PluginLookupFact is a (*plugin.Plugin).Lookup("Sym") call.
type PluginLookupFact struct {
	Symbol     string
	SymbolSpan Span
	Call       Span
	Recv       string // receiver variable
	InFunc     string
	// Assert is the type of the first type assertion applied to the result
	// (v.(T), v.(*T), v.(func(int) int)), "" if none found in the function.
	Assert     string
	AssertSpan Span
}

// BuildCommand is one `go build -buildmode=plugin …` found in a Makefile,
// shell script or Go string literals (exec.Command args, helper calls).
type BuildCommand struct {
	File    FileID
	Span    Span     // the command text / call in File
	Dir     string   // working directory the relative paths are resolved against
	Output  string   // absolute -o path, or the default <dir or file base>.so
	Args    []string // package or file arguments as written
	Targets []string // absolute directories or files the args resolve to
	Flags   []string // other flags as written (-trimpath, -ldflags=…)
	// Mode is the -buildmode value ("plugin"; "" for a plain build of a
	// host recorded next to plugin builds; ModeCopy for a copy).
	Mode string
	// From is, for a copy (cp a.so b.so, os.Link, os.ReadFile then
	// os.WriteFile), the .so copied; Output is the copy. Linking makes the
	// copy another output of the plugin that builds From (absolute then).
	From string
	// Group names the script or Go function the command appears in, so a
	// host built in the same test function pairs with its plugins.
	Group string
	// Env are the environment assignments the command runs with as
	// written before it ("GOWORK=off go build …", `export GOWORK=off` in a
	// Makefile, exec.Command("env", "GOWORK=off", "go", …)).
	Env []string

	base string // directory the relative paths resolved against
}

// ModeCopy is the BuildCommand.Mode of a copy of a built plugin.
const ModeCopy = "copy"

// Config is a parsed .plugin-lsp.yaml at a module root.
type Config struct {
	File       FileID
	Registries []ConfigRegistry
	Plugins    []ConfigPlugin // so path → plugin source dir
	// Rules are the rules.disabled, rules.enabled and severity entries as
	// written, in file order: index knows no rule IDs, the diagnostics
	// package validates them (diagnostics.WorkspaceConfig).
	Rules []ConfigRule
	// BuildConfigs is the buildConfigs matrix, each entry checked by
	// NewBuildConfig; nil when the file sets none.
	BuildConfigs []BuildConfig
	Err          string        // first error ("line N: msg"), config ignored when set
	Errors       []ConfigError // every error, with its line (config.go)
}

// ConfigRule is one rule setting of a .plugin-lsp.yaml.
type ConfigRule struct {
	Key   string // "rules.disabled", "rules.enabled" or "severity"
	ID    string // the rule ID as written
	Value string // for "severity": the severity as written
	Line  int    // 1-based
}

// ConfigRegistry declares a registry the inference does not find, or adds
// policy to one it does.
type ConfigRegistry struct {
	Register          string   `yaml:"register"` // "pkgpath.Func"
	Lookup            []string `yaml:"lookup"`
	Contract          string   `yaml:"contract"` // "pkgpath.Type"
	NameArg           int      `yaml:"nameArg"`
	PanicsOnDuplicate bool     `yaml:"panicsOnDuplicate"`
	// Duplicates is what a second registration of a name does: panics,
	// overwrites, error, firstWins or appends (REG001 honours it).
	Duplicates string `yaml:"duplicates"`
	// NameField: the name is this field of the registered value
	// (Register(&Info{Name: "s3"}) → nameField: Name); the value is
	// argument NameArg.
	NameField string `yaml:"nameField"`
	// NameMethod: the name is what this method of the registered value
	// returns (Register(b) keyed by b.Name() → nameMethod: Name).
	NameMethod string `yaml:"nameMethod"`
	// Capabilities is the import allowlist for plugin packages of this
	// registry (SEC001); nil means no policy.
	Capabilities []string `yaml:"capabilities"`
}

// ConfigPlugin maps a .so path to its source directory.
type ConfigPlugin struct {
	SO  string `yaml:"so"`
	Dir string `yaml:"dir"`
}

// Registry is one inferred, configured or preset registry.
type Registry struct {
	ID       string   // "pkgpath.Func" of its register function, e.g. "database/sql.Register"
	Package  string   // import path of the package that holds it
	Register []string // register function IDs, wrappers included
	Lookup   []string // lookup function IDs
	Store    string   // "pkgpath.var" written by the register function, "" if unknown
	Contract string   // "pkgpath.Type" of the registered value or lookup result, "" if unknown
	Preset   string   // preset name ("database/sql", "caddy", …), "" if inferred
	Note     string   // preset note or how it was inferred
	// PanicsOnDuplicate: a second registration of one name panics
	// (Duplicates == DupPanics; kept for the JSON of list).
	PanicsOnDuplicate bool
	// FoldsCase: registering lower-cases the name (m[strings.ToLower(n)]),
	// so a lookup may differ from a registered name in case only (grpc's
	// balancer.Get folds case too, behind an environment switch).
	FoldsCase bool
	// Duplicates says what a second registration of a name does; REG001
	// reads it.
	Duplicates Duplicates
	// NameSource says where a registration's name comes from.
	NameSource NameSource
	// FilledAtRunTime: registering outside init is the registry's normal
	// use (expvar, gob), not an init-order bug.
	FilledAtRunTime bool
	// Instance: the registry is a package-level value whose methods
	// register (Decl is the variable).
	Instance bool
	// MentionFormats are the config-file formats that name this
	// registry's plugins (Format… constants); MentionSection is the
	// Telegraf TOML section for FormatTelegraf.
	MentionFormats []string
	MentionSection string
	// Capabilities is the SEC001 import allowlist from .plugin-lsp.yaml; nil
	// means no policy.
	Capabilities []string
	Decl         SymbolRef // register function declaration, zero for preset without source
	ContractDecl SymbolRef // contract type declaration, zero if not in the workspace
}

// Answers reports whether a registration named registered answers a lookup
// of looked: the same name, or the same but for case when the registry
// folds case.
func (r *Registry) Answers(registered, looked string) bool {
	return registered == looked || r.FoldsCase && registered == strings.ToLower(looked)
}

// Duplicates is what a registry does with a second registration of a name.
type Duplicates uint8

// Duplicate semantics. REG001 fires for every one but DupUnknown and
// DupAppends.
const (
	DupUnknown    Duplicates = iota // not known: REG001 stays silent
	DupOverwrites                   // the later value silently replaces the earlier
	DupPanics                       // the second registration panics at start-up
	DupError                        // the second registration returns an error (and is lost)
	DupFirstWins                    // both are kept; lookups find the first, the second is dead
	DupAppends                      // several values per name by design (image formats): no conflict
)

var dupNames = [...]string{"unknown", "overwrites", "panics", "error", "firstWins", "appends"}

// String returns the name used in .plugin-lsp.yaml's duplicates key.
func (d Duplicates) String() string {
	if int(d) < len(dupNames) {
		return dupNames[d]
	}
	return "unknown"
}

// ParseDuplicates reads a duplicates value of .plugin-lsp.yaml.
func ParseDuplicates(s string) (Duplicates, bool) {
	for i, n := range dupNames {
		if n == s && i != int(DupUnknown) {
			return Duplicates(i), true
		}
	}
	return DupUnknown, false
}

// NameSource says where a registration's plugin name comes from.
type NameSource uint8

// Name sources.
const (
	NameArgument      NameSource = iota // a string argument: literal, constant or single-assignment local
	NameFromValue                       // the value names itself: a field or a method of it (info.Name, b.Name(), CaddyModule().ID)
	NameConstIdentity                   // a typed constant whose identity is the name (crypto.SHA256)
	NameTypeName                        // the value's type (gob.Register)
)

// Candidate is a function the inference considered as a registry: one
// that stores by a parameter into a map or slice. Rejected ones say why
// (plugin-lsp list -explain), so a user whose registry is not found learns
// what to declare.
type Candidate struct {
	ID       string // "pkgpath.Func"
	Decl     SymbolRef
	Accepted bool
	Reason   string
}

// Registration is one linked registration call.
type Registration struct {
	Registry     string // Registry.ID
	Func         string // called function ID (may be a wrapper)
	Name         string
	NameResolved bool
	NameRef      SymbolRef // the name argument at the call
	NameDecl     SymbolRef // the const declaration when the name came from a constant
	Call         SymbolRef
	Value        string // value expression as written
	ValueType    string // best-effort "pkgpath.T" / "*pkgpath.T"; "" if unknown
	InInit       bool   // in func init(), a function init() calls, or a package-level var initialiser
	InFunc       string // enclosing function or method name, "" at package level
	Package      string
	File         FileID
	IsTest       bool
}

// Lookup is one linked registry lookup call.
type Lookup struct {
	Registry     string
	Func         string
	Name         string
	NameResolved bool
	NameRef      SymbolRef
	Call         SymbolRef
	Package      string
	File         FileID
	IsTest       bool
}

// Host is a main package that is not a native plugin.
type Host struct {
	*Package
}

// NativePlugin is a package main built with -buildmode=plugin.
type NativePlugin struct {
	Dir     string
	Package string   // import path, "" if outside any module
	Name    string   // package clause
	Files   []FileID // the files that make it (one file when built file by file)
	SOPaths []string // absolute .so outputs known to build it
	Builds  []BuildCommand
	Symbols []PluginSymbol // package-level declarations of Files
}

// PluginSymbol is a package-level declaration of a native plugin.
type PluginSymbol struct {
	Symbol
	File FileID
}

// OpenSite is one plugin.Open call, linked to the plugins its path names.
type OpenSite struct {
	File         FileID
	Call         SymbolRef
	Path         string // as written, "" when not constant
	PathResolved bool
	PathRef      SymbolRef
	Package      string
	Plugins      []*NativePlugin // plugins whose build output matches Path
	Lookups      []*PluginLookup // Lookups on the returned *plugin.Plugin in the same function
}

// PluginLookup is one (*plugin.Plugin).Lookup("Sym") call with the type
// assertion that follows it.
type PluginLookup struct {
	File       FileID
	Symbol     string
	Ref        SymbolRef // the symbol string
	Call       SymbolRef
	Assert     string    // asserted type as written, "" if none
	AssertRef  SymbolRef // the asserted type expression
	Package    string
	Open       *OpenSite // nil when the *plugin.Plugin does not come from an Open in the same function
	InPlugin   bool      // the lookup is inside a native plugin's source
	FileImport []Import  // imports of File, to qualify Assert
}

// Manifest is a parsed plugin-manifest.yaml.
type Manifest struct {
	File       FileID
	Dir        string
	Name       string
	Version    string
	NameRef    SymbolRef
	VersionRef SymbolRef
	Requires   []Require
	ParseErr   string
	ErrRef     SymbolRef
	Package    string // import path of the Go package in Dir, "" if none
}

// Require is one manifest requires entry.
type Require struct {
	Name       string
	Constraint string
	Ref        SymbolRef
}

// EdgeKind says where a plugin graph edge comes from.
type EdgeKind uint8

// Edge kinds.
const (
	EdgeImport   EdgeKind = iota + 1 // plugin package imports plugin package
	EdgeRequires                     // manifest requires
)

// GraphEdge is one edge of the plugin dependency graph; nodes are plugin
// package import paths, or "manifest:<name>" for a manifest without a package.
type GraphEdge struct {
	From, To string
	Kind     EdgeKind
	Ref      SymbolRef
}

// TrieEntry is one prefix query result.
type TrieEntry struct {
	Name string // original case
	Ref  SymbolRef
}
