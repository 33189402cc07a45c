;;; test.el --- headless Emacs (eglot 1.9) end-to-end test of plugin-lsp  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l editors/emacs/test.el
;;
;; Run it through editors/emacs/test.sh, which installs Debian's emacs-nox and
;; elpa-eglot when missing, builds plugin-lsp and sets:
;;   PLUGIN_LSP_BIN          the plugin-lsp executable (default: plugin-lsp on PATH)
;;   PLUGIN_LSP_GOPLS        the gopls plugin-lsp runs
;;   PLUGIN_LSP_E2E_FIXTURE  the fixture workspace (editors/vscode/test-fixture)
;;   PLUGIN_LSP_E2E_PLUGIN=0 skip the plugin-lsp feature checks (REG003 through
;;                           flymake, hover and definition of a plugin name);
;;                           on by default
;; Exits 0 when every check passed, 1 otherwise (2: bad set-up).
;;
;; Emacs 28 has no Go major mode (go-ts-mode arrived in 29) and go-mode is not
;; packaged by Debian: a stand-in `go-mode' derived from prog-mode is enough,
;; eglot takes the language id ("go") from the mode's name. eglot 1.9 has no
;; `eglot--request' (later versions do): raw requests go through
;; `jsonrpc-request', as eglot 1.9 itself does.

(require 'package)
;; Debian's elpa-* packages live in /usr/share/emacs/site-lisp/elpa; with -Q
;; neither `package-directory-list' names it nor is anything activated.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(setq package-user-dir (expand-file-name "elpa" temporary-file-directory))
(package-initialize)
(require 'cl-lib)
(require 'subr-x)
(require 'eglot)
(require 'flymake)
(require 'xref)

(defvar plsp-t0 (float-time))
(defvar plsp-passed 0)
(defvar plsp-failed 0)

(defun plsp-log (fmt &rest args)
  "Print FMT with ARGS to stderr, with the time since the start."
  (message "[emacs %5.1fs] %s" (- (float-time) plsp-t0) (apply #'format fmt args)))

(defun plsp-finish ()
  "Report and exit: 1 when a check failed."
  (plsp-log "%d passed, %d failed" plsp-passed plsp-failed)
  (kill-emacs (if (> plsp-failed 0) 1 0)))

(defmacro plsp-check (name &rest body)
  "Run BODY as the check NAME: an error in it is a failure."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq plsp-passed (1+ plsp-passed))
              (plsp-log "ok   %s" ,name))
     (error (setq plsp-failed (1+ plsp-failed))
            (plsp-log "FAIL %s: %s" ,name (error-message-string err)))))

(defun plsp-wait (what timeout pred)
  "Pump process output until PRED returns non-nil, or signal after TIMEOUT s naming WHAT."
  (let ((end (+ (float-time) timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) end))
      (accept-process-output nil 0.1))
    (or v (error "Timed out after %ss waiting for %s" timeout what))))

(defvar plsp-bin (or (getenv "PLUGIN_LSP_BIN") "plugin-lsp"))
(defvar plsp-fixture (let ((f (getenv "PLUGIN_LSP_E2E_FIXTURE")))
                       (and f (not (string-empty-p f)) (file-name-as-directory (expand-file-name f)))))
(defvar plsp-plugin (not (equal (string-trim (or (getenv "PLUGIN_LSP_E2E_PLUGIN") "")) "0")))

(unless plsp-fixture
  (message "PLUGIN_LSP_E2E_FIXTURE is not set (run editors/emacs/test.sh)")
  (kill-emacs 2))

(define-derived-mode go-mode prog-mode "Go"
  "Stand-in Go mode: eglot needs a major mode whose name says go.")
(add-to-list 'auto-mode-alist '("\\.go\\'" . go-mode))

;; The same settings as the other editor tests, as initializationOptions and
;; as the answer to workspace/configuration section "plugin-lsp".
(defvar plsp-settings '(:rules (:disabled ["REG005"]) :severity (:REG007 "error") :debounceMs 100
                        :buildConfigs [(:goos "linux" :goarch "amd64")]))
(add-to-list 'eglot-server-programs
             `(go-mode . (,plsp-bin :initializationOptions (:plugin-lsp ,plsp-settings))))
(setq-default eglot-workspace-configuration `(:plugin-lsp ,plsp-settings))

;; The fixture lies inside the plugin-lsp git checkout: without this, project.el
;; would make the whole checkout the workspace root.
(add-hook 'project-find-functions
          (lambda (dir)
            (when (string-prefix-p plsp-fixture (file-name-as-directory (expand-file-name dir)))
              (cons 'transient plsp-fixture))))

;; No prompts, no backups or lock files in the fixture, no autoreconnect.
(setq make-backup-files nil create-lockfiles nil auto-save-default nil
      eglot-autoreconnect nil eglot-sync-connect 30 eglot-connect-timeout 60
      ;; Flymake starts on this timer in a real session; here the test starts
      ;; it, but the timeout must be non-nil for eglot to report at once.
      flymake-no-changes-timeout 0.5)

(defun plsp-open (rel)
  "Visit REL of the fixture and return its buffer."
  (find-file-noselect (expand-file-name rel plsp-fixture)))

(defun plsp-goto (needle &optional delta nth)
  "Move point to the NTH (1-based) occurrence of NEEDLE, plus DELTA chars."
  (goto-char (point-min))
  (search-forward needle nil nil (or nth 1))
  (goto-char (+ (match-beginning 0) (or delta 0))))

(defun plsp-diags (buf pred)
  "Flymake diagnostics of BUF whose LSP diagnostic satisfies PRED (a plist)."
  (with-current-buffer buf
    ;; The test drives flymake: start it and collect what eglot reported.
    (flymake-start)
    (cl-remove-if-not
     (lambda (d) (funcall pred (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
     (flymake-diagnostics))))

(defun plsp-loc-file (loc)
  "The file of a Location or LocationLink plist."
  (eglot--uri-to-path (or (plist-get loc :targetUri) (plist-get loc :uri))))

(defvar plsp-server nil)

(condition-case err
    (let* ((main (plsp-open "cmd/host/main.go"))
           (broken (plsp-open "cmd/host/broken.go")))
      (plsp-check "eglot starts plugin-lsp and manages main.go and broken.go"
        (with-current-buffer main
          (cl-assert (eq major-mode 'go-mode))
          (apply #'eglot (eglot--guess-contact))
          (setq plsp-server (plsp-wait "an eglot connection" 60 #'eglot-current-server))
          (cl-assert (equal (project-root (eglot--project plsp-server)) plsp-fixture) nil
                     "project root %s" (project-root (eglot--project plsp-server)))
          (plsp-log "serverInfo.name: %s" (plist-get (eglot--server-info plsp-server) :name)))
        (with-current-buffer broken
          ;; A second go-mode buffer of the project joins the same server.
          (eglot--maybe-activate-editing-mode)
          (cl-assert (eq (eglot-current-server) plsp-server) nil "broken.go is not managed")))

      (plsp-check "gopls's type error in broken.go through flymake"
        (let ((d (car (plsp-wait "a forty-two diagnostic in broken.go" 60
                                 (lambda () (plsp-diags broken (lambda (l) (string-match-p "cannot use \"forty-two\"" (plist-get l :message)))))))))
          (plsp-log "broken.go: %s" (flymake-diagnostic-text d))
          (cl-assert (eq (flymake-diagnostic-type d) 'eglot-error))
          (cl-assert (= 5 (with-current-buffer broken (line-number-at-pos (flymake-diagnostic-beg d)))))))

      (when plsp-plugin
        (plsp-check "REG003 from plugin-lsp on Get(\"loger\") through flymake"
          (let ((d (car (plsp-wait "a REG003 diagnostic in main.go" 30
                                   (lambda () (plsp-diags main (lambda (l) (and (equal (plist-get l :source) "plugin-lsp")
                                                                                (equal (plist-get l :code) "REG003")))))))))
            (plsp-log "main.go: %s" (flymake-diagnostic-text d))
            (with-current-buffer main
              (cl-assert (equal (buffer-substring (flymake-diagnostic-beg d) (flymake-diagnostic-end d)) "\"loger\"")
                         nil "REG003 covers %S" (buffer-substring (flymake-diagnostic-beg d) (flymake-diagnostic-end d))))
            (cl-assert (string-match-p "did you mean \"logger\"" (flymake-diagnostic-text d)))))

        (plsp-check "hover on the plugin name \"logger\" describes the registration"
          (with-current-buffer main
            (plsp-goto "\"logger\"" 2)
            (let* ((res (jsonrpc-request plsp-server :textDocument/hover (eglot--TextDocumentPositionParams)))
                   (contents (plist-get res :contents))
                   (text (if (stringp contents) contents (or (plist-get contents :value) (format "%S" contents)))))
              (cl-assert (string-match-p "plugin `logger`" text) nil "hover: %s" text)
              (cl-assert (string-match-p "Stdout" text) nil "hover: %s" text))))

        (plsp-check "definition of the plugin name \"logger\" (jsonrpc-request) is its registration"
          (with-current-buffer main
            (plsp-goto "\"logger\"" 2)
            (let* ((res (jsonrpc-request plsp-server :textDocument/definition (eglot--TextDocumentPositionParams)))
                   (locs (if (vectorp res) (append res nil) (and res (list res))))
                   (files (mapcar #'plsp-loc-file locs)))
              (cl-assert (member (expand-file-name "plugins/logger/logger.go" plsp-fixture) files) nil
                         "definition targets: %S" files))))

        (plsp-check "xref-find-definitions on \"logger\" lands on contract.Register(\"logger\", …)"
          (with-current-buffer main
            (plsp-goto "\"logger\"" 2)
            (let* ((xrefs (xref-backend-definitions 'eglot (xref-backend-identifier-at-point 'eglot)))
                   (loc (and xrefs (xref-item-location (car xrefs)))))
              (cl-assert loc nil "no xref")
              (cl-assert (equal (xref-location-group loc) (expand-file-name "plugins/logger/logger.go" plsp-fixture))
                         nil "xref in %s" (xref-location-group loc))
              (with-current-buffer (marker-buffer (xref-location-marker loc))
                (save-excursion
                  (goto-char (xref-location-marker loc))
                  (cl-assert (string-match-p "contract\\.Register(\"logger\"" (thing-at-point 'line t)) nil
                             "xref line: %s" (thing-at-point 'line t))))))))

      (plsp-check "shutdown: the server exits with status 0"
        ;; `eglot-shutdown' deletes the process right after sending exit
        ;; (SIGKILL, "exited with status 9"), which would hide a server that
        ;; does not leave: send shutdown and exit here and wait for it.
        (let ((proc (jsonrpc--process plsp-server)))
          (setf (eglot--shutdown-requested plsp-server) t)
          (jsonrpc-request plsp-server :shutdown nil :timeout 10)
          (jsonrpc-notify plsp-server :exit nil)
          (plsp-wait "plugin-lsp to exit" 10 (lambda () (not (process-live-p proc))))
          (cl-assert (and (eq (process-status proc) 'exit) (= (process-exit-status proc) 0)) nil
                     "server ended with %s %s" (process-status proc) (process-exit-status proc)))))
  (error (setq plsp-failed (1+ plsp-failed))
         (plsp-log "FAIL %s" (error-message-string err))))
(plsp-finish)

;;; test.el ends here
