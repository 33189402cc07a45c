// Package names holds plugin names shared between packages.
package names

// Gamma is the gamma plugin's name.
const Gamma = "gamma"

// GammaAlias resolves through another constant.
const GammaAlias = Gamma
