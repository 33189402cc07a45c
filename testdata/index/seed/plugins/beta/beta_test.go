package beta

import (
	"testing"

	"example.com/contract"
)

func TestBeta(t *testing.T) {
	contract.Register("beta-test", &Beta{})
}
