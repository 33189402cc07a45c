-- Headless Neovim (0.7.2) end-to-end test of plugin-lsp.
--
--   nvim --headless --clean -u editors/neovim/test-init.lua
--
-- (in this order: with -u before --clean, Neovim 0.7 ignores -u). Run it
-- through editors/neovim/test.sh, which builds plugin-lsp and sets:
--   PLUGIN_LSP_BIN          the plugin-lsp executable (default: plugin-lsp on PATH)
--   PLUGIN_LSP_E2E_FIXTURE  the fixture workspace (editors/vscode/test-fixture)
--   PLUGIN_LSP_E2E_PLUGIN   plugin-lsp's own features (REG003, REG001 with
--                           relatedInformation, hover/definition/completion on
--                           a plugin name) are asserted by default; =0 turns
--                           them off (debugging), =diagnostics,hover,… a subset
-- Exits 0 when every check passed, 1 otherwise.

local bin = os.getenv('PLUGIN_LSP_BIN') or 'plugin-lsp'
local fixture = os.getenv('PLUGIN_LSP_E2E_FIXTURE')
if not fixture or fixture == '' then
  -- An error at the top level would leave a headless Neovim waiting: quit.
  io.stderr:write('PLUGIN_LSP_E2E_FIXTURE is not set (run editors/neovim/test.sh)\n')
  vim.cmd('cquit 2')
