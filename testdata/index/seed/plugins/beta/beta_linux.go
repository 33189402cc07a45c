package beta

import "example.com/contract"

func init() {
	contract.Register("beta-linux", &Beta{})
}
