// Package proxy is the transparent LSP proxy in front of gopls: framing and
// envelope (package wire), the gopls child process and its restart with
// replay, the id maps, raw pass-through, the open documents (Overlays), the
// one byte-offset ↔ position converter (Mapper), and the merge of gopls's
// diagnostics with a feature's. Package lsp builds plugin-lsp's features on
// its hooks.
//
// # How the proxy works
//
// Serve runs one Session: the editor on stdin/stdout, a gopls child process
// on a pipe. Messages are framed by wire.Reader (Content-Length headers; a
// malformed frame becomes a JSON-RPC parse error reply, never the end of the
// session) and only their envelope (id, method) is decoded (wire.Parse).
// Everything not intercepted passes as the bytes it came as; only request
// ids are rewritten, because every request we send to gopls carries an id of
// ours (the pending map is keyed by it), and every gopls→editor request goes
// out under an id of ours too, so a restarted gopls cannot collide with a
// reply in flight. $/cancelRequest is mapped both ways. Requests plugin-lsp
// itself sends to the editor use string ids "plsp:N"; their replies are
// consumed, never forwarded. See docs/proxy.md for the invariants.
//
// # The hooks
//
// A Feature declares what it adds; Options.Features builds a session's
// features (package lsp's table, one file per method). The proxy itself
// knows no feature: it imports nothing of plugin-lsp's index, rules or
// navigation (lsp/layering_test.go).
//
// The extension points:
//
//  1. Requests (Feature.Requests, RequestHandler): a client→server request
//     method's handler gets the raw params and a Forward that sends the
//     request unchanged to gopls and returns gopls's raw result. Answer
//     yourself, forward and merge, or return forward's result untouched.
//     Several features on one method chain in table order. The read
//     loop waits for the handler to forward, answer, call CallClient or
//     CallGopls, or call Detach before it reads the next message, so decide
//     quickly and from memory (a handler that has not decided after 2 s is
//     logged and the read loop goes on without it). A panic becomes an
//     InternalError reply, and so does a result that is not valid JSON;
//     return NewError(code, …) to choose the error code.
//     Feature.Claims (ClaimFunc) is an optional synchronous pre-check per
//     method, run on the read loop from memory: when every feature on the
//     method has one and none claims the request, no handler runs and the
//     request passes through like an unintercepted one (the navigation
//     features claim only positions that may be on a plugin site). Declare
//     one when the handler forwards untouched in the common case.
//  2. Notifications (Feature.Notifications, NotificationObserver): observers
//     of client→server notifications (textDocument/didOpen, didChange,
//     didClose, didSave, workspace/didChangeWatchedFiles,
//     didChangeConfiguration, didChangeWorkspaceFolders, initialized, …).
//     They are forwarded to gopls regardless; observers run in message order
//     after Overlays has applied the change, and must return quickly.
//  3. Initialize (Feature.InitializeParams, Feature.Initialize,
//     Feature.Capabilities, Session.Info): InitializeParams rewrites the
//     params gopls gets (package lsp takes its own settings out);
//     InitializeInfo holds the editor's params (workspace folders, root,
//     client capabilities, initializationOptions) and the position encoding
//     gopls chose. Capabilities declares what a feature adds to gopls's
//     result (completion trigger characters, capabilities gopls lacks);
//     gopls's capabilities and serverInfo are kept byte for byte. The
//     Initialize hook runs before the editor gets the reply and must not
//     block: start the index in the background (Session.Go) and return.
//  4. Diagnostics (DiagnosticsSource, Session.SetDiagnosticsSource,
//     Session.DiagnosticsChanged): our engine implements DiagnosticsSource;
//     every publishDiagnostics the editor gets is gopls's last list for the
//     URI plus ours (an empty list when both are empty); call
//     DiagnosticsChanged(uris...) when ours change. textDocument/diagnostic
//     (pull) replies are merged the same way; a pulled document's
//     diagnostics are never also pushed. After a gopls restart the union is
//     sent again.
//  5. Talking to the editor (Session.CallClient, NotifyClient, ShowMessage,
//     StartProgress) and to gopls (CallGopls, NotifyGopls): requests get ids of
//     our own; their replies come back to the caller.
//  6. Commands (Feature.Commands, CommandHandler): workspace/executeCommand
//     commands; their names are added to executeCommandProvider.commands.
//     Session.GoplsStatus and Session.Version describe the process for a
//     status command (package lsp's plugin-lsp.status).
//  7. Positions and documents (Mapper, Overlays): Mapper converts byte
//     offsets in a file's text to LSP positions in the negotiated encoding
//     (UTF-16 by default, UTF-8, UTF-32) and back; it is the only place
//     that does. Overlays holds the open documents (text and version,
//     incremental edits applied); read open files from there, not the disk.
//     For an open document use Overlays.Mapper(uri) or Document.Mapper(enc):
//     its line index is computed once per version (about 2 µs per request
//     instead of about 0.1 ms for NewMapper on a 130 KB file).
//  8. Robustness: handlers, observers, hooks and the diagnostics source run
//     under recover; a panic is logged and answered with an error, and the
//     session goes on.
//
// Background work a feature starts must be owned: start it with Session.Go
// (the session waits for it and cancels its context at the end) or stop it
// in Feature.Shutdown.
package proxy
