package diagnostics

// Rules not implemented yet (next commits).
func checkPL001(p *pass)  {}
func checkPL003(p *pass)  {}
func checkPL004(p *pass)  {}
func checkPL005(p *pass)  {}
func checkPL006(p *pass)  {}
func checkMF001(p *pass)  {}
func checkMF002(p *pass)  {}
func checkMF003(p *pass)  {}
func checkMF004(p *pass)  {}
func checkSEC001(p *pass) {}
func checkREG004(p *pass) {}
func checkPL002(p *pass)  {}
