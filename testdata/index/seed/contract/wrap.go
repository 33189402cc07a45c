package contract

// MustRegister forwards to Register (a wrapper registrar).
func MustRegister(name string, p Plugin) {
	Register(name, p)
}
