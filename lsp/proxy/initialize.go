package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// InitializeInfo is what the editor said in initialize, and what was
// negotiated with gopls. Set once gopls has answered; read-only after.
type InitializeInfo struct {
	// Params are the initialize params exactly as the editor sent them.
	Params json.RawMessage
	// RootURI is params.rootUri (may be empty; prefer WorkspaceFolders).
	RootURI protocol.DocumentURI
	// WorkspaceFolders are params.workspaceFolders, or the root as a single
	// folder when the editor sent none.
	WorkspaceFolders []protocol.WorkspaceFolder
	// ClientCapabilities is params.capabilities, raw.
	ClientCapabilities json.RawMessage
	// InitializationOptions is params.initializationOptions, raw (gopls settings).
	InitializationOptions json.RawMessage
	// PositionEncoding is the encoding gopls chose (UTF-16 if it said none).
	PositionEncoding Encoding
	// ServerCapabilities is the merged capabilities object the editor got.
	ServerCapabilities json.RawMessage
}

// ClientSupports reports whether the client capability at path is present
// and not false/null, e.g. ClientSupports("window", "workDoneProgress").
func (i *InitializeInfo) ClientSupports(path ...string) bool {
	v := wire.GetPath(i.ClientCapabilities, path...)
	return v != nil && string(v) != "false" && string(v) != "null"
}

// Info returns the session's InitializeInfo, or nil before initialize has
// been answered.
func (s *Session) Info() *InitializeInfo { return s.info.Load() }

// SetInfo sets the InitializeInfo as if initialize had been answered with
// it: for a session that is not Run (tests driving features).
func (s *Session) SetInfo(info *InitializeInfo) { s.info.Store(info) }

// Encoding returns the negotiated position encoding (UTF-16 until known).
func (s *Session) Encoding() Encoding {
	if i := s.info.Load(); i != nil {
		return i.PositionEncoding
	}
	return UTF16
}

// builtinFeature is the proxy's own interception: initialize, our commands
// and pull-diagnostics merging. It is first in every handler chain.
func (s *Session) builtinFeature() Feature {
	return Feature{
		Name: "proxy",
		Requests: map[string]RequestHandler{
			"initialize":               s.handleInitialize,
			"workspace/executeCommand": s.handleExecuteCommand,
			"textDocument/diagnostic":  s.diags.handlePull,
		},
	}
}

// buildTables builds the method tables from the features: handlers for one
// method chain in table order (the builtin first).
func (s *Session) buildTables(table []Feature) error {
	s.features = append([]Feature{s.builtinFeature()}, table...)
	chains := make(map[string][]RequestHandler)
	claims := make(map[string][]ClaimFunc)
	unclaimable := make(map[string]bool) // a handler without a claim
	s.observers = make(map[string][]NotificationObserver)
	s.commands = make(map[string]CommandHandler)
	for _, f := range s.features {
		for m, h := range f.Requests {
			chains[m] = append(chains[m], h)
			if c := f.Claims[m]; c != nil {
				claims[m] = append(claims[m], c)
			} else {
				unclaimable[m] = true
			}
		}
		for m, o := range f.Notifications {
			s.observers[m] = append(s.observers[m], o)
		}
		for c, h := range f.Commands {
			if _, dup := s.commands[c]; dup {
				return fmt.Errorf("command %s is declared by two features", c)
			}
			s.commands[c] = h
		}
		s.caps = append(s.caps, f.Capabilities)
	}
	s.requests = make(map[string]RequestHandler, len(chains))
	s.claims = make(map[string][]ClaimFunc)
	for m, hs := range chains {
		s.requests[m] = chain(m, hs, s)
		if !unclaimable[m] {
			s.claims[m] = claims[m]
		}
	}
	return nil
}

// goplsInitializeParams returns the initialize params gopls gets: the
// editor's, passed through every feature's InitializeParams hook in table
// order.
func (s *Session) goplsInitializeParams(params json.RawMessage) json.RawMessage {
	for _, f := range s.features {
		if f.InitializeParams != nil {
			params = f.InitializeParams(params)
		}
	}
	return params
}

// chain composes handlers so that each one's forward runs the next, and the
// last one's forward is the real one to gopls.
func chain(method string, hs []RequestHandler, s *Session) RequestHandler {
	if len(hs) == 1 {
		return hs[0]
	}
	first, rest := hs[0], chain(method, hs[1:], s)
	return func(ctx context.Context, params json.RawMessage, fwd Forward) (json.RawMessage, error) {
		next := func(fctx context.Context) (json.RawMessage, error) {
			return s.runHandler(fctx, method, rest, params, fwd)
		}
		return first(ctx, params, next)
	}
}