end
-- PLUGIN_LSP_E2E_PLUGIN: unset, "1" or "all" asserts every plugin feature,
-- "0" none, or a comma-separated subset of
-- diagnostics,related,hover,definition,completion.
local all_features = { diagnostics = true, related = true, hover = true, definition = true, completion = true }
local features = {}
do
  local v = vim.trim(os.getenv('PLUGIN_LSP_E2E_PLUGIN') or '')
  if v == '' or v == '1' or v == 'all' then
    features = all_features
  elseif v ~= '0' then
    for _, f in ipairs(vim.split(v, ',', { trimempty = true })) do
      f = vim.trim(f)
      -- status (a VS Code command), settings (VS Code's settings UI),
      -- codelens, quickfix and mention are VS Code cases with no counterpart here.
      if f ~= 'status' and f ~= 'settings' and f ~= 'codelens' and f ~= 'quickfix' and f ~= 'mention' then
        if not all_features[f] then
          -- An error here would leave a headless Neovim waiting: quit.
          io.stderr:write('PLUGIN_LSP_E2E_PLUGIN: unknown feature ' .. f .. '\n')
          vim.cmd('cquit 2')
        end
        features[f] = true
      end
    end
  end
end
local t0 = vim.loop.hrtime()

local function log(msg)
  io.stderr:write(string.format('[nvim %5.1fs] %s\n', (vim.loop.hrtime() - t0) / 1e9, msg))
end

local passed, failed = 0, 0
local function check(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    log('ok   ' .. name)
  else
    failed = failed + 1
    log('FAIL ' .. name .. ': ' .. tostring(err))
  end
end

-- The settings the server reads: initializationOptions["plugin-lsp"] and the
-- answer to workspace/configuration for section "plugin-lsp" (the same shape
-- the VS Code extension sends).
local settings = {
  rules = { disabled = { 'REG005' } },
  severity = { REG007 = 'error' },
  debounceMs = 100,
  buildConfigs = { { goos = 'linux', goarch = 'amd64' } },
}

local config_sections = {}

-- Stock 0.7 neither offers workspace/configuration nor answers it with
-- anything useful: offer it in the capabilities and answer it here.
local function on_configuration(_, params)
  local answer = {}
  for i, item in ipairs(params.items or {}) do
    config_sections[item.section or '(none)'] = true
    if item.section == 'plugin-lsp' then
      answer[i] = settings
    else
      answer[i] = vim.empty_dict()
    end
  end
  return answer
end

local capabilities = vim.lsp.protocol.make_client_capabilities()
capabilities.workspace.configuration = true

local exited = false
local client_id = vim.lsp.start_client({
  name = 'plugin-lsp',
  cmd = { bin },
  cmd_env = { PLUGIN_LSP_GOPLS = os.getenv('PLUGIN_LSP_GOPLS') },
  root_dir = fixture,
  capabilities = capabilities,
  init_options = { ['plugin-lsp'] = settings },
  handlers = {
    ['workspace/configuration'] = on_configuration,
    -- gopls's messages go to the log, not to a prompt that would block.
    ['window/showMessage'] = function(_, result)
      log('showMessage: ' .. tostring(result and result.message))
    end,
  },
  on_exit = function(code, signal)
    exited = true
    log(string.format('server exited: code %s, signal %s', tostring(code), tostring(signal)))
  end,
})

local function finish()
  log(string.format('%d passed, %d failed', passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- start_client returns nil on a spawn failure and only warns.
if not client_id then
  failed = failed + 1
  log('FAIL start_client returned nil: could not start ' .. bin)
  finish()
  return
end

local function open(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(fixture .. '/' .. rel))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'go'
  vim.lsp.buf_attach_client(buf, client_id)
  return buf
end

-- 0-based LSP position of the n-th occurrence of needle in buf, plus delta.
local function position_of(buf, needle, delta, nth)
  nth = nth or 1
  local seen = 0
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local from = 1
    while true do
      local s = line:find(needle, from, true)
      if not s then
        break
      end
      seen = seen + 1
      if seen == nth then
        return { line = lnum - 1, character = s - 1 + (delta or 0) }
      end
      from = s + 1
    end
  end
  error(needle .. ' not found')
end

local function request(buf, method, pos, extra)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }
  for k, v in pairs(extra or {}) do
    params[k] = v
  end
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, 15000)
  assert(responses, method .. ': ' .. tostring(err))
  local r = responses[client_id]
  assert(r, method .. ': no response from plugin-lsp')
  assert(not r.err, method .. ': ' .. vim.inspect(r.err))
  return r.result
end

local function locations(result)
  if result == nil or result == vim.NIL then
    return {}
  end
  if result.uri or result.targetUri then
    result = { result }
  end
  local out = {}
  for _, l in ipairs(result) do
    table.insert(out, { uri = l.targetUri or l.uri, range = l.targetSelectionRange or l.range })
  end
  return out
end

local function hover_text(result)
  if result == nil or result == vim.NIL then
    return ''
  end
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, p in ipairs(c) do
    table.insert(parts, type(p) == 'string' and p or p.value or '')
  end
  return table.concat(parts, '\n')
end

-- A diagnostic's code: at the top level, or in user_data.lsp.code.
local function code_of(d)
  if d.code ~= nil then
    return tostring(d.code)
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code and tostring(lsp.code) or ''
end

local ok, err = pcall(function()
  local broken = open('cmd/host/broken.go')
  local main = open('cmd/host/main.go')

  check('gopls reports the type error in broken.go through plugin-lsp', function()
    local found
    vim.wait(60000, function()
      for _, d in ipairs(vim.diagnostic.get(broken)) do
        if d.message:find('cannot use "forty-two"', 1, true) then
          found = d
          return true
        end
      end
      return false
    end, 100)
    assert(found, 'no type error diagnostic in broken.go; have: ' .. vim.inspect(vim.diagnostic.get()))
    assert(found.lnum == 4, 'on line ' .. found.lnum)
    assert(found.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(found.severity))
  end)

  check('gopls asked for its configuration and was answered', function()
    assert(config_sections['gopls'], 'sections asked: ' .. vim.inspect(config_sections))
  end)

  check('hover on contract.Get shows its signature', function()
    local text = hover_text(request(main, 'textDocument/hover', position_of(main, 'Get("logger")', 1)))
    assert(text:find('func contract.Get(name string) contract.Logger', 1, true), 'hover: ' .. text)
  end)

  check('definition of contract.Get is in contract/contract.go', function()
    local locs = locations(request(main, 'textDocument/definition', position_of(main, 'Get("logger")', 1)))
    assert(#locs > 0, 'no definition')
    assert(vim.uri_to_fname(locs[1].uri) == fixture .. '/contract/contract.go', 'definition in ' .. locs[1].uri)
    assert(locs[1].range.start.line == 16, 'definition at line ' .. locs[1].range.start.line)
  end)

  if features.diagnostics then
    check('REG003 for Get("loger") with source plugin-lsp', function()
      local found
      vim.wait(30000, function()
        -- With no buffer: diagnostics of files that are not open are seen only so.
        for _, d in ipairs(vim.diagnostic.get()) do
          if d.bufnr == main and d.source == 'plugin-lsp' and code_of(d) == 'REG003' then
            found = d
            return true
          end
        end
        return false
      end, 100)
      assert(found, 'no REG003; have: ' .. vim.inspect(vim.diagnostic.get()))
      local typo = position_of(main, '"loger"', 1)
      assert(found.lnum == typo.line, 'REG003 on line ' .. found.lnum .. ', want ' .. typo.line)
      assert(found.message:find('logger', 1, true), 'REG003 does not suggest "logger": ' .. found.message)
    end)
  end

  if features.related then
    check('REG001 in audit.go (not open) points at auditcopy.go in relatedInformation', function()
      local audit = fixture .. '/plugins/audit/audit.go'
      local found
      vim.wait(30000, function()
        for _, d in ipairs(vim.diagnostic.get()) do
          if d.source == 'plugin-lsp' and code_of(d) == 'REG001' and vim.api.nvim_buf_get_name(d.bufnr) == audit then
            found = d
            return true
          end
        end
        return false
      end, 100)
      assert(found, 'no REG001 in audit.go; have: ' .. vim.inspect(vim.diagnostic.get()))
      assert(found.lnum == 12, 'REG001 on line ' .. found.lnum .. ', want 12 (0-based)')
      assert(found.message:find('duplicate plugin name "audit"', 1, true), found.message)
      local related = found.user_data and found.user_data.lsp and found.user_data.lsp.relatedInformation or {}
      local targets = {}
      for _, r in ipairs(related) do
        table.insert(targets, vim.uri_to_fname(r.location.uri) .. ':' .. r.location.range.start.line)
      end
      assert(vim.tbl_contains(targets, fixture .. '/plugins/auditcopy/auditcopy.go:13'), 'relatedInformation: ' .. vim.inspect(targets))
    end)
  end

  if features.hover then
    check('hover on the plugin name "logger"', function()
      local text = hover_text(request(main, 'textDocument/hover', position_of(main, '"logger"', 2)))
      assert(text:find('logger', 1, true) and (text:find('Stdout', 1, true) or text:find('logger.go', 1, true)), 'hover: ' .. text)
    end)
  end

  if features.definition then
    check('definition of the plugin name "logger" is its registration', function()
      local locs = locations(request(main, 'textDocument/definition', position_of(main, '"logger"', 2)))
      local files = {}
      for _, l in ipairs(locs) do
        table.insert(files, vim.uri_to_fname(l.uri))
      end
      assert(vim.tbl_contains(files, fixture .. '/plugins/logger/logger.go'), 'targets: ' .. vim.inspect(files))
    end)
  end

  if features.completion then
    check('completion inside Get("…") offers "logger"', function()
      local result = request(main, 'textDocument/completion', position_of(main, 'Get("loger")', 5),
        { context = { triggerKind = 2, triggerCharacter = '"' } })
      local items = result and (result.items or result) or {}
      local labels = {}
      for _, it in ipairs(items) do
        table.insert(labels, it.label)
      end
      assert(vim.tbl_contains(labels, 'logger'), 'labels: ' .. table.concat(labels, ', '))
    end)
  end

  -- client.stop() wipes the client's diagnostics: everything is read above.
  check('shutdown: the server exits', function()
    vim.lsp.stop_client(client_id)
    assert(vim.wait(10000, function()
      return exited
    end, 50), 'plugin-lsp did not exit within 10 s of shutdown')
  end)
end)
if not ok then
  failed = failed + 1
  log('FAIL ' .. tostring(err))
end
finish()
