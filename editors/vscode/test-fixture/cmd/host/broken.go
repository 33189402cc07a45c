package main

// answer has a deliberate type error: the editor tests expect gopls to report it.
func answer() int {
	return "forty-two"
}