type initializeParams struct {
	RootURI               protocol.DocumentURI       `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	Capabilities          json.RawMessage            `json:"capabilities"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
}

// handleInitialize records the editor's params, forwards, and merges our
// capabilities into gopls's result. The reply goes out as soon as gopls
// answers: features' Initialize hooks only start background work.
func (s *Session) handleInitialize(ctx context.Context, params json.RawMessage, forward Forward) (json.RawMessage, error) {
	s.infoLogReady() // window/logMessage is allowed from the initialize request on
	s.seq.Lock()
	s.initParms = s.goplsInitializeParams(params) // replayed to a restarted gopls
	s.seq.Unlock()
	res, err := forward(ctx)
	if err != nil {
		return nil, err
	}
	var p initializeParams
	if err := json.Unmarshal(params, &p); err != nil {
		s.log.Printf("initialize params: %v", err) // gopls accepted them; keep going
	}
	info := &InitializeInfo{
		Params:                params,
		RootURI:               p.RootURI,
		WorkspaceFolders:      p.WorkspaceFolders,
		ClientCapabilities:    p.Capabilities,
		InitializationOptions: p.InitializationOptions,
		PositionEncoding:      UTF16,
	}
	if len(info.WorkspaceFolders) == 0 && p.RootURI != "" {
		info.WorkspaceFolders = []protocol.WorkspaceFolder{{URI: string(p.RootURI), Name: string(p.RootURI)}}
	}
	caps := wire.GetMember(res, "capabilities")
	if caps == nil {
		caps = json.RawMessage("{}")
	}
	if enc := wire.GetMember(caps, "positionEncoding"); enc != nil {
		var e string
		if json.Unmarshal(enc, &e) == nil && e != "" {
			info.PositionEncoding = Encoding(e)
		}
	}
	merged, err := s.mergeCapabilities(caps)
	if err != nil {
		s.log.Printf("merging capabilities: %v; passing gopls's unchanged", err)
		merged = caps
	}
	if string(merged) != string(caps) {
		if out, err := wire.SetMember(res, "capabilities", merged); err == nil {
			res = out
		}
	}
	info.ServerCapabilities = merged
	s.info.Store(info)
	for _, f := range s.features {
		if f.Initialize != nil {
			s.safely(f.Name+" initialize", func() { f.Initialize(s.ctx, info) })
		}
	}
	return res, nil
}

// mergeCapabilities adds the features' capabilities to gopls's: gopls's
// values are kept byte for byte; our additions are appended.
func (s *Session) mergeCapabilities(caps json.RawMessage) (json.RawMessage, error) {
	var triggers []string
	set := map[string]json.RawMessage{}
	for _, c := range s.caps {
		triggers = append(triggers, c.CompletionTriggers...)
		for k, v := range c.Set {
			set[k] = v
		}
	}
	out := []byte(caps)
	var err error
	if len(triggers) > 0 && wire.GetMember(out, "completionProvider") != nil {
		arr, aerr := wire.AppendStrings(wire.GetPath(out, "completionProvider", "triggerCharacters"), triggers...)
		if aerr != nil {
			return nil, aerr
		}
		if out, err = wire.SetPath(out, arr, "completionProvider", "triggerCharacters"); err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if wire.GetMember(out, k) == nil {
			if out, err = wire.SetMember(out, k, set[k]); err != nil {
				return nil, err
			}
		}
	}
	if len(s.commands) > 0 {
		names := make([]string, 0, len(s.commands))
		for c := range s.commands {
			names = append(names, c)
		}
		sort.Strings(names)
		arr, aerr := wire.AppendStrings(wire.GetPath(out, "executeCommandProvider", "commands"), names...)
		if aerr != nil {
			return nil, aerr
		}
		if out, err = wire.SetPath(out, arr, "executeCommandProvider", "commands"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type executeCommandParams struct {
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments"`
}

// handleExecuteCommand runs our commands and forwards gopls's.
func (s *Session) handleExecuteCommand(ctx context.Context, params json.RawMessage, forward Forward) (json.RawMessage, error) {
	var p executeCommandParams
	if err := json.Unmarshal(params, &p); err != nil {
		return forward(ctx) // let gopls report it
	}
	h, ok := s.commands[p.Command]
	if !ok {
		return forward(ctx)
	}
	res, err := h(ctx, p.Arguments)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encoding the result of %s: %w", p.Command, err)
	}
	return b, nil
}
