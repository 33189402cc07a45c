package proxy

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// RequestHandler intercepts one client→server request method. params are
// the request's params as the editor sent them. forward sends the request,
// unchanged, to gopls and returns gopls's result (or its error as an error
// that becomes the same JSON-RPC error if returned). The handler returns the
// result the editor gets: it may answer itself without calling forward,
// call forward and merge, or return forward's answer untouched.
//
// Ordering: the proxy's read loop waits until the handler calls forward,
// calls Session.CallClient/CallGopls, calls Detach, or returns, before it
// reads the next message; so a request forwarded at once reaches gopls in
// the order the editor sent it. Decide "ours or forward" quickly and from
// memory (e.g. an index snapshot); never wait for slow work.
type RequestHandler func(ctx context.Context, params json.RawMessage, forward Forward) (json.RawMessage, error)

// CodeRequestFailed is LSP's RequestFailed error code, for NewError.
const CodeRequestFailed = int64(wire.CodeRequestFailed)

// NewError returns an error that a request handler can return to choose the
// JSON-RPC error code of the reply (otherwise InternalError is used).
func NewError(code int64, format string, args ...any) error {
	return &wire.Error{Code: jsonrpc2.Code(code), Message: fmt.Sprintf(format, args...)}
}

// Forward sends the intercepted request to gopls (or to the next handler
// for the same method) and waits for its answer. Call it at most once.
// Cancelling ctx sends $/cancelRequest to gopls.
type Forward func(ctx context.Context) (json.RawMessage, error)

// NotificationObserver sees a client→server notification. The notification
// is forwarded to gopls whatever the observer does. Observers run on the
// read loop, in message order, after the overlay store has applied the
// notification; they must return quickly (hand slow work to a goroutine that
// the feature owns and stops in Feature.Shutdown).
type NotificationObserver func(ctx context.Context, params json.RawMessage)

// ClaimFunc is a feature's synchronous pre-check for one request method:
// it reports whether the request may be the feature's. It runs on the read
// loop, before any handler, so it must decide from memory (the editor's
// text in Overlays, the current index snapshot) and never block or wait.
// False means "my handler would forward this untouched"; when unsure,
// return true. A panic counts as true.
type ClaimFunc func(params json.RawMessage) bool

// CommandHandler runs one of our workspace/executeCommand commands with the
// command's arguments; the returned value is JSON-encoded as the result.
type CommandHandler func(ctx context.Context, args []json.RawMessage) (any, error)

// Capabilities is what a feature adds to gopls's initialize result. gopls's
// own capabilities are kept verbatim; these are merged in.
type Capabilities struct {
	// CompletionTriggers are added to completionProvider.triggerCharacters.
	CompletionTriggers []string
	// Set holds server capabilities (top-level keys of "capabilities") to
	// set when gopls does not declare them itself, e.g. "codeLensProvider".
	// When gopls declares one, gopls's value is kept.
	Set map[string]json.RawMessage
}

// Feature is one piece of functionality built on the proxy (package lsp's
// features: one file per method, listed once in its feature table). Every
// field is optional.
type Feature struct {
	// Name identifies the feature in logs and panics.
	Name string
	// Requests maps a client→server request method to its handler. When
	// several features intercept the same method, handlers chain in
	// table order (Options.Features): the first one's forward calls the
	// second one.
	Requests map[string]RequestHandler
	// Claims optionally pre-checks requests of a method in Requests (see
	// ClaimFunc). When every feature intercepting a method declares a
	// claim and none claims a request, the request takes the pass-through
	// path of a method nobody intercepts (same bytes, gopls's reply spliced
	// straight to the editor) and no handler runs. A method with a handler
	// but no claim always runs its handler chain.
	Claims map[string]ClaimFunc
	// Notifications maps a client→server notification method to observers.
	Notifications map[string]NotificationObserver
	// Commands are workspace/executeCommand commands this feature answers;
	// their names are added to executeCommandProvider.commands.
	Commands map[string]CommandHandler
	// Capabilities are merged into gopls's initialize result.
	Capabilities Capabilities
	// InitializeParams rewrites the initialize params before gopls gets
	// them (e.g. to take out settings gopls does not know); the editor's
	// own params stay in Session.Info. Hooks run in table order, each on
	// the previous one's result, and must return params unchanged when
	// they have nothing to take out.
	InitializeParams func(params json.RawMessage) json.RawMessage
	// Initialize runs once gopls has answered initialize, before the
	// editor gets the answer; the session's InitializeInfo is set. It must
	// not block: start background work (e.g. an index) and return.
	Initialize func(ctx context.Context, info *InitializeInfo)
	// Shutdown runs when the session ends; stop goroutines here.
	Shutdown func()
}

// FeaturesFunc builds the features of one session, in handler-chain order.
// They may keep s to read overlays, talk to the editor, set the diagnostics
// source and so on.
type FeaturesFunc func(s *Session) []Feature
