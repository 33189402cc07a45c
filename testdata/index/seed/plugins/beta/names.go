package beta

const name = "beta"
