package index

import "slices"

// StronglyConnected returns the strongly connected components of the
// directed graph given by nodes and succ (Tarjan's algorithm). Nodes reached
// only through succ are included; duplicate nodes or successors are harmless.
//
// The result does not depend on the order of nodes or of succ's answers, so
// callers get stable output (goldens, finding order) from map-built graphs:
// roots and successors are visited in sorted order, components come in the
// order Tarjan completes them (every component before any component that
// reaches it), and each component's members are sorted. A component of one
// node is returned whether or not the node has a self loop; callers that
// care check for the loop themselves.
func StronglyConnected(nodes []string, succ func(string) []string) [][]string {
	roots := slices.Clone(nodes)
	slices.Sort(roots)
	idx, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var comps [][]string
	next := 0
	var visit func(v string)
	visit = func(v string) {
		idx[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		ws := slices.Clone(succ(v))
		slices.Sort(ws)
		for _, w := range ws {
			if _, seen := idx[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], idx[w])
			}
		}
		if low[v] == idx[v] {
			var comp []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			slices.Sort(comp)
			comps = append(comps, comp)
		}
	}
	for _, v := range roots {
		if _, seen := idx[v]; !seen {
			visit(v)
		}
	}
	return comps
}
